"""Each input partition's audit chain in the Faust engine, between commits (pure: no Kafka client here).

The aiokafka engine chains a whole batch when it builds the batch's transaction (streams/gateway.py).
Faust's agent holds a record's outputs as soon as the record is inspected and publishes them later, with
the commit that covers the record's offset (streams/transactions.py), so its chains are kept here:

1. a partition's chain begins from the head committed as the metadata of its offset (``begin``), read
   when its first record arrives after an assignment — after the new transactional producer has fenced
   the previous owner, so that head and offset are the ones Faust resumes from;
2. each record's audit event (and a signed checkpoint when one is due) is chained from the last head as
   its outputs are held, and the head after them is remembered with the record's offset (``hold``);
3. a commit of offset ``n`` commits, as that offset's metadata, the head after the last held record
   below ``n`` (``for_commit``) — the head after exactly the events that commit publishes — and only once
   it succeeded does that head become the committed one (``committed``);
4. on a revocation everything is forgotten (``forget``): the held outputs are dropped with it, and the
   next owner, this worker included, resumes from the committed head;
5. a chain with nothing held whose committed head is not a checkpoint, an interval after its last one
   (``quiet``, customs/audit/cadence.py), gets a checkpoint on its own: a transaction publishes it and commits
   the *same* offset with the head after it, and only once that succeeded is it the committed head
   (``signed_quiet``). Records are not held meanwhile (streams/transactions.py). A transaction whose outcome
   is unknown leaves the chain ``poisoned``: nothing more of it is committed here (the worker stops, and
   whoever owns the partition next resumes from the head as committed).

Outputs held but never committed are never published, so the committed chain has no gap and no fork.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field

from customs.audit.cadence import checkpoint_due, idle_checkpoint_due
from customs.audit.chain import Head
from streams.routing import chain_name

Partition = tuple[str, int]  # (topic, partition) of an input partition


@dataclass(slots=True)
class _Chain:
    committed: Head  # the head committed with the partition's offset
    start: int  # the committed offset it was read with: records below it are done already
    offsets: list[int] = field(default_factory=list)  # held records' offsets, ascending, not committed
    heads: list[Head] = field(default_factory=list)  # the head after each of them
    checkpointed: float | None = None  # monotonic time of the chain's last checkpoint here
    poisoned: bool = False  # a checkpoint's transaction ended unknown: commit nothing more of it


class HeldChains:
    """The audit chain heads of the input partitions this worker holds outputs for."""

    def __init__(self) -> None:
        self._chains: dict[Partition, _Chain] = {}

    def __contains__(self, partition: object) -> bool:
        return partition in self._chains

    def begin(self, partition: Partition, committed_offset: int | None, metadata: str | None) -> None:
        """Step 1: the chain as committed with ``committed_offset`` (None: nothing committed yet)."""
        head = Head.decode(chain_name(*partition), metadata)
        self._chains[partition] = _Chain(head, committed_offset or 0)

    def start(self, partition: Partition) -> int:
        """The first offset still to chain: records below it were committed before ``begin``."""
        return self._chains[partition].start

    def head(self, partition: Partition) -> Head:
        """The head the next held record's audit event links to."""
        chain = self._chains[partition]
        return chain.heads[-1] if chain.heads else chain.committed

    def hold(self, partition: Partition, offset: int, head: Head) -> None:
        """Step 2: ``head`` follows the events held with the record at ``offset`` (a later call for the
        same offset, with a checkpoint after its event, replaces it)."""
        chain = self._chains[partition]
        if chain.offsets and offset == chain.offsets[-1]:
            chain.heads[-1] = head
            return
        if chain.offsets and offset < chain.offsets[-1]:
            raise ValueError(f"{partition}: offset {offset} held after {chain.offsets[-1]}")
        chain.offsets.append(offset)
        chain.heads.append(head)

    def checkpoint_due(self, partition: Partition, now: float, interval: float) -> bool:
        return checkpoint_due(self.head(partition), self._chains[partition].checkpointed, now, interval)

    def checkpointed(self, partition: Partition, now: float) -> None:
        self._chains[partition].checkpointed = now

    def quiet(self, now: float, interval: float) -> list[Partition]:
        """Step 5: the chains due a checkpoint of their own (nothing held, an unsigned committed tail)."""
        return [
            partition
            for partition, chain in self._chains.items()
            if not chain.offsets
            and not chain.poisoned
            and idle_checkpoint_due(chain.committed, chain.checkpointed, now, interval)
        ]

    def signed_quiet(self, partition: Partition, head: Head, now: float) -> None:
        """Step 5, after the transaction that committed ``head`` (a checkpoint) with the same offset."""
        chain = self._chains.get(partition)
        if chain is None or chain.offsets:
            raise ValueError(f"{partition}: records were held while its quiet chain was signed")
        chain.committed = head
        chain.checkpointed = now

    def poison(self, partition: Partition) -> None:
        if partition in self._chains:
            self._chains[partition].poisoned = True

    def for_commit(self, partition: Partition, offset: int) -> Head:
        """Step 3: the head to commit with ``offset`` (the next offset to read). A partition whose chain
        is unknown raises KeyError: an offset is never committed without its head."""
        chain = self._chains[partition]
        if chain.poisoned:
            raise RuntimeError(f"{partition}: its committed audit chain head is unknown here")
        below = bisect.bisect_left(chain.offsets, offset)
        return chain.heads[below - 1] if below else chain.committed

    def committed(self, partition: Partition, offset: int) -> None:
        """Step 3, after the commit of ``offset`` succeeded."""
        chain = self._chains.get(partition)
        if chain is None:
            return
        below = bisect.bisect_left(chain.offsets, offset)
        if below:
            chain.committed = chain.heads[below - 1]
            del chain.offsets[:below], chain.heads[:below]
        chain.start = max(chain.start, offset)

    def forget(self, partitions: Iterable[Partition]) -> None:
        """Step 4."""
        for partition in partitions:
            self._chains.pop(partition, None)
