"""When a chain's signed checkpoint is due (pure: times are the caller's monotonic seconds).

A stream engine adds a checkpoint to a batch's transaction when ``checkpoint_due``. Between batches, a
partition that received nothing for a while still needs its last events signed — otherwise a record that
crossed just before a quiet night could not be proven until traffic resumes. ``idle_checkpoint_due``
says when: the chain has events after its last checkpoint (its head is not one) and ``interval`` has
passed since that checkpoint. A batch arriving in that time would have carried the checkpoint itself, so
the delay until a crossing is covered by a signature is at most ``interval`` plus one transaction. A head
that is a checkpoint is never signed again: an idle partition gets one checkpoint, not one per interval.
"""

from __future__ import annotations

from collections.abc import Iterable

from customs.audit.chain import Head

MIN_WAIT = 0.05  # the idle check never runs more often than this, whatever the interval


def checkpoint_due(head: Head, last: float | None, now: float, interval: float) -> bool:
    """A batch's events just chained up to ``head``: should a checkpoint close the batch? ``last`` is when
    this worker last wrote one on the chain (None: not since it took the partition over)."""
    return head.next_seq > 0 and (last is None or now - last >= interval)


def idle_checkpoint_due(head: Head, last: float | None, now: float, interval: float) -> bool:
    """No batch is in hand: should a checkpoint be written on its own, to sign the chain's unsigned tail?
    Committed ``head``; ``last`` as in ``checkpoint_due`` (a tail inherited on a take-over is due at once)."""
    if head.next_seq == 0 or head.signed:
        return False
    return last is None or now - last >= interval


def next_idle_check(chains: Iterable[tuple[Head, float | None]], now: float, interval: float) -> float:
    """Seconds until an idle checkpoint may next fall due on one of ``chains`` (``(head, last)`` each).

    A chain's tail becomes unsigned only through a batch that came before its checkpoint was due (a later
    one carries a checkpoint), so nothing can fall due before the soonest ``last + interval`` still ahead;
    a chain taken over meanwhile is looked at within ``interval``.
    """
    wait = interval
    for head, last in chains:
        if idle_checkpoint_due(head, last, now, interval):
            return MIN_WAIT
        if last is not None and last + interval > now:
            wait = min(wait, last + interval - now)
    return max(MIN_WAIT, wait)
