"""Keep each routed record in the Kafka transaction that commits its input offset.

Faust's transaction manager derives a send's transactional id from the *destination* topic as its
consumer sees it. Our output topics are never consumed, so Faust finds no metadata for them and
falls back to its plain, non-transactional producer: outputs would become visible before (and
without) the offset commit, and a crash would duplicate them. Outputs always go to the same
partition number as their input, so this manager uses the transactional id of that input
partition — the one whose transaction also carries the input's offset commit.

That transaction also commits, as the offset's metadata, the head of the input partition's audit chain
after the events it publishes (streams/held_chains.py), as the aiokafka engine does (streams/gateway.py).
"""

from __future__ import annotations

import itertools
import logging
from collections import defaultdict
from collections.abc import Awaitable, Iterator, Mapping
from heapq import heappop, heappush
from typing import Any

import faust
from aiokafka.errors import ProducerFenced
from faust.app._attached import Attachment, Attachments
from faust.transport.consumer import TransactionManager
from faust.types import TP, TransportT

from streams.faust_fetch import CodecSafeConsumer
from streams.held_chains import HeldChains

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

    def __init__(self, *args: Any, source_topics: tuple[str, ...], **kwargs: Any) -> None:
        self._source_topics = source_topics
        super().__init__(*args, **kwargs)
        self._held = self._attachments = CommittedOnlyAttachments(self)
        self.audit_chains = HeldChains()  # each input partition's audit chain (streams/held_chains.py)

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
        transport.Consumer = CodecSafeConsumer  # type: ignore[misc]  # see streams/faust_fetch.py
        return transport
