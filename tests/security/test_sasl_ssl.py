"""The gateway (both engines) and the review release against a broker that only speaks SASL_SSL
(SCRAM-SHA-512), and clients without credentials, with a wrong password or without TLS refused."""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from confluent_kafka import Consumer, Message
from cryptography.fernet import Fernet
from pydantic import SecretStr

from customs.samples.feed import publish
from customs.settings import Settings
from review.kafka import KafkaPublisher, QuarantineConsumer
from review.models import QueueFilter, ReleaseMode, ReleaseState, User
from review.publisher import RELEASED_BY
from review.roles import Role
from review.runner import build_review, quarantined, review_group, transactional_id
from streams.kafka_security import confluent_security
from streams.reach import KafkaUnreachable, check_reachable, client_config
from streams.topics import create_topics
from tests.kafka_support import CUSTOMS, settings_env

from .conftest import SecureBroker

pytestmark = pytest.mark.security

RECORDS = 40
REVIEWER = User(1, "rita", (Role.REVIEWER,))
APPROVER = User(2, "bo", (Role.APPROVER,))


def as_user(settings: Settings, broker: SecureBroker, user: str) -> Settings:
    """The same topics and group, logged in as another SCRAM user."""
    return settings.model_copy(
        update={"kafka_sasl_username": user, "kafka_sasl_password": SecretStr(broker.passwords[user])}
    )


def read_committed(
    settings: Settings, topics: list[str], expected: int, timeout: float = 90
) -> list[Message]:
    consumer = Consumer(
        client_config(
            settings.bootstrap_servers,
            confluent_security(settings),
            **{
                "group.id": f"sec-reader-{uuid.uuid4().hex}",
                "auto.offset.reset": "earliest",
                "isolation.level": "read_committed",
                "enable.auto.commit": False,
            },
        )
    )
    consumer.subscribe(topics)
    messages: list[Message] = []
    deadline = time.monotonic() + timeout
    try:
        while len(messages) < expected and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is not None and not message.error():
                messages.append(message)
    finally:
        consumer.close()
    return messages


@pytest.fixture()
def topics(secure_broker: SecureBroker) -> Settings:
    """Topics made by the admin user; the settings returned log in as the gateway."""
    admin = secure_broker.settings("admin")
    create_topics(admin)
    return as_user(admin, secure_broker, "gateway")


@pytest.fixture()
def worker(topics: Settings, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Settings]:
    settings = topics.model_copy(update={"stream_engine": request.param})
    with (tmp_path / "worker.log").open("wb") as log:
        process = subprocess.Popen(
            [str(CUSTOMS), "worker"], env=settings_env(settings), stdout=log, stderr=subprocess.STDOUT
        )
        try:
            yield settings
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
    assert settings.kafka_sasl_password is not None
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert settings.kafka_sasl_password.get_secret_value() not in log, "the worker logged its password"


@pytest.mark.parametrize("worker", ["aiokafka", "faust"], indirect=True)
def test_gateway_routes_every_record_over_sasl_ssl(worker: Settings) -> None:
    assert publish(worker, RECORDS) == RECORDS
    outputs = worker.output_topic_names
    routed = read_committed(worker, [outputs[d] for d in ("allow", "mask", "quarantine")], RECORDS, 180)
    assert len(routed) == RECORDS
    assert len(read_committed(worker, [outputs["audit"]], RECORDS)) >= RECORDS


@pytest.mark.parametrize("worker", ["aiokafka"], indirect=True)
def test_review_releases_a_quarantined_record_over_sasl_ssl(
    worker: Settings, secure_broker: SecureBroker, tmp_path: Path
) -> None:
    assert publish(worker, RECORDS) == RECORDS
    settings = as_user(worker, secure_broker, "review").model_copy(
        update={"review_db": tmp_path / "review.db", "review_key": SecretStr(Fernet.generate_key().decode())}
    )
    review = build_review(settings)
    ingest = QuarantineConsumer(
        settings.bootstrap_servers,
        review_group(settings),
        settings.output_topic_names["quarantine"],
        lambda message: review.ingest.add(quarantined(message)),
        confluent_security(settings),
    )
    deadline = time.monotonic() + 120
    try:
        while not review.store.ids(QueueFilter(status="held"), 1) and time.monotonic() < deadline:
            ingest.poll_once(timeout=1.0)
    finally:
        ingest.close()
    [held_id] = review.store.ids(QueueFilter(status="held"), 1)
    publisher = KafkaPublisher(
        settings.bootstrap_servers, transactional_id(settings), security=confluent_security(settings)
    )
    try:
        service = review.service(publisher)
        release = service.request_release(
            REVIEWER, held_id, ReleaseMode.AS_IS, justification="security tier: release over SASL_SSL"
        )
        if release.state is ReleaseState.AWAITING_APPROVAL:
            release = service.approve(APPROVER, release.id)
        assert release.state is ReleaseState.RELEASED
    finally:
        publisher.close()
        review.db.close()
    allowed = read_committed(settings, [settings.output_topic_names["allow"]], RECORDS, 30)
    released = [m for m in allowed if any(k == RELEASED_BY for k, _ in m.headers() or [])]
    assert len(released) == 1


@pytest.mark.parametrize(
    "change",
    [
        {"kafka_security_protocol": "SSL"},  # TLS but no SASL credentials
        {"kafka_sasl_password": SecretStr("not-the-password")},
        {"kafka_sasl_username": "nobody"},
        {"kafka_security_protocol": "PLAINTEXT"},  # no TLS at all
    ],
    ids=["no-credentials", "wrong-password", "unknown-user", "plaintext"],
)
def test_a_client_without_valid_credentials_is_refused(
    secure_broker: SecureBroker, change: dict[str, object]
) -> None:
    good = secure_broker.settings("gateway")
    check_reachable(good.bootstrap_servers, 10, confluent_security(good))  # the same client, logged in
    bad = good.model_copy(update=change)
    with pytest.raises(KafkaUnreachable):
        check_reachable(bad.bootstrap_servers, 8, confluent_security(bad))
