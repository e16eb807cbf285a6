"""Kafka at the edge of the review service: the transactional release producer and the quarantine ingest."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from confluent_kafka import Consumer, KafkaError, KafkaException, Message, Producer, TopicPartition

from review.publisher import RELEASE_ID, Outbound
from streams.reach import client_config

log = logging.getLogger("customs.review.kafka")


class ReleaseError(Exception):
    """Producing a release failed; the release stays 'releasing' and is recovered later."""


class KafkaPublisher:
    """Releases each record in its own Kafka transaction, with a fixed transactional id.

    The fixed id matters for recovery: ``init_transactions`` on start-up fences a crashed
    predecessor and settles its open transaction (commit or abort) before anything is looked up.
    """

    def __init__(
        self,
        bootstrap: str,
        transactional_id: str,
        timeout: float = 30.0,
        lookup_timeout: float = 5.0,
        security: Mapping[str, Any] | None = None,
    ) -> None:
        self.bootstrap = bootstrap
        self.timeout = timeout
        # A reviewer waits on the look-ups before a release (nothing is written yet): a broker that does
        # not answer them within seconds is reported at once, and the reviewer tries again later.
        self.lookup_timeout = lookup_timeout
        self._lock = threading.Lock()
        self._producer = Producer(
            client_config(
                bootstrap,
                security,
                **{
                    "transactional.id": transactional_id,
                    "enable.idempotence": True,
                    "acks": "all",
                    "transaction.timeout.ms": 60_000,
                },
            )
        )
        self._producer.init_transactions(timeout)
        self._reader = Consumer(  # sees committed messages only
            client_config(
                bootstrap,
                security,
                **{
                    "group.id": f"customs-review-lookup-{uuid.uuid4().hex[:8]}",
                    "isolation.level": "read_committed",
                    "enable.auto.commit": False,
                },
            )
        )
        # The true end of a partition: a read_committed client would be told the last stable offset,
        # which stops short of anything written after a still-open transaction.
        self._ends = Consumer(
            client_config(
                bootstrap,
                security,
                **{
                    "group.id": f"customs-review-ends-{uuid.uuid4().hex[:8]}",
                    "isolation.level": "read_uncommitted",
                    "enable.auto.commit": False,
                },
            )
        )

    def partitions(self, topic: str) -> int:
        metadata = self._producer.list_topics(topic, timeout=self.lookup_timeout).topics.get(topic)
        if metadata is None or metadata.error is not None or not metadata.partitions:
            raise ReleaseError(f"target topic {topic} does not exist")
        return len(metadata.partitions)

    def end_offset(self, topic: str, partition: int) -> int:
        with self._lock:
            _, high = self._reader.get_watermark_offsets(
                TopicPartition(topic, partition), timeout=self.lookup_timeout
            )
        return int(high)

    def publish(self, message: Outbound) -> int:
        offsets: list[int] = []
        errors: list[KafkaError] = []

        def delivered(error: KafkaError | None, sent: Message) -> None:
            if error is not None:
                errors.append(error)
            else:
                offsets.append(sent.offset() or 0)

        with self._lock:
            try:
                self._producer.begin_transaction()
                self._producer.produce(
                    message.topic,
                    message.value,
                    message.key,
                    partition=message.partition,
                    headers=list(message.headers),
                    on_delivery=delivered,
                )
                self._producer.flush(self.timeout)
                if errors or not offsets:
                    raise ReleaseError(f"release {message.release_id} was not delivered: {errors[:1]}")
                self._producer.commit_transaction(self.timeout)
            except (KafkaException, ReleaseError) as exc:
                self._abort()
                raise ReleaseError(f"release {message.release_id} failed: {exc}") from exc
        return offsets[0]

    def _abort(self) -> None:
        try:
            self._producer.abort_transaction(self.timeout)
        except KafkaException as exc:  # nothing open, or fenced: recovery settles it
            log.warning("abort_transaction failed: %s", exc)

    def find(self, topic: str, partition: int, start: int, release_id: str) -> int | None:
        """Scan the committed messages from ``start`` to the partition's true end for the release id.

        "Not there" is only concluded once the read_committed position has passed the end, so a
        release committed behind someone else's still-open transaction is waited for, not missed.
        """
        wanted = release_id.encode()
        with self._lock:
            _, high = self._ends.get_watermark_offsets(TopicPartition(topic, partition), timeout=self.timeout)
            if high <= start:
                return None
            self._reader.assign([TopicPartition(topic, partition, start)])
            deadline = time.monotonic() + self.timeout
            try:
                while time.monotonic() < deadline:
                    message = self._reader.poll(0.5)
                    if message is None or message.error() is not None:
                        position = self._reader.position([TopicPartition(topic, partition)])[0].offset
                        if position >= high:
                            return None
                        continue
                    if (RELEASE_ID, wanted) in (message.headers() or []):
                        return int(message.offset() or 0)
                    if (message.offset() or 0) + 1 >= high:
                        return None
            finally:
                self._reader.unassign()
        raise ReleaseError(f"timed out looking for release {release_id} on {topic}/{partition}")

    def close(self) -> None:
        self._reader.close()
        self._ends.close()
        self._producer.flush(self.timeout)


Handler = Callable[[Message], object]


class QuarantineConsumer:
    """Reads the quarantine topic (read_committed) and hands each record to ``handle``.

    Offsets are committed after the records are stored, so a restart re-reads at most the last
    batch; the store ignores an origin it already holds, so nothing is held twice.
    """

    def __init__(
        self,
        bootstrap: str,
        group: str,
        topic: str,
        handle: Handler,
        security: Mapping[str, Any] | None = None,
    ) -> None:
        self.topic = topic
        self.handle = handle
        self._consumer = Consumer(
            client_config(
                bootstrap,
                security,
                **{
                    "group.id": group,
                    "isolation.level": "read_committed",
                    "enable.auto.commit": False,
                    "auto.offset.reset": "earliest",
                },
            )
        )
        self._consumer.subscribe([topic])

    def poll_once(self, timeout: float = 1.0, batch: int = 200) -> int:
        """Store what arrived within ``timeout``; how many records were handled.

        If storing fails, the consumer is moved back to the first record not stored in each
        partition, so nothing is skipped; the error is raised.
        """
        messages = [
            (m.partition() or 0, m.offset() or 0, m)
            for m in self._consumer.consume(num_messages=batch, timeout=timeout)
            if not m.error()
        ]
        done: dict[int, int] = {}
        handled = 0
        try:
            for partition, offset, message in messages:
                self.handle(message)
                done[partition] = offset + 1
                handled += 1
        except Exception:
            first_left: dict[int, int] = {}
            for partition, offset, _ in messages:
                if offset >= done.get(partition, -1):
                    first_left.setdefault(partition, offset)
            for partition, offset in first_left.items():
                self._consumer.seek(TopicPartition(self.topic, partition, offset))
            raise
        finally:
            if done:
                self._consumer.commit(
                    offsets=[TopicPartition(self.topic, p, o) for p, o in done.items()], asynchronous=False
                )
        return handled

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.poll_once()
            except Exception:  # keep the service up; the record is re-read after a restart
                log.exception("quarantine ingest failed; retrying")
                stop.wait(2.0)

    def close(self) -> None:
        self._consumer.close()
