"""Retention (SQLite and PostgreSQL): held records past their period are purged with an audit row of counts
and digests; held records are found by a subject's keyed digest, never stored in clear."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from customs.audit.subjects import subject_digest
from customs.cli import app
from review.models import ReleaseMode
from review.retention import held_about, purge_expired
from review.runner import purge

from .conftest import PHONE, RESIDENT_ID, T0, Desk

DAY = 86_400.0


def test_expired_records_are_purged_with_an_audit_row(desk: Desk) -> None:
    rita = desk.review.accounts.user_named("rita")
    assert rita is not None
    old_held = desk.hold({"id": "a", "phone": PHONE}, at=T0)
    old_rejected = desk.hold({"id": "b", "phone": PHONE}, at=T0)
    recent_held = desk.hold({"id": "c", "note": "no personal data"}, at=T0 + 50 * DAY)
    released = desk.hold({"id": "d", "note": "nothing"}, at=T0)
    desk.service.reject(rita, old_rejected, "wrong flow")
    desk.service.request_release(rita, released, ReleaseMode.AS_IS)
    assert desk.review.store.releases_of(released)

    desk.clock.now = T0 + 31 * DAY  # past the rejected period (30), within the held one (90)
    first = purge_expired(desk.review.store, 90, 30)
    assert (first.records, first.by_status) == (1, {"rejected": 1})
    assert desk.review.store.held(old_rejected) is None
    assert desk.review.store.held(old_held) is not None

    desk.clock.now = T0 + 91 * DAY
    second = purge(desk.review)  # the service's periodic job, with its settings (90 and 30 days)
    assert second == 2
    for gone in (old_held, released):
        assert desk.review.store.held(gone) is None
        assert desk.review.store.releases_of(gone) == []
    assert desk.review.store.held(recent_held) is not None

    purges = [e for e in desk.review.store.audit_entries() if e.action == "purged"]
    assert [p.detail["records"] for p in sorted(purges, key=lambda e: e.seq)] == [1, 2]
    assert all(len(d) == 64 for p in purges for d in p.detail["digests"])
    assert PHONE not in str([p.detail for p in purges])
    assert desk.review.store.verify_audit().ok  # the purge rows are chained like every other
    assert purge_expired(desk.review.store, 90, 30).records == 0


def test_held_records_found_by_subject_digest_only(desk: Desk) -> None:
    rita = desk.review.accounts.user_named("rita")
    alex = desk.review.accounts.user_named("alex")
    assert rita is not None and alex is not None
    first = desk.hold({"id": "p1", "customer_id": RESIDENT_ID, "phone": PHONE})
    second = desk.hold({"id": "p2", "mobile": "+86 138-1234-5678"})
    other = desk.hold({"id": "p3", "phone": "13912345670"})
    request = desk.service.request_release(rita, first, ReleaseMode.MASKED, "type_tag")
    desk.service.approve(alex, request.id)

    key = desk.settings.pseudonym_secret
    found = held_about(desk.review.store, subject_digest(PHONE, key))
    assert sorted(item.held.id for item in found) == sorted([first, second])
    assert [r.approved_by for item in found if item.held.id == first for r in item.releases] == ["alex"]
    assert [i.held.id for i in held_about(desk.review.store, subject_digest(RESIDENT_ID.lower(), key))] == [
        first
    ]
    assert other not in [i.held.id for i in found]
    stored = desk.review.db.all("SELECT digest FROM held_subjects")
    assert stored and all(len(row["digest"]) == 64 for row in stored)
    assert PHONE not in str([row["digest"] for row in stored])
    desk.clock.now = T0 + 200 * DAY
    purge(desk.review)
    assert held_about(desk.review.store, subject_digest(PHONE, key)) == []
    assert desk.review.db.all("SELECT digest FROM held_subjects") == []


def test_cli_subject_find_lists_held_records(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held_id = desk.hold({"id": "q1", "phone": PHONE})
    desk.hold({"id": "q2", "phone": "13912345670"})
    monkeypatch.setenv("CUSTOMS_REVIEW_DB", str(desk.settings.review_db))
    monkeypatch.setenv("CUSTOMS_PSEUDONYM_KEY", "unit-test-key")
    if desk.settings.review_database_url:
        monkeypatch.setenv("CUSTOMS_REVIEW_DATABASE_URL", desk.settings.review_database_url)
    export = tmp_path / "audit.jsonl"
    export.write_text("")
    result = CliRunner().invoke(app, ["subject", "find", "--id", "+86 " + PHONE, "--export", str(export)])
    assert result.exit_code == 0, result.output
    assert "review store: 1 held records" in result.output and held_id in result.output
    assert PHONE not in result.output
