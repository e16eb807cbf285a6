"""Keep each routed record in the Kafka transaction that commits its input offset.

Faust's transaction manager derives a send's transactional id from the *destination* topic as its
consumer sees it. Our output topics are never consumed, so Faust finds no metadata for them and
falls back to its plain, non-transactional producer: outputs would become visible before (and
without) the offset commit, and a crash would duplicate them. Outputs always go to the same
partition number as their input, so this manager uses the transactional id of that input
partition — the one whose transaction also carries the input's offset commit.

That transaction also commits, as the offset's metadata, the head of the input partition's audit chain
after the events it publishes (streams/held_chains.py), as the aiokafka engine does (streams/gateway.py).

A quiet partition's unsigned chain tail is signed on its own (held_chains.py step 5): right after each of
Faust's periodic commits (so never beside one), with ``chain_lock`` held so that no record is chained
meanwhile, one transaction per such partition publishes the checkpoint and commits the same offset again
with the head after it. Faust itself commits only offsets that moved on, so this is its own transaction.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator, Mapping
from heapq import heappop, heappush
from typing import Any

import faust
from aiokafka import TopicPartition
from aiokafka.errors import ProducerFenced
from faust.app._attached import Attachment, Attachments
from faust.transport.consumer import TransactionManager
from faust.types import TP, TransportT

from customs.audit.chain import Head
from streams.faust_fetch import CodecSafeConsumer
from streams.held_chains import HeldChains, Partition
from streams.routing import Output

# A quiet chain's checkpoint: its partition, the offset committed again, the head after it, the event.
QuietCheckpoint = tuple[Partition, int, Head, Output]

log = logging.getLogger("customs.worker")


class SourcePartitionTransactions(TransactionManager):
    source_topics: tuple[str, ...] = ()

    async def send(
        self,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        partition: int | None,
        timestamp: float | None,
        headers: Any,
        *,
        transactional_id: str | None = None,
    ) -> Awaitable[Any]:
        if partition is None:
            raise ValueError(f"a send to {topic} inside a transaction needs the input's partition number")
        groups = {self.app.assignor.group_for_topic(source) for source in self.source_topics}
        if len(groups) != 1:
            raise RuntimeError(f"inbound topics span several partition groups {sorted(groups)}")
        transactional_id = f"{self.app.conf.id}-{groups.pop()}-{partition}"
        return await self.producer.send(
            topic, key, value, partition, timestamp, headers, transactional_id=transactional_id
        )

    async def commit(self, offsets: Mapping[TP, int], start_new_transaction: bool = True) -> bool:
        """Faust's commit, each offset with its partition's audit chain head as metadata."""
        chains: HeldChains = self.app.audit_chains  # type: ignore[attr-defined]
        group_id = self.app.conf.id
        by_transaction: dict[str, dict[TP, tuple[int, str]]] = defaultdict(dict)
        for tp, offset in offsets.items():
            head = chains.for_commit((tp.topic, tp.partition), offset)  # never without it: KeyError
            transactional_id = f"{group_id}-{self.app.assignor.group_for_topic(tp.topic)}-{tp.partition}"
            by_transaction[transactional_id][tp] = (offset, head.encode())
        if by_transaction:
            try:
                await self.producer.commit_transactions(
                    by_transaction,  # type: ignore[arg-type]  # aiokafka takes (offset, metadata)
                    group_id,
                    start_new_transaction=start_new_transaction,
                )
            except ProducerFenced as fenced:  # as Faust does: the new owner goes on from what it committed
                log.warning("transaction fenced (%s)", type(fenced).__name__)
                await self.app.crash(fenced)
                return True
            for tp, offset in offsets.items():
                chains.committed((tp.topic, tp.partition), offset)
        return True

    async def sign_quiet(self, assigned: set[TP], committed: Mapping[TP, int | None]) -> None:
        """Step 5 of streams/held_chains.py, for the partitions this worker is assigned."""
        app: GatewayApp = self.app  # type: ignore[assignment]
        chains = app.audit_chains
        async with app.chain_lock:  # no record is chained while a quiet chain is signed
            for (topic, partition), offset, head, output in app.quiet_checkpoints(time.monotonic()):
                tp = TP(topic, partition)
                if tp not in assigned or committed.get(tp) not in (None, offset):
                    continue  # not ours, or Faust and the chain disagree on its offset: leave it
                transactional_id = f"{app.conf.id}-{app.assignor.group_for_topic(topic)}-{partition}"
                try:
                    sent = await self.producer.send(
                        app.audit_topic,
                        output.key,
                        output.value,
                        partition,
                        None,
                        output.headers,
                        transactional_id=transactional_id,
                    )
                    await sent
                    await self.producer.commit_transactions(
                        {transactional_id: {TopicPartition(topic, partition): (offset, head.encode())}},  # type: ignore[dict-item]
                        app.conf.id,
                        start_new_transaction=True,
                    )
                except Exception as exc:  # committed or not, unknown here: this worker stops using the chain
                    chains.poison((topic, partition))
                    log.error("quiet checkpoint of %s failed (%s); stopping", tp, type(exc).__name__)
                    await self.producer.abort_transaction(transactional_id)
                    await app.crash(exc)
                    return
                chains.signed_quiet((topic, partition), head, time.monotonic())


class SigningConsumer(CodecSafeConsumer):
    """Faust's consumer whose periodic commit is followed by the quiet chains' own checkpoints."""

    async def force_commit(self, topics: Any = None, start_new_transaction: bool = True) -> bool:
        did_commit: bool = await super().force_commit(topics, start_new_transaction=start_new_transaction)
        if topics is None and start_new_transaction and not self.app.rebalancing:
            manager: SourcePartitionTransactions = self.transactions  # type: ignore[assignment]
            await manager.sign_quiet(set(self.assignment()), self._committed_offset)
        return did_commit


class _InOrder:
    """An attached output that sorts after those held before it: outputs of one input are published in
    the order they were held (a checkpoint after the audit event it signs). Faust's ``Unordered`` does not."""

    __slots__ = ("order", "value")

    def __init__(self, order: int, value: Any) -> None:
        self.order = order
        self.value = value

    def __lt__(self, other: _InOrder) -> bool:
        return self.order < other.order


class CommittedOnlyAttachments(Attachments):
    """Publish held outputs only for inputs whose offset this commit covers, in the order they were
    held; forget revoked ones.

    A commit offset is the *next* offset to read; Faust's ``Attachments`` also releases the
    outputs attached to that offset — an input still being processed, whose offset is not in
    the commit — so a crash right after would route that input twice.
    """

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self._order = itertools.count()

    def hold(self, message: Any, channel: Any, key: bytes | None, value: bytes, headers: Any) -> None:
        """Attach an output to ``message``'s offset, for its partition number."""
        fut = channel.as_future_message(key, value, message.partition, None, headers)
        attached = Attachment(message.offset, _InOrder(next(self._order), fut))  # type: ignore[arg-type]
        heappush(self._pending[message.tp], attached)

    def forget(self, tps: set[TP]) -> None:
        for tp in tps:
            self._pending.pop(tp, None)

    def _attachments_for(self, tp: TP, commit_offset: int) -> Iterator[Any]:
        attached = self._pending.get(tp)
        while attached and attached[0][0] < commit_offset:
            yield heappop(attached).message.value


class GatewayApp(faust.App):
    """A Faust app whose transactions follow the input partition (see the module docstring)."""

    def __init__(
        self, *args: Any, source_topics: tuple[str, ...], audit_topic: str = "", **kwargs: Any
    ) -> None:
        self._source_topics = source_topics
        self.audit_topic = audit_topic
        super().__init__(*args, **kwargs)
        self._held = self._attachments = CommittedOnlyAttachments(self)
        self.audit_chains = HeldChains()  # each input partition's audit chain (streams/held_chains.py)
        self.chain_lock = asyncio.Lock()  # held while records are chained, and while quiet chains are signed
        # The checkpoints the quiet chains are due (set by streams/faust_worker.py), given a monotonic time.
        self.quiet_checkpoints: Callable[[float], list[QuietCheckpoint]] = lambda now: []

    async def _on_partitions_revoked(self, revoked: set[TP]) -> None:
        """After Faust's own revocation (which commits what is done), forget outputs still held for
        revoked partitions: their inputs were not committed, so whoever owns a partition next reads
        them again — this worker too, if it gets the partition back — and holds their outputs anew."""
        await super()._on_partitions_revoked(revoked)
        self._held.forget(revoked)
        self.audit_chains.forget((tp.topic, tp.partition) for tp in revoked)

    def hold(self, message: Any, channel: Any, *, key: bytes | None, value: bytes, headers: Any) -> None:
        """Hold an output of ``message`` until the commit that covers ``message``'s offset publishes it,
        to the same partition number, inside that partition's transaction."""
        self._held.hold(message, channel, key, value, headers)

    def _new_transport(self) -> TransportT:
        transport = super()._new_transport()
        manager = type("Transactions", (SourcePartitionTransactions,), {"source_topics": self._source_topics})
        transport.TransactionManager = manager  # type: ignore[misc]
        transport.Consumer = SigningConsumer  # type: ignore[misc]  # and see streams/faust_fetch.py
        return transport
