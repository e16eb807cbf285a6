"""Compressed batches: every codec readable here; a missing codec library is named in one line, and a
batch that cannot be decompressed is fetched again later — never skipped, never fatal."""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any, cast

import pytest
from aiokafka import TopicPartition
from aiokafka import codec as aiokafka_codec
from aiokafka.errors import UnsupportedCodecError
from aiokafka.record.default_records import DefaultRecordBatch, DefaultRecordBatchBuilder
from prometheus_client import CollectorRegistry

from customs.inspection import Inspector
from customs.settings import Settings
from streams import compression
from streams.gateway import BatchGateway
from streams.metrics import GatewayMetrics

LZ4 = 3  # the compression attribute of a record batch


def _lz4_batch_error() -> UnsupportedCodecError:
    """What aiokafka itself raises reading an lz4 batch without its codec library (``without_cramjam``)."""
    builder = DefaultRecordBatchBuilder(
        magic=2,
        compression_type=LZ4,
        is_transactional=0,
        producer_id=-1,
        producer_epoch=-1,
        base_sequence=-1,
        batch_size=1 << 16,
    )
    builder.append(0, timestamp=None, key=None, value=b'{"id": "r-1"}' * 20, headers=[])
    try:
        list(DefaultRecordBatch(bytes(builder.build())))
    except UnsupportedCodecError as exc:
        return exc
    raise AssertionError("the lz4 batch was read without its library")


@pytest.fixture()
def without_cramjam(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if ``import cramjam`` had failed when aiokafka was imported."""
    monkeypatch.setattr(aiokafka_codec, "cramjam", None)


def test_every_codec_is_readable_with_the_project_dependencies() -> None:
    assert compression.missing_codecs() == []


@pytest.mark.usefixtures("without_cramjam")
def test_a_missing_codec_library_is_named_once_per_codec_with_its_package(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="customs.compression"):
        missing = compression.report_missing()
    assert [m.codec for m in missing] == ["snappy", "lz4", "zstd"]  # gzip needs no library
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 3
    for codec, line in zip(("snappy", "lz4", "zstd"), lines, strict=True):
        assert codec in line and "pip install cramjam" in line and "\n" not in line
    assert all(r.exc_info is None for r in caplog.records)


@pytest.mark.usefixtures("without_cramjam")
def test_the_unreadable_batch_line_names_the_codec_and_the_package() -> None:
    line = compression.unreadable_line(_lz4_batch_error(), 4.0)
    assert "lz4" in line and "cramjam" in line and "4 s" in line and "\n" not in line
    odd = compression.unreadable_line(UnsupportedCodecError("Unknown compression codec 0x05"), 1.0)
    assert "0x05" in odd and "nothing past them is committed" in odd


def test_backoff_doubles_up_to_its_longest() -> None:
    backoff = compression.Backoff(first=1.0, longest=6.0)
    assert [backoff.delay() for _ in range(5)] == [1.0, 2.0, 4.0, 6.0, 6.0]


class FakeConsumer:
    """Positions per partition, as aiokafka keeps them, and the seeks made."""

    def __init__(self, positions: dict[TopicPartition, int]) -> None:
        self.positions = dict(positions)
        self.seeks: list[tuple[TopicPartition, int]] = []

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.seeks.append((tp, offset))
        self.positions[tp] = offset


P0, P1, P2 = (TopicPartition("inbound", p) for p in range(3))


def _positions(consumer: Any) -> dict[TopicPartition, int]:
    return dict(cast(FakeConsumer, consumer).positions)


@pytest.mark.usefixtures("without_cramjam")
def test_a_fetch_that_meets_an_unreadable_batch_is_undone_for_every_partition_it_moved() -> None:
    consumer = FakeConsumer({P0: 100, P1: 40, P2: 7})

    async def fetch() -> dict[TopicPartition, list[object]]:
        # aiokafka drained P1 (and moved past it) before P0's lz4 batch failed; P2 was not reached.
        consumer.positions[P1] = 90
        raise _lz4_batch_error()

    with pytest.raises(UnsupportedCodecError):
        asyncio.run(compression.rewinding(consumer, fetch(), positions=_positions))
    assert consumer.seeks == [(P1, 40)]
    assert consumer.positions == {P0: 100, P1: 40, P2: 7}


def test_a_fetch_that_succeeds_moves_nothing_back() -> None:
    consumer = FakeConsumer({P0: 100})

    async def fetch() -> str:
        consumer.positions[P0] = 150
        return "records"

    assert asyncio.run(compression.rewinding(consumer, fetch(), positions=_positions)) == "records"
    assert consumer.seeks == []


def test_read_positions_is_empty_for_a_consumer_without_aiokafka_state() -> None:
    assert compression.read_positions(object()) == {}


class UnreadableTopic:
    """A consumer whose fetches fail ``failures`` times on an unreadable batch, then stop the gateway."""

    def __init__(self, failures: int, stop: asyncio.Event) -> None:
        self.failures = failures
        self.stop_event = stop
        self.fetches = 0

    def subscribe(self, topics: list[str], listener: object) -> None:
        pass

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    def assignment(self) -> set[TopicPartition]:
        return set()

    async def getmany(self, **_: object) -> dict[TopicPartition, list[object]]:
        self.fetches += 1
        if self.fetches <= self.failures:
            raise _lz4_batch_error()
        self.stop_event.set()
        return {}


@pytest.mark.usefixtures("without_cramjam")
def test_the_gateway_backs_off_and_fetches_again_instead_of_exiting(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(compression, "Backoff", functools.partial(compression.Backoff, first=0.01))
    settings = Settings(pseudonym_key="unit-test-key")  # type: ignore[arg-type]

    async def run() -> UnreadableTopic:
        gateway = BatchGateway(settings, cast(Inspector, object()), GatewayMetrics(CollectorRegistry()))
        stop = asyncio.Event()
        consumer = UnreadableTopic(3, stop)
        gateway.consumer = consumer  # type: ignore[assignment]
        await asyncio.wait_for(gateway.run(stop), timeout=30)
        return consumer

    with caplog.at_level(logging.ERROR, logger="customs.gateway"):
        consumer = asyncio.run(run())
    assert consumer.fetches == 4  # three unreadable fetches, each followed by another
    records = [r for r in caplog.records if r.name == "customs.gateway"]
    lines = [r.getMessage() for r in records]
    assert len(lines) == 3 and all("lz4" in line and "cramjam" in line for line in lines), lines
    assert all(r.exc_info is None for r in records)  # one line each, no traceback
