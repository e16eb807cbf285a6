"""aiokafka (under Faust) against the chosen Apache Kafka 4.x broker: transactions and read_committed."""

from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

pytestmark = pytest.mark.integration


def test_broker_is_the_pinned_kafka_4_release(kafka_bootstrap: str, kafka_data_dir: Path) -> None:
    log = (kafka_data_dir / "logs" / "server.log").read_text(errors="replace")
    versions = set(re.findall(r"Kafka version: (\S+)", log))
    assert versions and all(v.startswith("4.") for v in versions), versions
    assert "Kafka Server started" in log and "KafkaRaftServer" in log  # KRaft mode, no ZooKeeper


def test_aiokafka_transactions_commit_and_abort_on_kafka_4(kafka_bootstrap: str) -> None:
    topic = f"aiokafka-{uuid.uuid4().hex[:8]}"
    admin = AdminClient({"bootstrap.servers": kafka_bootstrap})
    admin.create_topics([NewTopic(topic, 1, 1)])[topic].result(30)

    async def scenario() -> list[bytes]:
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, transactional_id=f"tx-{topic}")
        await producer.start()
        try:
            async with producer.transaction():
                await producer.send_and_wait(topic, b"committed")
            await producer.begin_transaction()
            await producer.send_and_wait(topic, b"aborted")
            await producer.abort_transaction()
            async with producer.transaction():
                await producer.send_and_wait(topic, b"committed-again")
        finally:
            await producer.stop()
        consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=kafka_bootstrap,
            isolation_level="read_committed",
            auto_offset_reset="earliest",
            group_id=f"g-{topic}",
        )
        await consumer.start()
        try:
            values: list[bytes] = []
            async with asyncio.timeout(30):
                while len(values) < 2:
                    batch = await consumer.getmany(timeout_ms=1000)
                    values.extend(m.value for ms in batch.values() for m in ms if m.value is not None)
            return values
        finally:
            await consumer.stop()

    assert asyncio.run(scenario()) == [b"committed", b"committed-again"]
