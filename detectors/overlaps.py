"""Overlap resolution in time linear in the text: of overlapping spans, the one ranked first is kept.

The recognizers and the classifier rank their candidate spans (by score, then length, or the other way
round) and keep each one that overlaps none kept before it. Comparing every candidate with every kept
span costs their product, which an adversarial field of 100,000 candidates turns into minutes; here the
kept spans' positions are marked in a byte array, so a candidate costs its own length (searched in C).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


def disjoint(ranked: Iterable[T], bounds: Callable[[T], tuple[int, int]]) -> list[T]:
    """The items of ``ranked`` (best first) whose span ``bounds(item)`` (``start, end``, end exclusive)
    overlaps no item kept before it, in ranked order. An empty span covers nothing and is dropped."""
    items = list(ranked)
    spans = [bounds(item) for item in items]
    if not spans:
        return []
    taken = bytearray(max(end for _, end in spans) + 1)
    kept: list[T] = []
    for item, (start, end) in zip(items, spans, strict=True):
        if end > start and taken.find(1, start, end) < 0:
            taken[start:end] = b"\x01" * (end - start)
            kept.append(item)
    return kept
