"""The Faust engine's audit chain bookkeeping between commits (streams/held_chains.py), and the order in
which held outputs of one input are published (streams/transactions.py)."""

from __future__ import annotations

from heapq import heappop, heappush

import pytest
from faust.app._attached import Attachment

from customs.audit.chain import GENESIS, Chainer, Head
from customs.audit.verify import Located, verify
from streams.held_chains import HeldChains
from streams.routing import chain_name
from streams.transactions import _InOrder

P = ("inbound", 2)


def _hold(chains: HeldChains, offset: int, events: int = 1) -> list[dict[str, object]]:
    chainer = Chainer(chains.head(P))
    chained = [chainer.add({"type": "decision", "offset": offset}) for _ in range(events)]
    chains.hold(P, offset, chainer.head)
    return chained


def test_a_fresh_partition_starts_at_genesis() -> None:
    chains = HeldChains()
    chains.begin(P, None, "")
    assert chains.head(P) == Head(chain_name(*P), 0, GENESIS)
    assert chains.start(P) == 0
    assert chains.for_commit(P, 0) == chains.head(P)


def test_begin_resumes_from_the_committed_head() -> None:
    committed = Head(chain_name(*P), 41, "ab" * 32)
    chains = HeldChains()
    chains.begin(P, 120, committed.encode())
    assert chains.head(P) == committed
    assert chains.start(P) == 120


def test_a_commit_carries_the_head_after_exactly_the_records_below_its_offset() -> None:
    chains = HeldChains()
    chains.begin(P, None, "")
    events = _hold(chains, 0) + _hold(chains, 1)
    after_one = chains.head(P)
    events += _hold(chains, 3)  # offset 2 is a transaction marker: no record
    assert chains.for_commit(P, 2) == after_one
    assert chains.for_commit(P, 3) == after_one
    assert chains.for_commit(P, 4) == chains.head(P)
    chains.committed(P, 2)
    assert chains.for_commit(P, 2) == after_one  # nothing held below 2 any more: the committed head
    assert chains.head(P).next_seq == 3 and chains.start(P) == 2
    report = verify([Located(str(i), e) for i, e in enumerate(events)], None)
    assert report.ok and report.chains == {chain_name(*P): 3}


def test_a_checkpoint_held_with_the_same_record_moves_its_head() -> None:
    chains = HeldChains()
    chains.begin(P, None, "")
    _hold(chains, 5)
    assert chains.checkpoint_due(P, now=100.0, interval=10.0)
    _hold(chains, 5)  # the checkpoint, after the record's event
    chains.checkpointed(P, 100.0)
    assert not chains.checkpoint_due(P, now=105.0, interval=10.0)
    assert chains.for_commit(P, 6).next_seq == 2


def test_no_checkpoint_before_any_event() -> None:
    chains = HeldChains()
    chains.begin(P, None, "")
    assert not chains.checkpoint_due(P, now=100.0, interval=1.0)


def test_records_are_held_in_offset_order() -> None:
    chains = HeldChains()
    chains.begin(P, None, "")
    _hold(chains, 7)
    with pytest.raises(ValueError):
        _hold(chains, 6)


def test_a_forgotten_partition_cannot_be_committed() -> None:
    chains = HeldChains()
    chains.begin(P, None, "")
    _hold(chains, 0)
    chains.forget([P])
    assert P not in chains
    with pytest.raises(KeyError):
        chains.for_commit(P, 1)


def _sign(chains: HeldChains, now: float) -> dict[str, object]:
    """What streams/transactions.py does for a quiet chain, its transaction taken as committed."""
    chainer = Chainer(chains.head(P))
    event = chainer.add({"type": "checkpoint", "covers": chainer.head.next_seq - 1})
    chains.signed_quiet(P, chainer.head, now)
    return event


def test_a_quiet_chain_with_an_unsigned_tail_is_signed_once() -> None:
    chains = HeldChains()
    chains.begin(P, None, "")
    events = _hold(chains, 0)
    chainer = Chainer(chains.head(P))  # a checkpoint closed the batch
    events.append(chainer.add({"type": "checkpoint", "covers": 0}))
    chains.hold(P, 0, chainer.head)
    chains.checkpointed(P, 100.0)
    chains.committed(P, 1)
    assert chains.quiet(1e6, 10.0) == []  # signed: nothing to do however long it stays quiet
    events += _hold(chains, 1)  # a record before the next checkpoint is due: its batch carries none
    assert chains.quiet(115.0, 10.0) == []  # held, not committed yet: Faust's commit comes first
    chains.committed(P, 2)
    assert chains.quiet(109.0, 10.0) == []  # an interval after the last checkpoint, not before
    assert chains.quiet(110.0, 10.0) == [P]
    events.append(_sign(chains, 110.0))
    assert chains.head(P).signed and chains.for_commit(P, 2) == chains.head(P)  # the same offset again
    assert chains.start(P) == 2
    assert chains.quiet(1e6, 10.0) == []  # and never again while nothing new comes
    events += _hold(chains, 2)  # a record after it links to the checkpoint
    report = verify([Located(str(i), e) for i, e in enumerate(events)], None)
    assert report.ok and report.chains == {chain_name(*P): 5}


def test_a_quiet_chain_inherited_unsigned_is_signed_at_once_and_a_poisoned_one_never() -> None:
    chains = HeldChains()
    chains.begin(P, 40, Head(chain_name(*P), 12, "ab" * 32).encode())  # written before the head was flagged
    assert chains.quiet(0.0, 10.0) == [P]
    chains.poison(P)  # its checkpoint's transaction ended unknown
    assert chains.quiet(0.0, 10.0) == []
    with pytest.raises(RuntimeError):
        chains.for_commit(P, 40)


def test_a_quiet_chain_is_not_signed_over_held_records() -> None:
    chains = HeldChains()
    chains.begin(P, None, "")
    _hold(chains, 0)
    with pytest.raises(ValueError):
        chains.signed_quiet(P, chains.head(P), 0.0)


def test_outputs_of_one_input_are_published_in_the_order_held() -> None:
    held: list[Attachment] = []
    for order, name in enumerate(["routed", "audit", "checkpoint"]):
        heappush(held, Attachment(9, _InOrder(order, name)))  # type: ignore[arg-type]
    heappush(held, Attachment(8, _InOrder(3, "earlier input")))  # type: ignore[arg-type]
    published = [heappop(held).message.value for _ in range(4)]
    assert published == ["earlier input", "routed", "audit", "checkpoint"]
