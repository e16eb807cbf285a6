"""The review service on a real broker: ingest from quarantine, release to allow with provenance headers,
four-eyes approval, and recovery of a release left 'releasing' by a crash — never lost, never twice."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest
from confluent_kafka import Message, Producer
from cryptography.fernet import Fernet
from pydantic import SecretStr

from customs import headers as h
from customs.settings import Settings
from review.errors import ReviewError
from review.kafka import KafkaPublisher, QuarantineConsumer
from review.models import QueueFilter, ReleaseMode, ReleaseState, Status, User
from review.publisher import APPROVED_BY, RELEASE_ID, RELEASED_BY, Outbound
from review.roles import Role
from review.runner import Review, build_review, quarantined, review_group, transactional_id
from streams.topics import create_topics
from tests.kafka_support import headers_of, read_committed

pytestmark = pytest.mark.integration

RESIDENT_ID = "11010519491231002X"
REVIEWER = User(1, "rita", (Role.REVIEWER,))
APPROVER = User(2, "bo", (Role.APPROVER,))


@pytest.fixture()
def review_settings(customs_settings: Settings, tmp_path: Path) -> Settings:
    create_topics(customs_settings)
    return customs_settings.model_copy(
        update={
            "review_db": tmp_path / "review.db",
            "review_key": SecretStr(Fernet.generate_key().decode()),
        }
    )


@pytest.fixture()
def review(review_settings: Settings) -> Iterator[Review]:
    built = build_review(review_settings)
    yield built
    built.db.close()


def publish_quarantined(
    settings: Settings, records: Sequence[Mapping[str, object]], reasons: str = "rule_quarantine"
) -> None:
    """Publish records to the quarantine topic the way the gateway does (origin headers and all)."""
    producer = Producer({"bootstrap.servers": settings.bootstrap_servers})
    for offset, record in enumerate(records):
        headers = {
            h.DECISION: "quarantine",
            h.REASONS: reasons,  # by default a rule held it: one reviewer may release it
            h.POLICY_VERSION: "sha256:integration",
            h.ORIGIN_TOPIC: settings.inbound_topic_names[0],
            h.ORIGIN_PARTITION: "2",
            h.ORIGIN_OFFSET: str(offset),
            h.DIGEST: "0" * 64,
            h.SOURCE: "gz-tcm-hospital",
            h.DESTINATION: "hku-tcm-lab",
            h.PURPOSE: "clinical_research",
        }
        producer.produce(
            settings.output_topic_names["quarantine"],
            json.dumps(record).encode(),
            str(record["id"]).encode(),
            partition=2,
            headers=list(headers.items()),
        )
    assert producer.flush(30) == 0


def _ingest(review: Review, expected: int, timeout: float = 60.0) -> None:
    settings = review.settings
    consumer = QuarantineConsumer(
        settings.bootstrap_servers,
        review_group(settings),
        settings.output_topic_names["quarantine"],
        lambda message: review.ingest.add(quarantined(message)),
    )
    deadline = time.monotonic() + timeout
    try:
        while review.store.counts_by_status()["held"] < expected and time.monotonic() < deadline:
            consumer.poll_once(timeout=1.0)
    finally:
        consumer.close()
    assert review.store.counts_by_status()["held"] == expected


def _allow(settings: Settings, expected: int) -> list[Message]:
    return read_committed(settings.bootstrap_servers, [settings.output_topic_names["allow"]], expected, 60)


def test_ingest_release_and_four_eyes_on_a_real_broker(review: Review) -> None:
    settings = review.settings
    publish_quarantined(
        settings, [{"id": "sc-1", "note": "no personal data"}, {"id": "tcm-1", "pid": RESIDENT_ID}]
    )
    _ingest(review, 2)
    _ingest(review, 2, timeout=5)  # a restarted ingest holds nothing twice
    publisher = KafkaPublisher(settings.bootstrap_servers, transactional_id(settings))
    try:
        service = review.service(publisher)
        plain, sensitive = (_held_id(review, ref) for ref in ("sc-1", "tcm-1"))
        released = service.request_release(REVIEWER, plain, ReleaseMode.AS_IS)
        assert released.state is ReleaseState.RELEASED
        request = service.request_release(REVIEWER, sensitive, ReleaseMode.AS_IS)
        assert request.state is ReleaseState.AWAITING_APPROVAL
        approved = service.approve(APPROVER, request.id)
        assert approved.state is ReleaseState.RELEASED
    finally:
        publisher.close()
    messages = _allow(settings, 2)
    assert len(messages) == 2
    by_id = {json.loads(m.value() or b"{}")["id"]: m for m in messages}
    plain_headers, sensitive_headers = headers_of(by_id["sc-1"]), headers_of(by_id["tcm-1"])
    assert plain_headers[RELEASED_BY] == "rita" and APPROVED_BY not in plain_headers
    assert plain_headers[RELEASE_ID] == released.id
    assert sensitive_headers[RELEASED_BY] == "rita" and sensitive_headers[APPROVED_BY] == "bo"
    for headers in (plain_headers, sensitive_headers):
        assert headers[h.ORIGIN_TOPIC] == settings.inbound_topic_names[0]
        assert headers[h.ORIGIN_PARTITION] == "2" and headers[h.ORIGIN_OFFSET] in {"0", "1"}
        assert headers[h.POLICY_VERSION] == "sha256:integration"
        assert headers[h.DECISION] == "allow" and headers[h.SOURCE] == "gz-tcm-hospital"
    assert by_id["tcm-1"].partition() == 2 and by_id["tcm-1"].key() == b"tcm-1"


def _all() -> QueueFilter:
    return QueueFilter(status="all")


def _held_id(review: Review, record_ref: str) -> str:
    [held_id] = review.store.ids(QueueFilter(status="all", record_ref=record_ref), 10)
    return held_id


class _Crash(Exception):
    pass


class CrashBeforeProduce(KafkaPublisher):
    def publish(self, message: Outbound) -> int:
        raise _Crash("the service died after marking 'releasing'")


class CrashAfterCommit(KafkaPublisher):
    def publish(self, message: Outbound) -> int:
        super().publish(message)
        raise _Crash("the service died after the commit, before marking 'released'")


class CrashInsideTransaction(KafkaPublisher):
    def publish(self, message: Outbound) -> int:
        self._producer.begin_transaction()
        self._producer.produce(
            message.topic,
            message.value,
            message.key,
            partition=message.partition,
            headers=list(message.headers),
        )
        self._producer.flush(30)
        raise _Crash("the service died with the transaction open")


@pytest.mark.parametrize("crash", [CrashBeforeProduce, CrashInsideTransaction, CrashAfterCommit])
def test_a_crash_mid_release_neither_loses_nor_duplicates(
    review: Review, crash: type[KafkaPublisher]
) -> None:
    settings = review.settings
    publish_quarantined(settings, [{"id": "sc-9", "note": "nothing personal"}])
    _ingest(review, 1)
    [held_id] = review.store.ids(_all(), 10)
    dying = crash(settings.bootstrap_servers, transactional_id(settings))
    with pytest.raises(ReviewError):
        review.service(dying).request_release(REVIEWER, held_id, ReleaseMode.AS_IS)
    assert review.store.held(held_id).status is Status.RELEASING  # type: ignore[union-attr]
    # The restarted service: a new producer with the same transactional id fences the dead one.
    publisher = KafkaPublisher(settings.bootstrap_servers, transactional_id(settings))
    try:
        assert review.service(publisher).recover() == 1
    finally:
        publisher.close()
    assert review.store.held(held_id).status is Status.RELEASED  # type: ignore[union-attr]
    messages = _allow(settings, 1)
    assert len(messages) == 1, f"expected the release once, found {len(messages)}"
    [release] = review.store.releases_of(held_id)
    assert headers_of(messages[0])[RELEASE_ID] == release.id
    assert release.released_offset == messages[0].offset()
