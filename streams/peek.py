"""Read the latest committed records of a topic (for operators, not for the data path)."""

from __future__ import annotations

import json
import uuid

from confluent_kafka import Consumer, KafkaException, TopicPartition

from customs.codec import Codec, DecodeError, SchemaStore
from customs.headers import as_text
from customs.settings import Settings
from streams.kafka_security import confluent_security
from streams.reach import KafkaUnreachable, check_reachable, client_config


def display_codec(settings: Settings) -> Codec:
    """A codec for showing records to operators (no size or depth limits: nothing is routed by it)."""
    return Codec(SchemaStore(settings.schemas_dir), max_bytes=1 << 30, max_depth=1 << 10)


def readable(codec: Codec, value: bytes) -> str:
    """JSON text of a record (Avro decoded); undecodable values shown as escaped bytes."""
    try:
        return json.dumps(codec.decode(value).record, ensure_ascii=False)
    except DecodeError:
        return repr(value[:400])


def latest(
    settings: Settings, topic: str, count: int, timeout: float | None = None
) -> list[tuple[dict[str, str], str]]:
    """The latest ``count`` committed records of ``topic``; :class:`KafkaUnreachable` when Kafka does not
    answer within ``timeout`` (``CUSTOMS_KAFKA_TIMEOUT``)."""
    timeout = settings.kafka_timeout if timeout is None else timeout
    check_reachable(settings.bootstrap_servers, timeout, confluent_security(settings))
    consumer = Consumer(
        client_config(
            settings.bootstrap_servers,
            confluent_security(settings),
            **{
                "group.id": f"customs-peek-{uuid.uuid4().hex[:8]}",
                "isolation.level": "read_committed",
                "enable.auto.commit": False,
            },
        )
    )
    codec = display_codec(settings)
    try:
        partitions = consumer.list_topics(topic, timeout=timeout).topics[topic].partitions
        assignment = []
        for partition in partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=timeout)
            assignment.append(TopicPartition(topic, partition, max(low, high - count)))
        consumer.assign(assignment)
        rows: list[tuple[int, dict[str, str], str]] = []
        for message in consumer.consume(num_messages=count * len(assignment), timeout=min(timeout, 3.0)):
            if message.error():
                continue
            headers = as_text(message.headers())
            value = readable(codec, message.value() or b"")
            rows.append((message.timestamp()[1], headers, value))
        rows.sort(key=lambda row: row[0])
        return [(headers, value) for _, headers, value in rows[-count:]]
    except KafkaException as exc:  # it went away after the first answer
        raise KafkaUnreachable(settings.bootstrap_servers) from exc
    finally:
        consumer.close()
