"""When a signed checkpoint is due (customs/audit/cadence.py), and the head that says whether a chain's tail
is signed (customs/audit/chain.py): with a batch, on its own after a quiet spell, and never twice in a row."""

from __future__ import annotations

from pathlib import Path

import pytest

from customs.audit.cadence import MIN_WAIT, checkpoint_due, idle_checkpoint_due, next_idle_check
from customs.audit.chain import GENESIS, Chainer, Head
from customs.audit.signing import checkpoint, load_signing_key

CHAIN = "gateway:customs.inbound:0"
UNSIGNED = Head(CHAIN, 5, "ab" * 32)  # five events, the last of them a decision
SIGNED = Head(CHAIN, 6, "cd" * 32, signed=True)  # a checkpoint after them
EMPTY = Head(CHAIN)


@pytest.mark.parametrize(
    ("head", "last", "now", "due"),
    [
        (UNSIGNED, 100.0, 110.0, True),  # the interval passed since the last checkpoint
        (UNSIGNED, 100.0, 115.5, True),
        (UNSIGNED, 100.0, 109.9, False),  # not yet: a batch before then carries the checkpoint
        (UNSIGNED, None, 0.0, True),  # a tail inherited on a take-over: signed at once
        (SIGNED, 100.0, 500.0, False),  # nothing after the last checkpoint: no empty checkpoints
        (SIGNED, None, 500.0, False),  # ... also after a take-over
        (EMPTY, None, 500.0, False),  # no event at all
    ],
)
def test_an_idle_checkpoint_is_due_for_an_unsigned_tail_an_interval_after_the_last(
    head: Head, last: float | None, now: float, due: bool
) -> None:
    assert idle_checkpoint_due(head, last, now, 10.0) is due


def test_a_batch_checkpoint_is_due_every_interval() -> None:
    assert checkpoint_due(UNSIGNED, None, 0.0, 10.0)
    assert checkpoint_due(UNSIGNED, 100.0, 110.0, 10.0)
    assert not checkpoint_due(UNSIGNED, 100.0, 105.0, 10.0)
    assert not checkpoint_due(EMPTY, None, 0.0, 10.0)


def test_a_quiet_chain_is_signed_once_then_never_again(tmp_path: Path) -> None:
    """The head after a checkpoint says so: however long the partition stays quiet, no further checkpoint."""
    key = load_signing_key(tmp_path / "audit.key")
    chainer = Chainer(Head(CHAIN))
    chainer.add({"type": "decision", "n": 1})
    assert not chainer.head.signed
    assert idle_checkpoint_due(chainer.head, 0.0, 10.0, 10.0)
    chainer.add(checkpoint(chainer.head, key, 1_700_000_000_000))
    assert chainer.head.signed
    # the head survives the offset metadata it is committed as, so a take-over knows it too
    resumed = Head.decode(CHAIN, chainer.head.encode())
    assert resumed == chainer.head
    assert not any(idle_checkpoint_due(resumed, 10.0, 10.0 + hours * 3600, 10.0) for hours in range(48))
    chainer.add({"type": "decision", "n": 2})  # traffic resumes: its tail is unsigned again
    assert idle_checkpoint_due(chainer.head, 10.0, 20.0, 10.0)


def test_heads_round_trip_through_offset_metadata() -> None:
    assert Head.decode(CHAIN, UNSIGNED.encode()) == UNSIGNED
    assert Head.decode(CHAIN, SIGNED.encode()) == SIGNED
    assert SIGNED.encode() == f"audit1:6:{'cd' * 32}:signed"
    # written before the flag was kept: read as unsigned, so at worst it is signed once more
    assert Head.decode(CHAIN, f"audit1:5:{'ab' * 32}") == UNSIGNED
    assert Head.decode(CHAIN, "") == Head(CHAIN, 0, GENESIS)


def test_the_idle_timer_wakes_when_a_checkpoint_may_fall_due() -> None:
    interval = 10.0
    # a chain signed at 100 may get a batch without a checkpoint before 110, then fall due at 110
    assert next_idle_check([(SIGNED, 100.0)], 104.0, interval) == pytest.approx(6.0)
    assert next_idle_check([(SIGNED, 100.0), (UNSIGNED, 103.0)], 104.0, interval) == pytest.approx(6.0)
    assert next_idle_check([(UNSIGNED, 100.0)], 110.0, interval) == MIN_WAIT  # due now
    assert next_idle_check([(SIGNED, 50.0)], 104.0, interval) == interval  # nothing ahead: look again later
    assert next_idle_check([], 0.0, interval) == interval
    assert next_idle_check([(SIGNED, 100.0)], 100.0, 0.001) == MIN_WAIT  # never a busy loop
