"""Read the audit topic whole (committed events only), for ``customs audit verify --from-topic`` and
``customs audit export``. The checks themselves are pure (customs/audit/verify.py)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition

from customs.audit.verify import Located
from customs.settings import Settings
from streams.kafka_security import confluent_security


def read_topic(settings: Settings, timeout: float = 30.0) -> Iterator[tuple[str, bytes]]:
    """``(where, value)`` of every committed event of the audit topic, partition by partition in offset
    order (each chain lives on one partition), up to the end as it was when reading began."""
    topic = settings.output_topic_names["audit"]
    consumer = Consumer(
        {
            "bootstrap.servers": settings.bootstrap_servers,
            **confluent_security(settings),
            "group.id": f"customs-audit-{uuid.uuid4().hex[:8]}",
            "isolation.level": "read_committed",
            "enable.auto.commit": False,
        }
    )
    try:
        partitions = sorted(consumer.list_topics(topic, timeout=timeout).topics[topic].partitions)
        for partition in partitions:
            tp = TopicPartition(topic, partition)
            low, high = _watermarks(consumer, tp, timeout)
            if high <= low:
                continue
            consumer.assign([TopicPartition(topic, partition, low)])
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                for message in consumer.consume(num_messages=500, timeout=0.5):
                    if message.error() or message.offset() is None:
                        continue
                    yield f"{topic}/{partition}@{message.offset()}", message.value() or b""
                position = consumer.position([tp])[0].offset
                if position >= high:
                    break
    finally:
        consumer.close()


_NOT_YET = {
    KafkaError.NOT_LEADER_FOR_PARTITION,
    KafkaError.LEADER_NOT_AVAILABLE,
    KafkaError.UNKNOWN_TOPIC_OR_PART,
    KafkaError._TIMED_OUT,
}


def _watermarks(consumer: Consumer, tp: TopicPartition, timeout: float) -> tuple[int, int]:
    """The partition's low and high offsets; a retriable error (a topic just created, its leader not yet
    elected; a leader moving) is asked again until ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            low, high = consumer.get_watermark_offsets(tp, timeout=max(deadline - time.monotonic(), 1.0))
            return low, high
        except KafkaException as error:
            code = error.args[0].code()
            if (code not in _NOT_YET and not error.args[0].retriable()) or time.monotonic() >= deadline:
                raise
            time.sleep(0.5)


def parse(where: str, value: bytes) -> Located:
    try:
        event = json.loads(value)
    except ValueError:
        event = {}
    return Located(where, event if isinstance(event, dict) else {})


def from_topic(settings: Settings, timeout: float = 30.0) -> list[Located]:
    return [parse(where, value) for where, value in read_topic(settings, timeout)]


def from_file(path: Path) -> list[Located]:
    """An export: one event per line, as published."""
    with path.open("rb") as handle:
        return [parse(f"line {n}", line) for n, line in enumerate(handle, 1) if line.strip()]


def export(settings: Settings, path: Path) -> int:
    """Write the audit topic to ``path`` as JSON Lines, every event's bytes as published."""
    count = 0
    with path.open("wb") as handle:
        for _, value in read_topic(settings):
            handle.write(value.rstrip(b"\n") + b"\n")
            count += 1
    return count
