"""The gateway worker: a Faust app, exactly once, that inspects every inbound record and routes it.

Per record: decode → classify → decide → desensitise (in a thread beside the event loop, so
heartbeats and commits keep flowing), then the routed record and its audit event are sent to the
same partition number as the input, inside the Kafka transaction that also commits the input offset.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from typing import Any

import faust

from customs.inspection import Inspector, Origin, audit_bytes, flow_context
from customs.settings import Settings
from streams import headers as h
from streams.transactions import GatewayApp

log = logging.getLogger("customs.worker")


def _record_date(timestamp: float | None) -> date:
    if not timestamp:
        return datetime.now(UTC).date()
    return datetime.fromtimestamp(timestamp, UTC).date()


def _broker_url(bootstrap: str) -> str:
    return ";".join(f"kafka://{server.strip()}" for server in bootstrap.split(",") if server.strip())


def build_app(settings: Settings, inspector: Inspector) -> faust.App:
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

    @app.agent(inbound, name="customs-gateway")
    async def gateway(stream: Any) -> None:
        loop = asyncio.get_running_loop()
        async for event in stream.events():
            message = event.message
            in_headers = h.as_text(message.headers)
            flow = flow_context(in_headers, _record_date(message.timestamp))
            origin = Origin(
                message.topic,
                message.partition,
                message.offset,
                int(message.timestamp * 1000) if message.timestamp else None,
            )
            verdict = await loop.run_in_executor(executor, inspector.inspect, message.value, flow, origin)
            passed = [(k, v.encode()) for k, v in in_headers.items() if k in h.FLOW_HEADERS]
            await outputs[verdict.action.value].send(
                key=message.key,
                value=verdict.value,
                headers=passed + list(verdict.headers),
                partition=message.partition,
            )
            await outputs["audit"].send(
                key=message.key,
                value=audit_bytes(verdict.audit_event(origin, flow)),
                headers=[(h.DECISION, verdict.action.value.encode())],
                partition=message.partition,
            )
            counts[verdict.action.value] += 1

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
    app = build_app(settings, inspector)
    worker = faust.Worker(app, loglevel=settings.log_level.upper(), quiet=True)
    worker.execute_from_commandline()
