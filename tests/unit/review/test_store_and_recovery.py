"""Ingest idempotence, encryption at rest, crash recovery of 'releasing', and logs free of held values."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from collections.abc import Callable
from contextlib import closing
from functools import partial
from pathlib import Path

import psycopg
import pytest
from cryptography.fernet import Fernet

from customs.settings import Settings
from review.db import SCHEMA, Database, SQLiteDatabase
from review.db_postgres import PostgresDatabase, translate_schema
from review.errors import ReviewError
from review.ingest import Quarantined
from review.models import ReleaseMode, ReleaseState, Status
from review.runner import settle, transactional_id
from review.vault import Vault, VaultError

from .conftest import EMAIL, PHONE, RESIDENT_ID, Desk
from .test_api import CONTACT, SENSITIVE


def test_the_same_origin_is_held_once(desk: Desk) -> None:
    first = desk.hold(CONTACT)
    again = Quarantined(
        "t.quarantine",
        2,
        99,
        None,
        b'{"id": "sc-1"}',
        (
            (b"customs-origin-topic".decode(), b"t.inbound"),
            ("customs-origin-partition", b"1"),
            ("customs-origin-offset", str(desk.offset).encode()),
        ),
        None,
    )
    assert desk.review.ingest.add(again) is None
    assert desk.review.store.counts_by_status()["held"] == 1
    assert desk.review.store.held(first) is not None


def test_a_record_without_origin_headers_is_keyed_by_its_quarantine_position(desk: Desk) -> None:
    message = Quarantined("t.quarantine", 0, 7, None, b'{"id": "x"}', (), None)
    held_id = desk.review.ingest.add(message)
    assert held_id is not None
    held = desk.review.store.held(held_id)
    assert held is not None and held.origin == "t.quarantine/0@7"
    assert desk.review.ingest.add(message) is None


def test_payloads_are_encrypted_at_rest(desk: Desk) -> None:
    desk.hold(SENSITIVE)
    desk.hold(CONTACT)
    rows = desk.review.db.all("SELECT origin_topic, key_enc, value_enc, headers_enc FROM held")
    assert {row["origin_topic"] for row in rows} == {"t.inbound"}  # the metadata is there, in the clear
    sealed = [row[name] for row in rows for name in ("key_enc", "value_enc", "headers_enc")]
    assert all(isinstance(value, bytes) for value in sealed)
    raw = b"".join(sealed)
    if desk.settings.review_database_url is None:  # SQLite: the files on disk, write-ahead log included
        files = [desk.settings.review_db, desk.settings.review_db.with_name("review.db-wal")]
        raw = b"".join(path.read_bytes() for path in files if path.exists())
        assert b"t.inbound" in raw
    for value in (RESIDENT_ID, PHONE, EMAIL):
        assert value.encode() not in raw
    other = Vault(Fernet.generate_key())
    with pytest.raises(VaultError):
        other.open(rows[0]["value_enc"])


def test_key_file_is_made_once_with_mode_0600(tmp_path: os.PathLike[str]) -> None:
    settings = Settings(review_key_file=Path(tmp_path) / "secrets" / "review.key")
    vault = Vault.from_settings(settings)
    mode = stat.S_IMODE(os.stat(settings.review_key_file).st_mode)
    assert mode == 0o600
    assert Vault.from_settings(settings).open(vault.seal(b"x")) == b"x"


def test_failed_publish_stays_releasing_and_recovery_produces_once(desk: Desk) -> None:
    held = desk.hold(CONTACT)
    rita = desk.review.accounts.user_named("rita")
    assert rita is not None
    desk.publisher.fail_next = "before"
    with pytest.raises(ReviewError):
        desk.service.request_release(rita, held, ReleaseMode.AS_IS)
    assert desk.review.store.held(held).status is Status.RELEASING  # type: ignore[union-attr]
    assert desk.service.recover() == 1
    assert len(desk.publisher.messages("t.allow")) == 1
    assert desk.review.store.held(held).status is Status.RELEASED  # type: ignore[union-attr]
    assert desk.service.recover() == 0


def test_recovery_finds_a_release_committed_before_the_crash(desk: Desk) -> None:
    held = desk.hold(CONTACT)
    rita = desk.review.accounts.user_named("rita")
    assert rita is not None
    desk.publisher.fail_next = "after"  # produced and committed, but the service died before marking it
    with pytest.raises(ReviewError):
        desk.service.request_release(rita, held, ReleaseMode.AS_IS)
    [release] = desk.review.store.releases_in(ReleaseState.RELEASING)
    assert desk.service.recover() == 1
    assert len(desk.publisher.messages("t.allow")) == 1
    done = desk.review.store.release(release.id)
    assert done is not None and done.state is ReleaseState.RELEASED and done.released_offset == 0
    history = desk.review.store.history(held)
    assert history[-1].action == "released" and history[-1].detail["recovered"] is True


def test_logs_never_hold_a_held_value(desk: Desk, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    sensitive = desk.hold(SENSITIVE)
    contact = desk.hold(CONTACT)
    desk.client.post(f"/api/records/{sensitive}/reveal", headers=desk.auth("rita"))
    release = desk.client.post(f"/api/records/{sensitive}/release", headers=desk.auth("rita"), json={}).json()
    desk.client.post(f"/api/releases/{release['id']}/approve", headers=desk.auth("bo"))
    desk.client.post(
        f"/api/records/{contact}/release",
        headers=desk.auth("rita"),
        json={"mode": "masked", "operator": "partial"},
    )
    assert "released" in caplog.text
    for value in (RESIDENT_ID, PHONE, EMAIL, "tcm-1"):
        assert value not in caplog.text


def test_api_answers_503_when_the_broker_fails_and_recovery_settles_it(desk: Desk) -> None:
    held = desk.hold(CONTACT)
    desk.publisher.fail_next = "before"
    response = desk.client.post(f"/api/records/{held}/release", headers=desk.auth("rita"), json={})
    assert response.status_code == 503 and "retried" in response.json()["error"]
    assert desk.service.recover() == 1
    assert len(desk.publisher.messages("t.allow")) == 1


def test_each_instance_recovers_only_the_releases_it_started(desk: Desk) -> None:
    """Two review processes share one store: a release left 'releasing' by one is not produced again by
    the other (whose recovery runs every 30 s and might otherwise race the first one's producer)."""
    first, second = desk.hold(CONTACT), desk.hold(CONTACT | {"id": "sc-2"})
    rita = desk.review.accounts.user_named("rita")
    assert rita is not None
    desk.service.instance = "a"
    other = desk.review.service(desk.publisher)
    other.instance = "b"
    desk.publisher.fail_next = "before"
    with pytest.raises(ReviewError):
        desk.service.request_release(rita, first, ReleaseMode.AS_IS)
    desk.publisher.fail_next = "before"
    with pytest.raises(ReviewError):
        other.request_release(rita, second, ReleaseMode.AS_IS)
    owners = {r.held_id: r.owner for r in desk.review.store.releases_in(ReleaseState.RELEASING)}
    assert owners == {first: "a", second: "b"}
    assert other.recover() == 1  # its own only
    assert desk.review.store.held(first).status is Status.RELEASING  # type: ignore[union-attr]
    assert desk.review.store.held(second).status is Status.RELEASED  # type: ignore[union-attr]
    assert desk.service.recover() == 1
    assert len(desk.publisher.messages("t.allow")) == 2


def test_the_approving_instance_owns_a_four_eyes_release(desk: Desk) -> None:
    held = desk.hold(SENSITIVE)
    rita, bo = desk.review.accounts.user_named("rita"), desk.review.accounts.user_named("bo")
    assert rita is not None and bo is not None
    requested = desk.service.request_release(rita, held, ReleaseMode.AS_IS)
    approver = desk.review.service(desk.publisher)
    approver.instance = "b"
    desk.publisher.fail_next = "before"
    with pytest.raises(ReviewError):
        approver.approve(bo, requested.id)
    assert desk.review.store.releases_in(ReleaseState.RELEASING, owner="b")[0].id == requested.id
    assert desk.service.recover() == 0
    assert approver.recover() == 1


def test_a_store_made_before_instances_gets_the_owner_column(
    review_database_url: str | None, tmp_path: Path
) -> None:
    old_schema = SCHEMA.replace(",\n    owner TEXT NOT NULL DEFAULT ''", "")
    assert old_schema != SCHEMA
    opened: Callable[[], Database]
    if review_database_url is None:
        path = tmp_path / "old.db"
        with closing(sqlite3.connect(path)) as old:
            old.executescript(old_schema)
        opened = partial(SQLiteDatabase, path)
        columns = "SELECT name FROM pragma_table_info('releases')"
    else:
        with psycopg.connect(review_database_url, autocommit=True) as old:
            old.execute(translate_schema(old_schema))
        opened = partial(PostgresDatabase, review_database_url)
        columns = "SELECT column_name FROM information_schema.columns WHERE table_name = 'releases'"
    for _ in range(2):  # the second opening finds the column there and adds nothing
        db = opened()
        try:
            assert "owner" in {row[0] for row in db.all(columns)}
        finally:
            db.close()


@pytest.mark.parametrize(
    ("instance", "expected"), [("", "app-review-release"), ("b", "app-review-release-b")]
)
def test_each_instance_has_its_own_release_transactional_id(instance: str, expected: str) -> None:
    assert transactional_id(Settings(app_id="app", review_instance=instance)) == expected


def test_settle_only_settles_what_the_named_instance_left_and_stops(desk: Desk) -> None:
    """``customs review --instance gone --settle-only``: the releases of an instance gone for good."""
    held, other = desk.hold(CONTACT), desk.hold(CONTACT | {"id": "sc-3"})
    rita = desk.review.accounts.user_named("rita")
    assert rita is not None
    gone = desk.review.service(desk.publisher)
    gone.instance = "gone"
    desk.publisher.fail_next = "before"
    with pytest.raises(ReviewError):
        gone.request_release(rita, held, ReleaseMode.AS_IS)
    desk.publisher.fail_next = "before"
    with pytest.raises(ReviewError):
        desk.service.request_release(rita, other, ReleaseMode.AS_IS)  # the default instance's
    assert settle(desk.settings.model_copy(update={"review_instance": "gone"}), desk.publisher) == 1
    assert desk.review.store.held(held).status is Status.RELEASED  # type: ignore[union-attr]
    assert desk.review.store.held(other).status is Status.RELEASING  # type: ignore[union-attr]
