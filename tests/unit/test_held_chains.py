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


def test_outputs_of_one_input_are_published_in_the_order_held() -> None:
    held: list[Attachment] = []
    for order, name in enumerate(["routed", "audit", "checkpoint"]):
        heappush(held, Attachment(9, _InOrder(order, name)))  # type: ignore[arg-type]
    heappush(held, Attachment(8, _InOrder(3, "earlier input")))  # type: ignore[arg-type]
    published = [heappop(held).message.value for _ in range(4)]
    assert published == ["earlier input", "routed", "audit", "checkpoint"]
