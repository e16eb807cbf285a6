"""Review actions on the audit topic (real broker): the review store's chained rows are published in order,
exactly once — a second run, a restarted relay and a failed transaction publish nothing twice — and the
topic's review chain verifies with the same hashes as the store's."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition

from customs.audit.verify import verify
from customs.settings import Settings
from review.audit_relay import AuditRelay, relay_ids
from review.db import Database
from review.store import Store
from streams.audit_export import from_topic
from streams.topics import create_topics
from tests.net import wait_until

pytestmark = pytest.mark.integration


@dataclass
class Review:
    settings: Settings
    store: Store


@pytest.fixture()
def review(customs_settings: Settings, tmp_path: Path) -> Iterator[Review]:
    create_topics(customs_settings)
    settings = customs_settings.model_copy(update={"review_db": tmp_path / "review.db"})
    db = Database.from_settings(settings)
    yield Review(settings, Store(db, time.time))
    db.close()


def relay(review: Review) -> AuditRelay:
    settings = review.settings
    transactional_id, group = relay_ids(settings.app_id)
    return AuditRelay(
        review.store,
        settings.bootstrap_servers,
        settings.output_topic_names["audit"],
        transactional_id,
        group,
    )


def review_events(review: Review) -> list[dict[str, object]]:
    return [dict(item.event) for item in from_topic(review.settings) if item.event.get("chain") == "review"]


def test_review_actions_reach_the_audit_topic_once(review: Review) -> None:
    store = review.store
    store.audit("rita", "reveal", "h1", None, None, findings=2)
    store.audit("rita", "release_requested", "h1", "r1", None, mode="as_is")
    store.audit("bo", "release_approved", "h1", "r1", None, requested_by="rita")

    first = relay(review)
    assert first.run_once() == 3
    assert first.run_once() == 0  # nothing new: nothing published
    store.audit("rita", "rejected", "h2", None, "wrong flow")
    store.audit("system", "purged", None, None, "retention", records=1, digests=["0" * 64])

    # A failed transaction: nothing of it is visible, and the next run publishes the same rows once.
    first._producer.begin_transaction()
    first._producer.produce(first.topic, b"{}", partition=1)
    first._producer.abort_transaction(30)
    first.close()

    restarted = relay(review)  # a restart: the same transactional id fences the first relay
    assert restarted.run_once() == 2
    assert restarted.run_once() == 0
    restarted.close()

    published = review_events(review)
    assert [e["seq"] for e in published] == [0, 1, 2, 3, 4]
    assert [e["action"] for e in published] == [
        "reveal",
        "release_requested",
        "release_approved",
        "rejected",
        "purged",
    ]
    assert [e["hash"] for e in published] == [e["hash"] for e in store.chained_audit()]
    report = verify(from_topic(review.settings), None)
    assert report.ok, report.first_break
    assert report.chains.get("review") == 5


class Crash(BaseException):
    """The relay's process dying: nothing after it runs (no abort, no close)."""


class CrashBeforeCommit:
    """A relay producer that dies after its transaction's events and cursor were sent, before the commit."""

    def __init__(self, producer: Producer) -> None:
        self._producer = producer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._producer, name)

    def commit_transaction(self, timeout: float) -> None:
        raise Crash


def _high_watermark(settings: Settings) -> int:
    """The end of the audit topic's partition 0, uncommitted transactions included."""
    consumer = Consumer(
        {
            "bootstrap.servers": settings.bootstrap_servers,
            "group.id": "watermark",
            "isolation.level": "read_uncommitted",
        }
    )
    try:
        topic = settings.output_topic_names["audit"]
        return int(consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=20)[1])
    finally:
        consumer.close()


def test_a_relay_dying_mid_transaction_skips_and_doubles_nothing(review: Review) -> None:
    """The relay dies with a transaction open that holds rows 2 and 3 and their cursor: the restarted relay
    fences it (its rows are aborted, never read) and publishes rows 2 and 3 once; then rows 4 and 5."""
    store = review.store
    for n in range(2):
        store.audit("rita", "reveal", f"h{n}", None, None, findings=1)
    first = relay(review)
    assert first.run_once() == 2
    store.audit("rita", "release_requested", "h1", "r1", None, mode="as_is")
    store.audit("bo", "release_approved", "h1", "r1", None, requested_by="rita")
    first._producer = CrashBeforeCommit(first._producer)  # type: ignore[assignment]
    with pytest.raises(Crash):
        first.run_once()
    assert _high_watermark(review.settings) == 5, "rows 2 and 3 are not in the open transaction"

    restarted = relay(review)
    assert restarted.published() == 2  # the dead relay's cursor was never committed
    assert restarted.run_once() == 2
    store.audit("bo", "released", "h1", "r1", None, target="allow")
    store.audit("rita", "rejected", "h0", None, "wrong flow")
    assert restarted.run_once() == 2
    assert restarted.run_once() == 0
    restarted.close()

    published = review_events(review)
    assert [e["seq"] for e in published] == [0, 1, 2, 3, 4, 5]
    assert [e["hash"] for e in published] == [e["hash"] for e in store.chained_audit()]
    report = verify(from_topic(review.settings), None)
    assert report.ok, report.first_break
    assert report.chains.get("review") == 6


def test_the_review_service_publishes_its_actions(review: Review, tmp_path: Path) -> None:
    """`customs review` runs the relay itself: an action recorded in its store reaches the audit topic."""
    import subprocess
    import sys

    from load.ports import free_port
    from tests.kafka_support import settings_env

    settings = review.settings.model_copy(update={"review_port": free_port(), "review_metrics_port": 0})
    review.store.audit("rita", "reveal", "h9", None, None, findings=1)
    customs = Path(sys.executable).parent / "customs"
    with (tmp_path / "review.log").open("wb") as log:
        process = subprocess.Popen(
            [str(customs), "review"], env=settings_env(settings), stdout=log, stderr=subprocess.STDOUT
        )
    try:
        events: list[dict[str, object]] = []

        def relayed() -> bool:
            events[:] = review_events(Review(settings, review.store))
            return bool(events)

        wait_until(relayed, 90, 2)
        assert [e["action"] for e in events] == ["reveal"], (tmp_path / "review.log").read_text()[-2000:]
    finally:
        process.terminate()
        process.wait(timeout=30)
