"""The gateway's default stream engine: batches from aiokafka, one Kafka transaction per partition per batch.

Per batch: take what the consumer has fetched (up to ``batch_size`` records, waiting at most
``batch_wait``), inspect it in the classify thread (heartbeats and fetches go on in the event loop
meanwhile), then, for every input partition of the batch at once, one transaction that carries that
partition's routed records and audit events (to the same partition number) and the commit of its
offset. Outputs and offset become visible together or not at all: exactly once.

Fencing: each input partition has its own transactional id (``APP_ID-TOPIC-PARTITION``). A worker
that is given a partition first starts its producer — which fences the previous owner and ends its
open transaction — and only then reads the committed offset, so a crashed worker's half-done batch
is invisible downstream and done again. A partition is given up only between batches.

Audit chain: the audit events of one input partition form one hash chain (``gateway:TOPIC:PARTITION``,
see customs/audit/chain.py), and the chain's head — the next ``seq`` and the last event's hash — is kept
as the metadata of that partition's committed offset, which the same transaction commits:

1. a batch's audit events are chained from the head in memory when its transaction is built, and a
   signed checkpoint is added when ``audit_checkpoint_seconds`` have passed since the last one;
2. ``send_offsets_to_transaction`` commits the next offset *and* the new head with the events;
3. the head in memory moves on only once the commit succeeded;
4. on taking a partition over (after a restart, a rebalance or a failed transaction) the head is read back
   from the committed offset's metadata, after the fence. An aborted transaction's events are invisible and
   its head never committed, so the records read again are chained again from the same head, to the same
   hashes: the committed chain has no gap and no fork, whatever was retried;
5. a partition that goes quiet with events after its last checkpoint gets one on its own once
   ``audit_checkpoint_seconds`` have passed since that checkpoint (customs/audit/cadence.py): a timer takes
   ``lock`` between batches and, per such partition, runs a transaction that appends the checkpoint and
   commits the *same* offset with the head after it (the head records that it is a checkpoint, so a quiet
   partition is signed once, not every interval). Aborted, it leaves the old head, as in step 4. So a
   record that crossed is covered by a signature at most an interval and a transaction later, traffic or not.

Faust's agent (``streams/faust_worker.py``, ``CUSTOMS_STREAM_ENGINE=faust``) gives the same guarantee
record by record; this engine does the bookkeeping once per batch, which is what lets one worker
keep up with thousands of records a second (see load/results/README.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import KafkaConnectionError
from aiokafka.structs import ConsumerRecord

from customs.audit.cadence import checkpoint_due, idle_checkpoint_due, next_idle_check
from customs.audit.chain import Chainer, Head
from customs.audit.signing import checkpoint, load_signing_key
from customs.inspection import Inspector, Verdict
from customs.settings import Settings
from streams import compression, routing
from streams.kafka_security import aiokafka_security
from streams.metrics import GatewayMetrics, partition_lags, progress_line
from streams.reach import unreachable_message

log = logging.getLogger("customs.gateway")

MAX_BATCH_BYTES = 1_048_576  # one produce batch per output topic and partition, as a rule


class PartitionProducers:
    """One transactional producer per assigned input partition."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._producers: dict[TopicPartition, AIOKafkaProducer] = {}

    def __contains__(self, tp: object) -> bool:
        return tp in self._producers

    def __getitem__(self, tp: TopicPartition) -> AIOKafkaProducer:
        return self._producers[tp]

    def transactional_id(self, tp: TopicPartition) -> str:
        return f"{self.settings.app_id}-{tp.topic}-{tp.partition}"

    async def start(self, tp: TopicPartition) -> None:
        """Start ``tp``'s producer: this fences any earlier one with its id and ends its open transaction."""
        await self.stop([tp])
        settings = self.settings
        producer = AIOKafkaProducer(
            bootstrap_servers=settings.bootstrap_servers,
            client_id=f"{settings.app_id}-gateway",
            transactional_id=self.transactional_id(tp),
            enable_idempotence=True,
            acks="all",
            linger_ms=0,  # batches are built here, whole, and flushed by the commit
            max_batch_size=MAX_BATCH_BYTES,
            # A transaction begun while the broker still writes the previous one's markers is refused
            # as "concurrent" and retried after this back-off: keep it short (Kafka's Java client uses 20 ms).
            retry_backoff_ms=10,
            max_request_size=max(2 * MAX_BATCH_BYTES, settings.max_record_bytes * 4),
            **aiokafka_security(settings),
        )
        await producer.start()
        self._producers[tp] = producer

    async def stop(self, tps: Iterable[TopicPartition]) -> None:
        for tp in list(tps):
            producer = self._producers.pop(tp, None)
            if producer is not None:
                try:
                    await producer.stop()
                except Exception as exc:  # a fenced or broken producer: nothing left to flush
                    log.warning("producer for %s stopped with %s", tp, type(exc).__name__)

    async def stop_all(self) -> None:
        await self.stop(list(self._producers))


class Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
    """Partitions change hands only between batches (``lock``); a new owner fences, then seeks."""

    def __init__(self, gateway: BatchGateway) -> None:
        self.gateway = gateway

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        async with self.gateway.lock:  # the batch in hand is committed first
            await self.gateway.settle()
            await self.gateway.producers.stop(revoked)
            for tp in revoked:
                self.gateway.positions.pop((tp.topic, tp.partition), None)
                self.gateway.heads.pop(tp, None)
                self.gateway.checkpointed.pop(tp, None)

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        async with self.gateway.lock:
            for tp in sorted(assigned):
                try:
                    await self.gateway.take_over(tp)
                except Exception as exc:  # tried again when the partition's first batch arrives
                    log.error("could not take %s over (%s)", tp, type(exc).__name__)
        if assigned:
            log.info("assigned %d partitions", len(assigned))


class BatchGateway:
    """Reads inbound topics, inspects, and routes every record exactly once (see the module docstring)."""

    def __init__(self, settings: Settings, inspector: Inspector, metrics: GatewayMetrics) -> None:
        self.settings = settings
        self.inspector = inspector
        self.metrics = metrics
        self.topics = settings.output_topic_names
        self.lock = asyncio.Lock()
        self.producers = PartitionProducers(settings)
        self.positions: dict[tuple[str, int], int] = {}  # the next offset to route, per partition
        self.counts: Counter[str] = Counter()
        self._committing: asyncio.Task[None] | None = None  # the batch being committed
        self._owners: dict[TopicPartition, int] = {}  # take-overs of each partition so far
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="classify")
        self.heads: dict[TopicPartition, Head] = {}  # each input partition's audit chain, as committed
        self.checkpointed: dict[TopicPartition, float] = {}  # monotonic time of its last checkpoint here
        self.signing_key = load_signing_key(settings.audit_key_file)
        self.consumer = self._new_consumer()

    def _new_consumer(self) -> AIOKafkaConsumer:
        settings = self.settings
        return AIOKafkaConsumer(
            bootstrap_servers=settings.bootstrap_servers,
            client_id=f"{settings.app_id}-gateway",
            group_id=settings.app_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
            session_timeout_ms=int(settings.session_timeout * 1000),
            heartbeat_interval_ms=int(max(0.5, settings.session_timeout / 4) * 1000),
            max_partition_fetch_bytes=max(1_048_576, settings.max_record_bytes * 2),
            fetch_max_bytes=max(52_428_800, settings.max_record_bytes * 4),
            fetch_max_wait_ms=100,
            **aiokafka_security(settings),
        )

    async def _connect(self, stop: asyncio.Event) -> bool:
        """Start the consumer, waiting for the broker as long as it takes; False if stopped first."""
        delay = 1.0
        while not stop.is_set():
            self.consumer.subscribe(list(self.settings.inbound_topic_names), listener=Rebalance(self))
            try:
                await self.consumer.start()
                return True
            except KafkaConnectionError:
                log.warning(
                    "%s; trying again in %.0f s", unreachable_message(self.settings.bootstrap_servers), delay
                )
                with contextlib.suppress(Exception):
                    await self.consumer.stop()
                self.consumer = self._new_consumer()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), delay)
                delay = min(30.0, delay * 2)
        await self.consumer.stop()
        return False

    async def take_over(self, tp: TopicPartition) -> None:
        """Own ``tp``: fence its earlier producer, then continue from the offset committed with it."""
        self._owners[tp] = self._owners.get(tp, 0) + 1
        await self.producers.start(tp)
        committed, metadata = await self._committed(tp)
        self.heads[tp] = Head.decode(routing.chain_name(tp.topic, tp.partition), metadata)
        self.positions.pop((tp.topic, tp.partition), None)
        if committed is None:  # nothing committed yet: from the start (the gateway never skips records)
            await self.consumer.seek_to_beginning(tp)
        else:
            self.consumer.seek(tp, committed)
            self.positions[(tp.topic, tp.partition)] = committed

    async def _committed(self, tp: TopicPartition) -> tuple[int | None, str]:
        """The committed offset of ``tp`` and its metadata (the audit chain's head)."""
        found = await self.consumer._coordinator.fetch_committed_offsets([tp])
        if tp not in found or found[tp].offset < 0:
            return None, ""
        return found[tp].offset, found[tp].metadata or ""

    async def run(self, stop: asyncio.Event) -> None:
        """Route batches until ``stop`` is set; the batch in hand is finished first."""
        if not await self._connect(stop):
            return
        timers = [
            asyncio.create_task(self._every(self.settings.lag_interval, self._update_lag)),
            asyncio.create_task(self._every(10.0, self._report)),
        ]
        quiet = asyncio.Event()  # set on the way out: the idle signer finishes its transaction first
        signer = asyncio.create_task(self._sign_idle_chains(quiet))
        wait_ms = max(1, int(self.settings.batch_wait * 1000))
        backoff = compression.Backoff()
        try:
            while not stop.is_set():
                try:
                    fetched = await compression.rewinding(
                        self.consumer,
                        self.consumer.getmany(timeout_ms=wait_ms, max_records=self.settings.batch_size),
                    )
                except compression.UnsupportedCodecError as exc:  # its records wait in Kafka: retry later
                    delay = backoff.delay()
                    log.error(compression.unreadable_line(exc, delay))
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), delay)
                    continue
                owners = dict(self._owners)  # which take-over of each partition these records belong to
                async with self.lock:
                    if fetched:
                        await self.route(fetched, owners)
                    else:
                        await self.settle()
        finally:
            for timer in timers:
                timer.cancel()
            quiet.set()
            try:
                await signer
            except Exception:
                log.warning("the idle checkpoint timer failed", exc_info=True)
            async with self.lock:
                await self.settle()
            await self.consumer.stop()
            await self.producers.stop_all()
            self._executor.shutdown(wait=False)

    async def route(
        self,
        fetched: dict[TopicPartition, list[ConsumerRecord[Any, Any]]],
        owners: dict[TopicPartition, int],
    ) -> None:
        """Inspect one batch while the previous one commits, then start its commit: one transaction
        per input partition. Call with ``lock`` held."""
        batch: dict[TopicPartition, list[ConsumerRecord[Any, Any]]] = {}
        for tp, messages in fetched.items():
            if self._owners.get(tp) != owners.get(tp):
                continue  # read before the partition was taken over (and sought): they come again
            if tp in self.producers:
                # A fetch that was under way when the partition was taken over (and sought to its
                # committed offset) delivers records that will come again: route each offset once.
                done = self.positions.get((tp.topic, tp.partition), 0)
                fresh = messages if messages[0].offset >= done else [m for m in messages if m.offset >= done]
                if fresh:
                    batch[tp] = fresh
            elif tp in self.consumer.assignment():  # its producer failed earlier: fence, seek back, retry
                await self._recover(tp)
        records = {tp: [self._inbound(m) for m in messages] for tp, messages in batch.items()}
        flat = [record for group in records.values() for record in group]
        if not flat:
            await self.settle()
            return
        loop = asyncio.get_running_loop()
        inspecting = loop.run_in_executor(self._executor, self._inspect, flat)
        await self.settle()  # the previous batch commits while this one is inspected
        verdicts = iter(await inspecting)
        judged = {tp: [(record, next(verdicts)) for record in group] for tp, group in records.items()}
        # A partition taken over since these records were read (its transaction failed, so it was
        # sought back to its committed offset) gets them again, in order: route them then.
        ready = {tp: items for tp, items in judged.items() if self._owners.get(tp) == owners.get(tp)}
        ends = {tp: batch[tp][-1].offset + 1 for tp in ready}
        for tp, end in ends.items():  # if the commit fails, taking the partition over resets this
            self.positions[(tp.topic, tp.partition)] = end
        self._committing = asyncio.create_task(self._commit_all(ready, ends))

    async def settle(self) -> None:
        """Wait for the batch being committed (a partition whose transaction failed is taken over again)."""
        committing, self._committing = self._committing, None
        if committing is not None:
            await committing

    async def _commit_all(
        self,
        judged: dict[TopicPartition, list[tuple[routing.Inbound, Verdict]]],
        ends: dict[TopicPartition, int],
    ) -> None:
        results = await asyncio.gather(
            *(self._commit(tp, items, ends[tp]) for tp, items in judged.items()),
            return_exceptions=True,
        )
        for (tp, items), result in zip(judged.items(), results, strict=True):
            if isinstance(result, BaseException):
                log.error(
                    "transaction for %s failed (%s); its %d records will be read again",
                    tp,
                    type(result).__name__,
                    len(items),
                )
                self.metrics.transaction_failures.inc()
                await self._recover(tp)
                continue
            self._observe(items)

    @staticmethod
    def _inbound(message: ConsumerRecord[Any, Any]) -> routing.Inbound:
        return routing.inbound(
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            timestamp=message.timestamp / 1000 if message.timestamp and message.timestamp > 0 else None,
            key=message.key,
            value=message.value,
            headers=message.headers,
        )

    def _inspect(self, records: Sequence[routing.Inbound]) -> list[Verdict]:
        return self.inspector.inspect_many([(record.value, record.flow, record.origin) for record in records])

    async def _commit(
        self, tp: TopicPartition, items: list[tuple[routing.Inbound, Verdict]], next_offset: int
    ) -> None:
        producer = self.producers[tp]
        head = self.heads.get(tp)
        if head is None:  # never chain from a guess: the transaction fails and the take-over reads it
            raise RuntimeError(f"the audit chain head of {tp} is unknown")
        chainer = Chainer(head)
        by_topic: dict[str, list[routing.Output]] = defaultdict(list)
        for record, verdict in items:
            for output in routing.outputs(record, verdict, chainer):
                by_topic[self.topics[output.channel]].append(output)
        now = time.monotonic()
        due = checkpoint_due(
            chainer.head, self.checkpointed.get(tp), now, self.settings.audit_checkpoint_seconds
        )
        if due:
            signed = chainer.add(checkpoint(chainer.head, self.signing_key, int(time.time() * 1000)))
            by_topic[self.topics["audit"]].append(routing.audit_output(signed))
        started = time.perf_counter()
        await producer.begin_transaction()
        try:
            for topic, outputs in by_topic.items():
                await self._send(producer, topic, tp.partition, outputs)
            await producer.send_offsets_to_transaction(
                {tp: (next_offset, chainer.head.encode())}, self.settings.app_id
            )
            await producer.commit_transaction()
            self.heads[tp] = chainer.head  # step 3: only once committed
            if due:
                self.checkpointed[tp] = now
            self.metrics.transaction_seconds.observe(time.perf_counter() - started)
        except BaseException:
            with contextlib.suppress(Exception):  # fenced: the new owner has ended it already
                await producer.abort_transaction()
            raise

    async def _sign_idle_chains(self, quiet: asyncio.Event) -> None:
        """Step 5: a cheap timer that wakes when an idle checkpoint may fall due (customs/audit/cadence.py)
        and only then takes ``lock``, between batches, to sign the quiet partitions' unsigned tails."""
        interval = self.settings.audit_checkpoint_seconds
        while not quiet.is_set():
            states = [(head, self.checkpointed.get(tp)) for tp, head in self.heads.items()]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(quiet.wait(), next_idle_check(states, time.monotonic(), interval))
            if quiet.is_set() or not self._idle(time.monotonic()):
                continue
            try:
                async with self.lock:
                    await self.settle()  # the batch in hand commits first: the heads are the committed ones
                    await self._checkpoint_idle(self._idle(time.monotonic()))
            except Exception:
                log.warning("idle checkpoints failed", exc_info=True)

    def _idle(self, now: float) -> list[TopicPartition]:
        """Owned partitions, committed up to a known offset, whose chain's tail is due a checkpoint."""
        interval = self.settings.audit_checkpoint_seconds
        return [
            tp
            for tp, head in list(self.heads.items())
            if tp in self.producers
            and (tp.topic, tp.partition) in self.positions
            and idle_checkpoint_due(head, self.checkpointed.get(tp), now, interval)
        ]

    async def _checkpoint_idle(self, tps: list[TopicPartition]) -> None:
        """One transaction per partition: the checkpoint to the audit topic, and the same offset committed
        again with the head after it (call with ``lock`` held, nothing being committed)."""
        ends = {tp: self.positions[(tp.topic, tp.partition)] for tp in tps}
        results = await asyncio.gather(
            *(self._commit(tp, [], end) for tp, end in ends.items()), return_exceptions=True
        )
        for tp, result in zip(ends, results, strict=True):
            if isinstance(result, BaseException):  # the old head stands; tried again after an interval
                log.error("idle checkpoint transaction for %s failed (%s)", tp, type(result).__name__)
                self.metrics.transaction_failures.inc()
                self.checkpointed[tp] = time.monotonic()
                await self._recover(tp)

    @staticmethod
    async def _send(
        producer: AIOKafkaProducer, topic: str, partition: int, outputs: list[routing.Output]
    ) -> None:
        batch = producer.create_batch()
        for output in outputs:
            if batch.append(key=output.key, value=output.value, timestamp=None, headers=output.headers):
                continue
            if batch.record_count():
                await producer.send_batch(batch, topic, partition=partition)
                batch = producer.create_batch()
                if batch.append(key=output.key, value=output.value, timestamp=None, headers=output.headers):
                    continue
            # Larger than a whole batch: on its own (a record over the size limit fails the transaction).
            await producer.send(topic, output.value, output.key, partition, headers=output.headers)
        if batch.record_count():
            await producer.send_batch(batch, topic, partition=partition)

    async def _recover(self, tp: TopicPartition) -> None:
        """After a failed transaction: start over from the committed offset, if ``tp`` is still ours."""
        await self.producers.stop([tp])
        self.positions.pop((tp.topic, tp.partition), None)  # its failed batch was never routed
        if tp in self.consumer.assignment():
            try:
                await self.take_over(tp)
            except Exception as exc:  # tried again with the partition's next batch
                log.error("could not take %s over again (%s)", tp, type(exc).__name__)

    def _observe(self, items: list[tuple[routing.Inbound, Verdict]]) -> None:
        metrics = self.metrics
        for record, verdict in items:  # counted once committed: a batch read again is not counted twice
            metrics.record_in(record.origin.topic)
            metrics.observe_routed(verdict, record.origin.topic, record.timestamp)
            self.counts[verdict.action.value] += 1

    async def _update_lag(self) -> None:
        self.metrics.set_lag(
            partition_lags(self.consumer, self.settings.inbound_topic_names, self.positions, {})
        )

    async def _report(self) -> None:
        if line := progress_line(self.counts):
            log.info(line)

    @staticmethod
    async def _every(seconds: float, action: Any) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await action()
            except Exception:
                log.warning("periodic %s failed", getattr(action, "__name__", "task"), exc_info=True)
