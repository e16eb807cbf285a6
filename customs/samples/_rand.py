"""Fast draws from a ``random.Random`` (one C call each; plenty uniform for synthetic data)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def pick(rng: random.Random, items: Sequence[T]) -> T:
    """One element of ``items``."""
    return items[int(rng.random() * len(items))]


def below(rng: random.Random, n: int) -> int:
    """An integer in ``[0, n)``; ``n`` must be below 2**53."""
    return int(rng.random() * n)


def between(rng: random.Random, low: int, high: int) -> int:
    """An integer in ``[low, high]``."""
    return low + int(rng.random() * (high - low + 1))


def digits(rng: random.Random, width: int) -> str:
    """``width`` random decimal digits (width up to 15)."""
    return f"{int(rng.random() * 10**width):0{width}d}"
