"""A review service on a temporary store — SQLite and PostgreSQL, each test on both — with an in-memory
publisher, users of every role."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient

from customs import headers as h
from customs.factory import build_inspector
from customs.settings import Settings
from review.accounts import Accounts
from review.analysis import Analyst
from review.app import create_app
from review.ingest import Quarantined
from review.roles import Role
from review.runner import Review, build_review
from review.service import ReviewService
from rules.policy import load_policy
from tests.postgres_support import PostgresServer, PostgresUnavailable, start_postgres

from .fakes import FakePublisher

PASSWORD = "correct horse battery staple"
RESIDENT_ID = "11010519491231002X"
PHONE = "13812345678"
EMAIL = "wang.fang@example.com"
T0 = 1_780_000_000.0


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the session; skipped without its binaries, except in CI (CI=true)."""
    try:
        server = start_postgres()
    except PostgresUnavailable as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL tests must run in CI: {exc}")
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def review_database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """The store's back end: None (SQLite, ``review_db``) or the URL of a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield None
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = server.create_database()
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)


@pytest.fixture(scope="session")
def analyst() -> Analyst:
    inspector = build_inspector(Settings(pseudonym_key="unit-test-key"), load_policy("gba-default"))
    return Analyst.of(inspector)


@dataclass
class Desk:
    """The review service under test, and helpers to hold records and call it as each user."""

    review: Review
    service: ReviewService
    publisher: FakePublisher
    client: TestClient
    clock: Clock
    settings: Settings
    tokens: dict[str, str] = field(default_factory=dict)
    offset: int = 0

    def hold(
        self,
        record: Mapping[str, object] | bytes,
        reasons: str = "rule_quarantine",
        source: str = "gz-tcm-hospital",
        at: float | None = None,
    ) -> str:
        value = record if isinstance(record, bytes) else json.dumps(record, ensure_ascii=False).encode()
        self.offset += 1
        headers = {
            h.DECISION: "quarantine",
            h.REASONS: reasons,
            h.POLICY_VERSION: "sha256:unit",
            h.ORIGIN_TOPIC: "t.inbound",
            h.ORIGIN_PARTITION: "1",
            h.ORIGIN_OFFSET: str(self.offset),
            h.DIGEST: "d" * 64,
            h.SOURCE: source,
            h.DESTINATION: "hku-tcm-lab",
            h.PURPOSE: "clinical_research",
        }
        message = Quarantined(
            "t.quarantine",
            1,
            self.offset,
            b"k",
            value,
            tuple((k, v.encode()) for k, v in headers.items()),
            int((at or self.clock()) * 1000),
        )
        held_id = self.review.ingest.add(message)
        assert held_id is not None
        return held_id

    def auth(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def login(self, user: str) -> TestClient:
        """A browser-like client logged in as ``user`` (its own cookie jar)."""
        client = TestClient(self.client.app, follow_redirects=False)
        page = client.get("/login")
        csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
        response = client.post("/login", data={"name": user, "password": PASSWORD, "csrf": csrf})
        assert response.status_code == 303, response.text
        return client


USERS = {
    "rita": (Role.REVIEWER,),
    "alex": (Role.APPROVER,),
    "bo": (Role.APPROVER,),
    "aud": (Role.AUDITOR,),
    "root": (Role.ADMIN,),
}


@pytest.fixture()
def desk(tmp_path: Path, analyst: Analyst, review_database_url: str | None) -> Iterator[Desk]:
    settings = Settings(
        review_db=tmp_path / "review.db",
        review_database_url=review_database_url,
        review_key=Fernet.generate_key().decode(),
        pseudonym_key="unit-test-key",
        topic_prefix="t.",
        review_page_size=3,
    )
    clock = Clock()
    review = build_review(settings, analyst)
    review.store.clock = clock
    review.accounts = Accounts(
        review.db, b"k" * 32, clock, 1800.0, 12 * 3600.0, PasswordHasher(time_cost=1, memory_cost=1024)
    )
    publisher = FakePublisher()
    context = review.context(publisher)
    client = TestClient(create_app(context), follow_redirects=False)
    desk = Desk(review, context.service, publisher, client, clock, settings)
    for name, roles in USERS.items():
        user = review.accounts.create_user(name, PASSWORD, roles)
        desk.tokens[name] = review.accounts.issue_token(user, "test")
    yield desk
    review.db.close()
