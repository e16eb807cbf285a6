"""The Faust engine of the gateway worker (``CUSTOMS_STREAM_ENGINE=faust``): one agent, exactly once.

Per record: decode → classify → decide → desensitise (in a thread beside the event loop, so
heartbeats and commits keep flowing), then the routed record and its audit event are held with
their input event and published, to the same partition number as the input, by the Kafka
transaction that also commits the input offset (see streams/transactions.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import faust

from customs.inspection import Inspector, Verdict
from customs.settings import REPO_ROOT, Settings
from streams import routing
from streams.kafka_security import faust_credentials
from streams.metrics import GatewayMetrics, partition_lags, progress_line
from streams.transactions import GatewayApp

FAUST_DATA = REPO_ROOT / "var" / "faust"

log = logging.getLogger("customs.worker")


def _broker_url(bootstrap: str) -> str:
    return ";".join(f"kafka://{server.strip()}" for server in bootstrap.split(",") if server.strip())


def build_app(settings: Settings, inspector: Inspector, metrics: GatewayMetrics) -> faust.App:
    FAUST_DATA.mkdir(parents=True, exist_ok=True)  # Faust makes only the last level
    app = GatewayApp(
        settings.app_id,
        source_topics=tuple(settings.inbound_topic_names),
        broker=_broker_url(settings.bootstrap_servers),
        broker_credentials=faust_credentials(settings),
        processing_guarantee="exactly_once",
        store="memory://",
        # Faust makes a data directory even for in-memory tables; keep it out of the working directory.
        datadir=str(FAUST_DATA / "{conf.name}-data"),
        web_enabled=False,
        topic_disable_leader=True,
        topic_allow_declare=False,
        consumer_auto_offset_reset="earliest",
        broker_commit_interval=settings.commit_interval,
        broker_session_timeout=settings.session_timeout,
        broker_heartbeat_interval=max(0.5, settings.session_timeout / 4),
        producer_max_request_size=max(1_048_576, settings.max_record_bytes * 2),
        producer_linger=settings.producer_linger_ms / 1000,  # fewer, fuller produce requests
        # Sends are held with their input event and published by the commit itself, inside the
        # transaction that commits the offset: outputs and offsets become visible together or not at all.
        stream_publish_on_commit=True,
    )
    inbound = app.topic(
        *settings.inbound_topic_names, value_type=bytes, value_serializer="raw", key_serializer="raw"
    )
    outputs = {
        name: app.topic(topic, value_type=bytes, value_serializer="raw", key_serializer="raw")
        for name, topic in settings.output_topic_names.items()
    }
    executor = ThreadPoolExecutor(max_workers=settings.classify_threads, thread_name_prefix="classify")
    counts: Counter[str] = Counter()
    positions: dict[tuple[str, int], int] = {}  # the next offset to process, as processed here

    def inspect_batch(items: list[routing.Inbound]) -> list[Verdict]:
        return [inspector.inspect(item.value, item.flow, item.origin) for item in items]

    @app.agent(inbound, name="customs-gateway")
    async def gateway(stream: Any) -> None:
        loop = asyncio.get_running_loop()
        # Batches amortise the hand-over to the classify thread; each event is still acked only
        # after its outputs are held for the commit (take_events acks when the body is done).
        async for events in stream.take_events(settings.batch_size, within=settings.batch_wait):
            messages = [event.message for event in events]
            items = []
            for message in messages:
                metrics.record_in(message.topic)
                items.append(
                    routing.inbound(
                        topic=message.topic,
                        partition=message.partition,
                        offset=message.offset,
                        timestamp=message.timestamp,
                        key=message.key,
                        value=message.value,
                        headers=message.headers,
                    )
                )
            verdicts = await loop.run_in_executor(executor, inspect_batch, items)
            for message, item, verdict in zip(messages, items, verdicts, strict=True):
                for output in routing.outputs(item, verdict):
                    app.hold(
                        message,
                        outputs[output.channel],
                        key=output.key,
                        value=output.value,
                        headers=output.headers,
                    )
                metrics.observe_routed(verdict, message.topic, message.timestamp)
                counts[verdict.action.value] += 1
                positions[(message.topic, message.partition)] = message.offset + 1

    @app.timer(interval=settings.lag_interval)  # type: ignore[untyped-decorator]
    async def lag() -> None:
        committed = getattr(app.consumer, "_committed_offset", {})  # Faust's next offset per partition
        metrics.set_lag(partition_lags(app.consumer, settings.inbound_topic_names, positions, committed))

    @app.timer(interval=10.0)  # type: ignore[untyped-decorator]
    async def report() -> None:
        if line := progress_line(counts):
            log.info(line)

    return app


def run_faust(settings: Settings, inspector: Inspector, metrics: GatewayMetrics) -> None:
    """Run the Faust app until SIGINT/SIGTERM; Faust commits every partition's transaction on the way out."""
    app = build_app(settings, inspector, metrics)
    worker = faust.Worker(app, loglevel=settings.log_level.upper(), quiet=True)
    # Faust's terminal spinner, kept at levels >= WARNING, turns the root logger to DEBUG: every
    # debug record (some hold message values) would be built for it. No spinner in a gateway.
    worker.spinner = None
    worker.execute_from_commandline()
