"""The aiokafka engine in process, on a real broker: a transaction that fails is aborted and redone."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer, TopicPartition
from prometheus_client import CollectorRegistry

from customs.factory import build_inspector
from customs.samples.feed import publish
from customs.settings import Settings
from streams.gateway import BatchGateway
from streams.metrics import GatewayMetrics
from streams.topics import create_topics

from .conftest import assert_exactly_once, collect_outputs, wait_for_commits

pytestmark = pytest.mark.integration


class FailingCommits:
    """Make the first ``count`` commits fail after their outputs were sent (as a broker error would)."""

    def __init__(self, count: int) -> None:
        self.left = count
        self.failed: list[str] = []

    def install(self, producer: AIOKafkaProducer, tp: TopicPartition) -> None:
        commit = producer.commit_transaction

        async def failing_commit() -> Any:
            if self.left > 0:
                self.left -= 1
                self.failed.append(f"{tp.topic}-{tp.partition}")
                raise RuntimeError("injected commit failure")
            return await commit()

        producer.commit_transaction = failing_commit


async def _route_with_failures(settings: Settings, failures: FailingCommits, count: int) -> BatchGateway:
    """Run a gateway (built in the running loop, as the worker does) until ``count`` records are routed."""
    gateway = BatchGateway(settings, build_inspector(settings), GatewayMetrics(CollectorRegistry()))
    start = gateway.producers.start

    async def start_with_failures(tp: TopicPartition) -> None:
        await start(tp)
        failures.install(gateway.producers[tp], tp)

    gateway.producers.start = start_with_failures  # type: ignore[method-assign]
    stop = asyncio.Event()
    running = asyncio.create_task(gateway.run(stop))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 180
    while sum(gateway.counts.values()) < count and loop.time() < deadline and not running.done():
        await asyncio.sleep(0.2)
    stop.set()
    await running
    return gateway


def test_failed_transactions_are_aborted_and_their_records_routed_once(customs_settings: Settings) -> None:
    count = 900
    settings = customs_settings.model_copy(update={"batch_size": 50})
    create_topics(settings)
    assert publish(settings, count=count, seed=31) == count
    failures = FailingCommits(3)
    gateway = asyncio.run(_route_with_failures(settings, failures, count))

    assert len(failures.failed) == 3, "the injected failures did not happen"
    routed, audit = collect_outputs(settings, count, timeout=120)
    wait_for_commits(settings, 30)
    assert len(routed) >= count
    assert_exactly_once(settings, routed, audit, count)
    assert sum(gateway.counts.values()) == count  # the failed batches are counted once, when committed
    assert gateway.metrics.registry.get_sample_value("customs_transaction_failures_total") == 3
