"""A worker started before its broker waits for it (and says so) instead of crashing; a stop ends the wait."""

from __future__ import annotations

import asyncio
import logging

import pytest
from prometheus_client import CollectorRegistry

from customs.factory import build_inspector
from customs.settings import Settings
from load.ports import free_port
from streams.gateway import BatchGateway
from streams.metrics import GatewayMetrics


async def _run_briefly(settings: Settings, seconds: float) -> float:
    gateway = BatchGateway(settings, build_inspector(settings), GatewayMetrics(CollectorRegistry()))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.call_later(seconds, stop.set)
    started = loop.time()
    await asyncio.wait_for(gateway.run(stop), timeout=30)
    return loop.time() - started


def test_waits_for_an_unreachable_broker_until_stopped(caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(bootstrap_servers=f"127.0.0.1:{free_port()}", pseudonym_key="unit-test-key")  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING, logger="customs.gateway"):
        took = asyncio.run(_run_briefly(settings, 2.5))
    assert 2.0 < took < 10, took
    warnings = [r.getMessage() for r in caplog.records if r.name == "customs.gateway"]
    assert len(warnings) >= 2 and all("cannot reach Kafka" in w for w in warnings), warnings
