"""Keep each routed record in the Kafka transaction that commits its input offset.

Faust's transaction manager derives a send's transactional id from the *destination* topic as its
consumer sees it. Our output topics are never consumed, so Faust finds no metadata for them and
falls back to its plain, non-transactional producer: outputs would become visible before (and
without) the offset commit, and a crash would duplicate them. Outputs always go to the same
partition number as their input, so this manager uses the transactional id of that input
partition — the one whose transaction also carries the input's offset commit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterator
from heapq import heappop
from typing import Any

import faust
from faust.app._attached import Attachments
from faust.transport.consumer import TransactionManager
from faust.types import TP, TransportT

from streams.faust_fetch import CodecSafeConsumer


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


class CommittedOnlyAttachments(Attachments):
    """Publish held outputs only for inputs whose offset this commit covers; forget revoked ones.

    A commit offset is the *next* offset to read; Faust's ``Attachments`` also releases the
    outputs attached to that offset — an input still being processed, whose offset is not in
    the commit — so a crash right after would route that input twice.
    """

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

    async def _on_partitions_revoked(self, revoked: set[TP]) -> None:
        """After Faust's own revocation (which commits what is done), forget outputs still held for
        revoked partitions: their inputs were not committed, so whoever owns a partition next reads
        them again — this worker too, if it gets the partition back — and holds their outputs anew."""
        await super()._on_partitions_revoked(revoked)
        self._held.forget(revoked)

    def hold(self, message: Any, channel: Any, *, key: bytes | None, value: bytes, headers: Any) -> None:
        """Hold an output of ``message`` until the commit that covers ``message``'s offset publishes it,
        to the same partition number, inside that partition's transaction."""
        self._attachments.put(message, channel, key, value, partition=message.partition, headers=headers)

    def _new_transport(self) -> TransportT:
        transport = super()._new_transport()
        manager = type("Transactions", (SourcePartitionTransactions,), {"source_topics": self._source_topics})
        transport.TransactionManager = manager  # type: ignore[misc]
        transport.Consumer = CodecSafeConsumer  # type: ignore[misc]  # see streams/faust_fetch.py
        return transport
