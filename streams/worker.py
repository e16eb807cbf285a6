"""The gateway worker: a Faust app, exactly once, that inspects every inbound record and routes it.

Per record: decode → classify → decide → desensitise (in a thread beside the event loop, so
heartbeats and commits keep flowing), then the routed record and its audit event are sent to the
same partition number as the input, inside the Kafka transaction that also commits the input offset.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from typing import Any

import faust
from prometheus_client import REGISTRY, CollectorRegistry

from customs.inspection import Inspector, Origin, Verdict, audit_bytes, flow_context
from customs.settings import Settings
from rules.decision import FlowContext
from streams import headers as h
from streams.metrics import GatewayMetrics, partition_lags, serve_metrics
from streams.transactions import GatewayApp

log = logging.getLogger("customs.worker")


def _record_date(timestamp: float | None) -> date:
    if not timestamp:
        return datetime.now(UTC).date()
    return datetime.fromtimestamp(timestamp, UTC).date()


def _broker_url(bootstrap: str) -> str:
    return ";".join(f"kafka://{server.strip()}" for server in bootstrap.split(",") if server.strip())


def build_app(settings: Settings, inspector: Inspector, metrics: GatewayMetrics | None = None) -> faust.App:
    app = GatewayApp(
        settings.app_id,
        source_topics=tuple(settings.inbound_topic_names),
        broker=_broker_url(settings.bootstrap_servers),
        processing_guarantee="exactly_once",
        store="memory://",
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
    metrics = metrics or GatewayMetrics(CollectorRegistry())
    metrics.set_policy_version(inspector.policy().version)  # then kept current by each decision
    positions: dict[tuple[str, int], int] = {}  # the next offset to process, as processed here

    def inspect_batch(items: list[tuple[bytes | None, FlowContext, Origin]]) -> list[Verdict]:
        return [inspector.inspect(raw, flow, origin) for raw, flow, origin in items]

    @app.agent(inbound, name="customs-gateway")
    async def gateway(stream: Any) -> None:
        loop = asyncio.get_running_loop()
        # Batches amortise the hand-over to the classify thread; each event is still acked only
        # after its outputs are held for the commit (take_events acks when the body is done).
        async for events in stream.take_events(settings.batch_size, within=settings.batch_wait):
            prepared = []
            for event in events:
                message = event.message
                in_headers = h.as_text(message.headers)
                flow = flow_context(in_headers, _record_date(message.timestamp))
                origin = Origin(
                    message.topic,
                    message.partition,
                    message.offset,
                    int(message.timestamp * 1000) if message.timestamp else None,
                )
                metrics.record_in(message.topic)
                prepared.append((message, in_headers, flow, origin))
            items = [(message.value, flow, origin) for message, _, flow, origin in prepared]
            verdicts = await loop.run_in_executor(executor, inspect_batch, items)
            for (message, in_headers, flow, origin), verdict in zip(prepared, verdicts, strict=True):
                passed = [(k, v.encode()) for k, v in in_headers.items() if k in h.FLOW_HEADERS]
                app.hold(
                    message,
                    outputs[verdict.action.value],
                    key=message.key,
                    value=verdict.value,
                    headers=passed + list(verdict.headers),
                )
                app.hold(
                    message,
                    outputs["audit"],
                    key=message.key,
                    value=audit_bytes(verdict.audit_event(origin, flow)),
                    headers=[(h.DECISION, verdict.action.value.encode())],
                )
                metrics.observe_end_to_end(message.timestamp)
                metrics.observe_inspection(verdict.classify_seconds, verdict.inspect_seconds)
                counts[verdict.action.value] += 1
                metrics.record_out(verdict.decision, verdict.findings, message.topic)
                positions[(message.topic, message.partition)] = message.offset + 1

    @app.timer(interval=settings.lag_interval)  # type: ignore[untyped-decorator]
    async def lag() -> None:
        committed = getattr(app.consumer, "_committed_offset", {})  # Faust's next offset per partition
        metrics.set_lag(partition_lags(app.consumer, settings.inbound_topic_names, positions, committed))

    @app.timer(interval=10.0)  # type: ignore[untyped-decorator]
    async def report() -> None:
        if counts:
            total = sum(counts.values())
            log.info(
                "processed %d records: %s", total, ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            )

    return app


def run_worker(settings: Settings, inspector: Inspector) -> None:
    """Run until SIGINT/SIGTERM. Faust commits the transaction of every partition on the way out."""
    metrics = GatewayMetrics(REGISTRY)  # the default registry also carries the process metrics
    serve_metrics(REGISTRY, settings.metrics_port, settings.metrics_host, settings.metrics_port_span)
    app = build_app(settings, inspector, metrics)
    # Start-up objects (recognizers, lexicons, Faust) are long-lived: keep the collector off them, and
    # let young objects pile up more before a collection (the hot path allocates a lot, briefly).
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    from streams.policy_watch import start_policy_watch  # hot reload, policy topic, shadow reports

    start_policy_watch(settings, inspector, metrics)
    worker = faust.Worker(app, loglevel=settings.log_level.upper(), quiet=True)
    # Faust's terminal spinner, kept at levels >= WARNING, turns the root logger to DEBUG: every
    # debug record (some hold message values) would be built for it. No spinner in a gateway.
    worker.spinner = None
    worker.execute_from_commandline()
