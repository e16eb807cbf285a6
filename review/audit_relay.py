"""Review actions to the audit topic: the review store's chained audit rows, published in order, exactly once.

Every review action (reveal, release request, approval, release, rejection, purge, …) is written as a row of
the review store's hash chain (``chain: review``, ``review.store``) in the same database transaction as the
action. This relay then publishes those rows, as the chained events ``customs audit verify`` checks, to one
partition of the audit topic (partition 0, so the chain stays in order):

1. read where the chain stands on the topic: the offset committed for the relay's consumer group on that
   partition *is* the next ``seq`` to publish (nothing else is committed there by that group);
2. in one Kafka transaction, produce the rows from that ``seq`` on and commit the new next ``seq`` with
   ``send_offsets_to_transaction``: the events and the cursor become visible together or not at all;
3. the transactional id is one per store (``APP_ID-review-audit-relay``): a restarted relay fences its
   predecessor and its open transaction is aborted, so its events are published again, once.

The topic therefore carries the same chain as the store (same hashes), with no gap and no duplicate; a
review action reaches the topic within one relay period (``RELAY_INTERVAL`` in ``review.runner``).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from typing import Any

from confluent_kafka import Consumer, KafkaError, KafkaException, Message, Producer, TopicPartition

from review.store import Store, chained_row

log = logging.getLogger("customs.review.audit_relay")

PARTITION = 0
_COORDINATOR_ERRORS = (
    KafkaError.NOT_COORDINATOR,
    KafkaError.COORDINATOR_LOAD_IN_PROGRESS,
    KafkaError.COORDINATOR_NOT_AVAILABLE,
)
BATCH = 500


class RelayError(Exception):
    """Publishing failed; nothing of the batch is visible and it is published again next time."""


class AuditRelay:
    def __init__(
        self,
        store: Store,
        bootstrap: str,
        topic: str,
        transactional_id: str,
        group: str,
        security: Mapping[str, Any] | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.store = store
        self.topic = topic
        self.timeout = timeout
        secure = dict(security or {})
        self._producer = Producer(
            {
                "bootstrap.servers": bootstrap,
                **secure,
                "transactional.id": transactional_id,
                "enable.idempotence": True,
                "acks": "all",
            }
        )
        self._producer.init_transactions(timeout)
        self._group = Consumer(
            {
                "bootstrap.servers": bootstrap,
                **secure,
                "group.id": group,
                "enable.auto.commit": False,
                "isolation.level": "read_committed",
            }
        )

    def published(self) -> int:
        """The next ``seq`` of the review chain to publish (0 when nothing was)."""
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                [committed] = self._group.committed(
                    [TopicPartition(self.topic, PARTITION)], timeout=self.timeout
                )
                return max(int(committed.offset), 0)
            except KafkaException as exc:  # the group's coordinator is still being chosen or loaded
                error = exc.args[0]
                waiting = error.retriable() or error.code() in _COORDINATOR_ERRORS
                if not waiting or time.monotonic() >= deadline:
                    raise RelayError(f"where the review chain stands is unknown: {exc}") from exc
                time.sleep(0.2)

    def run_once(self) -> int:
        """Publish the rows not yet on the topic (up to ``BATCH``); how many."""
        start = self.published()
        rows = self.store.db.all(
            "SELECT * FROM audit WHERE hash IS NOT NULL AND chain_seq >= ? ORDER BY chain_seq LIMIT ?",
            (start, BATCH),
        )
        events = [chained_row(row) for row in rows]
        if not events:
            return 0
        if events[0]["seq"] != start:
            raise RelayError(f"the review chain's row seq {start} is missing from the store")
        errors: list[KafkaError] = []

        def delivered(error: KafkaError | None, _: Message) -> None:
            if error is not None:
                errors.append(error)

        try:
            self._producer.begin_transaction()
            for event in events:
                self._producer.produce(
                    self.topic,
                    json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode(),
                    None,
                    partition=PARTITION,
                    headers=[("customs-review-action", str(event["action"]).encode())],
                    on_delivery=delivered,
                )
            self._producer.flush(self.timeout)
            if errors:
                raise RelayError(f"audit events not delivered: {errors[:1]}")
            next_seq = int(events[-1]["seq"]) + 1
            self._producer.send_offsets_to_transaction(
                [TopicPartition(self.topic, PARTITION, next_seq)],
                self._group.consumer_group_metadata(),
                self.timeout,
            )
            self._producer.commit_transaction(self.timeout)
        except (KafkaException, RelayError) as exc:
            try:
                self._producer.abort_transaction(self.timeout)
            except KafkaException:
                log.warning("abort_transaction failed; the next start settles it")
            raise RelayError(f"review audit events not published: {exc}") from exc
        return len(events)

    def close(self) -> None:
        self._group.close()
        self._producer.flush(self.timeout)


def relay_ids(app_id: str) -> tuple[str, str]:
    """The relay's transactional id and consumer group: one per review store."""
    return f"{app_id}-review-audit-relay", f"{app_id}-review-audit-relay"
