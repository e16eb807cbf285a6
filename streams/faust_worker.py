"""The Faust engine of the gateway worker (``CUSTOMS_STREAM_ENGINE=faust``): one agent, exactly once.

Per record: decode → classify → decide → desensitise (in a thread beside the event loop, so
heartbeats and commits keep flowing), then the routed record and its audit event are held with
their input event and published, to the same partition number as the input, by the Kafka
transaction that also commits the input offset (see streams/transactions.py).

Audit chain: as on the aiokafka engine, the audit events of one input partition form one hash chain
(``gateway:TOPIC:PARTITION``) whose head is committed as the metadata of the partition's offset, by the
transaction that publishes the events. A record's event is chained when its outputs are held, and a
signed checkpoint follows the last record of a partition in a batch once ``audit_checkpoint_seconds``
have passed; the head is read back from the committed offset when a partition's first record arrives
after an assignment. Held outputs that are never committed (a crash, a revocation) are never published,
and their records are chained again from the committed head: the committed chain has no gap and no fork
(streams/held_chains.py numbers the steps). A partition that goes quiet with events after its last
checkpoint gets one on its own an interval after that checkpoint, by a transaction of its own right after
one of Faust's periodic commits (streams/transactions.py); this covers the partitions whose chain this
worker has begun, i.e. that brought it a record since their assignment — a partition taken over while
quiet, with an unsigned tail, is signed with its next record. Both engines keep the same chains, so a
group can move from one engine to the other without breaking them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import faust
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import OffsetAndMetadata

from customs.audit.chain import Chainer
from customs.audit.signing import checkpoint, load_signing_key
from customs.inspection import Inspector, Verdict
from customs.settings import REPO_ROOT, Settings
from streams import routing
from streams.held_chains import Partition
from streams.kafka_security import aiokafka_security, faust_credentials
from streams.metrics import GatewayMetrics, partition_lags, progress_line
from streams.transactions import GatewayApp, QuietCheckpoint

FAUST_DATA = REPO_ROOT / "var" / "faust"

log = logging.getLogger("customs.worker")

READ_SECONDS = 60.0  # how long a partition's committed audit chain head is looked for


def _broker_url(bootstrap: str) -> str:
    return ";".join(f"kafka://{server.strip()}" for server in bootstrap.split(",") if server.strip())


class CommittedHeads:
    """Reads partitions' committed offsets with their metadata (the audit chain heads) from the group."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._admin: AIOKafkaAdminClient | None = None

    async def read(self, partitions: list[Partition]) -> dict[Partition, tuple[int | None, str]]:
        """Tried again (the group's coordinator may be moving) for ``READ_SECONDS``, then raised: no
        record of these partitions is chained from a guess."""
        deadline = time.monotonic() + READ_SECONDS
        delay = 0.25
        while True:
            try:
                found = await self._read(partitions)
                break
            except Exception as exc:
                with contextlib.suppress(Exception):
                    await self.close()
                if time.monotonic() + delay > deadline:
                    raise
                log.warning("committed audit chain heads not read (%s); trying again", type(exc).__name__)
                await asyncio.sleep(delay)
                delay = min(5.0, delay * 2)
        heads: dict[Partition, tuple[int | None, str]] = {}
        for topic, partition in partitions:
            committed = found.get(TopicPartition(topic, partition))
            if committed is None or committed.offset < 0:
                heads[(topic, partition)] = (None, "")
            else:
                heads[(topic, partition)] = (committed.offset, committed.metadata or "")
        return heads

    async def _read(self, partitions: list[Partition]) -> dict[TopicPartition, OffsetAndMetadata]:
        if self._admin is None:
            admin = AIOKafkaAdminClient(
                bootstrap_servers=self.settings.bootstrap_servers,
                client_id=f"{self.settings.app_id}-gateway-heads",
                **aiokafka_security(self.settings),
            )
            await admin.start()
            self._admin = admin
        found: dict[TopicPartition, OffsetAndMetadata] = await self._admin.list_consumer_group_offsets(
            self.settings.app_id, partitions=[TopicPartition(topic, p) for topic, p in partitions]
        )
        return found

    async def close(self) -> None:
        admin, self._admin = self._admin, None
        if admin is not None:
            await admin.close()


def build_app(settings: Settings, inspector: Inspector, metrics: GatewayMetrics) -> faust.App:
    FAUST_DATA.mkdir(parents=True, exist_ok=True)  # Faust makes only the last level
    app = GatewayApp(
        settings.app_id,
        source_topics=tuple(settings.inbound_topic_names),
        audit_topic=settings.output_topic_names["audit"],
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
    chains = app.audit_chains
    signing_key = load_signing_key(settings.audit_key_file)
    committed_heads = CommittedHeads(settings)

    def inspect_batch(items: list[routing.Inbound]) -> list[Verdict]:
        return [inspector.inspect(item.value, item.flow, item.origin) for item in items]

    async def begin_chains(messages: list[Any]) -> None:
        """Step 1 of streams/held_chains.py for partitions whose chain is not known here yet."""
        new = sorted({(m.topic, m.partition) for m in messages if (m.topic, m.partition) not in chains})
        if new:
            for partition, (offset, metadata) in (await committed_heads.read(new)).items():
                chains.begin(partition, offset, metadata)

    def hold(message: Any, item: routing.Inbound, verdict: Verdict) -> None:
        """Step 2: chain the record's audit event and hold its outputs for the commit."""
        partition = (message.topic, message.partition)
        chainer = Chainer(chains.head(partition))
        for output in routing.outputs(item, verdict, chainer):
            app.hold(
                message, outputs[output.channel], key=output.key, value=output.value, headers=output.headers
            )
        chains.hold(partition, message.offset, chainer.head)

    def close_batch(last: dict[Partition, Any]) -> None:
        """A signed checkpoint after the last record of each partition, when one is due."""
        now = time.monotonic()
        for partition, message in last.items():
            if not chains.checkpoint_due(partition, now, settings.audit_checkpoint_seconds):
                continue
            chainer = Chainer(chains.head(partition))
            signed = chainer.add(checkpoint(chainer.head, signing_key, int(time.time() * 1000)))
            output = routing.audit_output(signed)
            app.hold(message, outputs["audit"], key=output.key, value=output.value, headers=output.headers)
            chains.hold(partition, message.offset, chainer.head)
            chains.checkpointed(partition, now)

    def quiet_checkpoints(now: float) -> list[QuietCheckpoint]:
        """Step 5 of streams/held_chains.py: a checkpoint for each quiet chain with an unsigned tail."""
        due: list[QuietCheckpoint] = []
        for partition in chains.quiet(now, settings.audit_checkpoint_seconds):
            chainer = Chainer(chains.head(partition))
            signed = chainer.add(checkpoint(chainer.head, signing_key, int(time.time() * 1000)))
            due.append((partition, chains.start(partition), chainer.head, routing.audit_output(signed)))
        return due

    app.quiet_checkpoints = quiet_checkpoints

    @app.agent(inbound, name="customs-gateway")
    async def gateway(stream: Any) -> None:
        loop = asyncio.get_running_loop()
        try:
            # Batches amortise the hand-over to the classify thread; each event is still acked only
            # after its outputs are held for the commit (take_events acks when the body is done).
            async for events in stream.take_events(settings.batch_size, within=settings.batch_wait):
                messages = [event.message for event in events]
                await begin_chains(messages)
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
                last: dict[Partition, Any] = {}
                async with app.chain_lock:  # not while a quiet chain is signed (no await inside)
                    for message, item, verdict in zip(messages, items, verdicts, strict=True):
                        partition = (message.topic, message.partition)
                        if partition not in chains or message.offset < chains.start(partition):
                            # Revoked meanwhile (its records come again to whoever owns it), or committed
                            # already (its outputs were published then): nothing to hold.
                            log.warning("%s@%d: not this worker's to route", partition, message.offset)
                            continue
                        hold(message, item, verdict)
                        last[partition] = message
                        metrics.observe_routed(verdict, message.topic, message.timestamp)
                        counts[verdict.action.value] += 1
                        positions[partition] = message.offset + 1
                    close_batch(last)
        finally:
            await committed_heads.close()

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
