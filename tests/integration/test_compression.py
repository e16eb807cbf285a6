"""Compressed batches on a real broker: every codec a producer may choose (gzip, snappy, lz4, zstd) is
routed exactly once by both engines and read by the review ingest; a worker without a codec's library
says so in one line, stays up and keeps those records in Kafka until a worker that can read them comes."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka import codec as aiokafka_codec
from aiokafka.errors import UnsupportedCodecError
from confluent_kafka import Producer
from cryptography.fernet import Fernet
from pydantic import SecretStr

from customs import headers as h
from customs.samples.feed import flow_headers, samples
from customs.settings import Settings
from review.kafka import QuarantineConsumer
from review.runner import build_review, quarantined, review_group
from streams.topics import create_topics
from tests.net import wait_until

from .conftest import (
    WorkerProcess,
    assert_exactly_once,
    collect_outputs,
    committed_offsets,
    settings_env,
)

pytestmark = pytest.mark.integration

CODECS = ("gzip", "snappy", "lz4", "zstd")
PER_CODEC = 150
# The worker as `customs worker` runs it, but as if `import cramjam` had failed inside aiokafka.
WITHOUT_CRAMJAM = "import aiokafka.codec; aiokafka.codec.cramjam = None; from customs.cli import main; main()"


@pytest.fixture(params=["aiokafka", "faust"])
def engine_settings(request: pytest.FixtureRequest, customs_settings: Settings) -> Settings:
    engine: str = request.param
    return customs_settings.model_copy(update={"stream_engine": engine, "partitions": len(CODECS)})


@pytest.fixture()
def workers(tmp_path: Path) -> Iterator[list[WorkerProcess]]:
    started: list[WorkerProcess] = []
    yield started
    for worker in started:
        worker.stop()


class WorkerWithoutCramjam(WorkerProcess):
    def start(self) -> None:
        handle = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-c", WITHOUT_CRAMJAM, "worker"],
            env=settings_env(self.settings),
            stdout=handle,
            stderr=subprocess.STDOUT,
        )


def produce(settings: Settings, topic: str, partition: int, codec: str, count: int, seed: int) -> None:
    """``count`` synthetic inbound records to one partition, in batches compressed with ``codec``."""
    producer = Producer(
        {
            "bootstrap.servers": settings.bootstrap_servers,
            "compression.type": codec,
            "enable.idempotence": True,
            "linger.ms": 50,
        }
    )
    for sample in samples(count, seed, settings):
        producer.produce(topic, sample.payload(), None, partition=partition, headers=flow_headers(sample))
    assert producer.flush(30) == 0


def unreadable_without_cramjam(settings: Settings, topic: str, partition: int) -> bool:
    """Whether aiokafka, as if cramjam were missing, fails on the partition's first batch: proof that the
    producer really compressed it with a codec that needs the library."""

    async def read() -> bool:
        consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap_servers, enable_auto_commit=False)
        await consumer.start()
        tp = TopicPartition(topic, partition)
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        try:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                if await consumer.getmany(tp, timeout_ms=1000):
                    return False
            return False
        except UnsupportedCodecError:
            return True
        finally:
            await consumer.stop()

    library = aiokafka_codec.cramjam
    aiokafka_codec.cramjam = None
    try:
        return asyncio.run(read())
    finally:
        aiokafka_codec.cramjam = library


def test_every_codec_is_routed_exactly_once(
    engine_settings: Settings, workers: list[WorkerProcess], tmp_path: Path
) -> None:
    settings = engine_settings
    create_topics(settings)
    inbound = settings.inbound_topic_names[0]
    for partition, codec in enumerate(CODECS):  # one codec per partition
        produce(settings, inbound, partition, codec, PER_CODEC, seed=50 + partition)
    worker = WorkerProcess(settings, tmp_path / "worker.log")
    workers.append(worker)
    worker.start()

    count = PER_CODEC * len(CODECS)
    routed, audit = collect_outputs(settings, count, timeout=240)
    assert len(routed) >= count, f"only {len(routed)} of {count} routed; worker log:\n{worker.log()[-3000:]}"
    wait_until(  # offsets are committed with the last transaction
        lambda: (
            set(committed_offsets(settings.bootstrap_servers, settings.app_id, inbound, 4).values())
            == {PER_CODEC}
        ),
        30,
    )
    assert_exactly_once(settings, routed, audit, count)
    assert "Traceback" not in worker.log() and "cannot read" not in worker.log()
    for partition, codec in enumerate(CODECS[1:], start=1):
        assert unreadable_without_cramjam(settings, inbound, partition), (
            f"{codec} batches were not compressed"
        )


def test_a_worker_without_a_codec_library_keeps_those_records_in_kafka_and_stays_up(
    engine_settings: Settings, workers: list[WorkerProcess], tmp_path: Path
) -> None:
    settings = engine_settings.model_copy(update={"partitions": 3})
    create_topics(settings)
    inbound = settings.inbound_topic_names[0]
    # Partition 0: a gzip batch, then an lz4 one (usually fetched together); 1 and 2: gzip only.
    produce(settings, inbound, 0, "gzip", 60, seed=61)
    produce(settings, inbound, 0, "lz4", 60, seed=62)
    produce(settings, inbound, 1, "gzip", 60, seed=63)
    produce(settings, inbound, 2, "gzip", 60, seed=64)
    blind = WorkerWithoutCramjam(settings, tmp_path / "blind.log")
    workers.append(blind)
    blind.start()

    unreadable = "a fetched Kafka batch is compressed with lz4, which needs the Python package cramjam"
    assert wait_until(lambda: unreadable in blind.log(), 120), f"no line about lz4:\n{blind.log()[-3000:]}"
    # More records for the readable partitions: they go on being routed (and committed) meanwhile.
    produce(settings, inbound, 1, "gzip", 40, seed=65)
    produce(settings, inbound, 2, "gzip", 40, seed=66)

    def committed() -> dict[int, int]:
        return committed_offsets(settings.bootstrap_servers, settings.app_id, inbound, 3)

    readable_done = wait_until(lambda: committed()[1] == 100 and committed()[2] == 100, 90)
    assert readable_done, f"committed {committed()}; worker log:\n{blind.log()[-3000:]}"
    assert committed()[0] <= 60, "an offset past the unreadable lz4 batch was committed"
    assert blind.process is not None and blind.process.poll() is None, "the worker exited"
    log = blind.log()
    assert "cannot read Kafka batches compressed with lz4: install the Python package cramjam" in log
    assert "Traceback" not in log
    lines = [line for line in log.splitlines() if "fetched Kafka batch" in line]
    assert all("cramjam" in line for line in lines)
    blind.stop()
    assert blind.process.returncode is not None

    worker = WorkerProcess(settings, tmp_path / "worker.log")  # with every codec: all of it, once
    workers.append(worker)
    worker.start()
    count = 60 * 4 + 40 * 2
    routed, audit = collect_outputs(settings, count, timeout=240)
    assert len(routed) >= count, f"only {len(routed)} of {count} routed; worker log:\n{worker.log()[-3000:]}"
    wait_until(lambda: committed() == {0: 120, 1: 100, 2: 100}, 30)
    assert_exactly_once(settings, routed, audit, count)


def test_the_review_ingest_reads_quarantine_batches_of_every_codec(
    customs_settings: Settings, tmp_path: Path
) -> None:
    settings = customs_settings.model_copy(
        update={
            "partitions": len(CODECS),
            "review_db": tmp_path / "review.db",
            "review_key": SecretStr(Fernet.generate_key().decode()),
        }
    )
    create_topics(settings)
    quarantine = settings.output_topic_names["quarantine"]
    per_codec = 40
    for partition, codec in enumerate(CODECS):
        producer = Producer(
            {"bootstrap.servers": settings.bootstrap_servers, "compression.type": codec, "linger.ms": 50}
        )
        for index, sample in enumerate(samples(per_codec, 70 + partition, settings)):
            origin = {
                h.DECISION: "quarantine",
                h.REASONS: "no_flow",
                h.ORIGIN_TOPIC: settings.inbound_topic_names[0],
                h.ORIGIN_PARTITION: str(partition),
                h.ORIGIN_OFFSET: str(index),
            }
            producer.produce(
                quarantine, sample.payload(), None, partition=partition, headers=list(origin.items())
            )
        assert producer.flush(30) == 0

    review = build_review(settings)
    consumer = QuarantineConsumer(
        settings.bootstrap_servers,
        review_group(settings),
        quarantine,
        lambda message: review.ingest.add(quarantined(message)),
    )
    expected = per_codec * len(CODECS)
    try:
        deadline = time.monotonic() + 60
        while review.store.counts_by_status()["held"] < expected and time.monotonic() < deadline:
            consumer.poll_once(timeout=1.0)
        assert review.store.counts_by_status()["held"] == expected
    finally:
        consumer.close()
        review.db.close()
    for partition, codec in enumerate(CODECS[1:], start=1):
        assert unreadable_without_cramjam(settings, quarantine, partition), (
            f"{codec} batches were not compressed"
        )
