"""Numbers listed a space apart: a spaced digit run split into the numbers it holds.

The recognizers' patterns never match inside a longer run of digits grouped by spaces or dashes, so
that ``6222 0212 3456 7894`` stays one card rather than a phone and a remainder. People also list
numbers a space apart (``13812345678 13912345678``), and that rule alone would swallow both. So a run is
split where

1. the run as a whole is no number of any kind (a grouped card stays one finding), and
2. it can be cut at its spaces into parts that are each, standing alone, a complete and valid number of
   some kind (a phone ``phonenumbers`` accepts, a Luhn-valid card, an ID with its check character);
   the fewest parts win (longer numbers first).

Each part is then a finding of its kind with the score its recognizer gives it standing alone. A run
grouped in short chunks only (``5123 4567 6123 4567``) reads as one grouped number as much as a list:
there a part of eight digits or fewer (an HK/Macau local number) is weak evidence, scored below the
threshold, so that a context word or the field name decides.

Recognizers take part by setting ``LISTED`` (they register here); a tab or an ideographic space between
two numbers needs no splitting, since the patterns only refuse a neighbouring digit after a space or dash.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Protocol

# A text without this cannot hold a run to split (a digit, one space, a digit or ``+``).
SPACED = r"\d [+\d]"
_SPACED = re.compile(SPACED)
_TOKEN = re.compile(r"\+?\d+[Xx]?")  # a group of digits (a ``+`` before, a resident ID's X after)
_JOINS = (" ", "-")  # single characters that join groups into a run; only spaces split it
MIN_DIGITS = 8  # the shortest number worth splitting out: an HK or Macau local number
MAX_DIGITS = 20  # the longest: a 19-digit card, or a mobile with 0086 before it
MAX_CHUNKS = 6  # space-separated chunks in one number at most (``+86 138 1234 5678``)
MAX_RUN_CHUNKS = 64  # longer runs are tables of figures, never split
SHORT_CHUNK = 4  # a run whose chunks all have at most this many digits is grouped like one number
WEAK_SCORE = 0.4  # below the threshold: context or a field name decides

Part = tuple[int, int, str, float]  # start, end (in the run), entity, score


class WholeNumber(Protocol):
    def whole_score(self, text: str) -> float | None:
        """The score of ``text`` as one complete number of this kind standing alone (None: not one)."""


_KINDS: dict[str, Callable[[], WholeNumber]] = {}


def register(entity: str, factory: Callable[[], WholeNumber]) -> None:
    """Let ``split`` cut runs into numbers of ``entity``, judged by what ``factory`` builds."""
    _KINDS[entity] = factory
    _judges.cache_clear()
    _kinds_of.cache_clear()
    split.cache_clear()
    _all_parts.cache_clear()


@lru_cache(maxsize=1)
def _judges() -> tuple[tuple[str, WholeNumber], ...]:
    return tuple((entity, factory()) for entity, factory in _KINDS.items())


@lru_cache(maxsize=8192)
def _kinds_of(text: str) -> tuple[tuple[str, float], ...]:
    """Every ``(entity, score)`` ``text`` is a complete number of, standing alone."""
    found = []
    for entity, judge in _judges():
        score = judge.whole_score(text)
        if score is not None:
            found.append((entity, score))
    return tuple(found)


def runs(text: str) -> list[tuple[int, str]]:
    """``(offset, run)`` of every run of digit groups in ``text`` joined by single spaces or dashes,
    with at least one space, not inside a longer code or a decimal."""
    if _SPACED.search(text) is None:
        return []
    found: list[tuple[int, str]] = []
    start = end = -1
    spaced = False
    for token in _TOKEN.finditer(text):
        joined = (
            start >= 0
            and token.start() == end + 1
            and text[end] in _JOINS
            and text[end - 1] not in "Xx"
            and (token.group()[0] != "+" or text[end] == " ")
        )
        if joined:
            spaced = spaced or text[end] == " "
            end = token.end()
            continue
        if start >= 0 and spaced:
            found.append((start, text[start:end]))
        start, end, spaced = token.start(), token.end(), False
    if start >= 0 and spaced:
        found.append((start, text[start:end]))
    return [(offset, run) for offset, run in found if _bounded(text, offset, offset + len(run))]


def _bounded(text: str, start: int, end: int) -> bool:
    """The run is not part of a code (``SKU1234 5678``) or a decimal (``3.14 159``, ``12 345.67``)."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if (before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum()):
        return False
    if before == "." and start >= 2 and text[start - 2].isdigit():
        return False
    return not (after == "." and end + 1 < len(text) and text[end + 1].isdigit())


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


@lru_cache(maxsize=4096)
def split(run: str) -> tuple[Part, ...]:
    """The numbers ``run`` holds, if it is no number as a whole and splits at spaces into complete ones
    (fewest parts); empty otherwise."""
    chunks = [(m.start(), m.end()) for m in re.finditer(r"[^ ]+", run)]
    digits = _digits(run)
    if not 2 <= len(chunks) <= MAX_RUN_CHUNKS or digits < 2 * MIN_DIGITS:
        return ()
    if digits <= MAX_DIGITS and _kinds_of(run):
        return ()  # one number as a whole
    # best[i]: the fewest parts covering chunks[:i], and the start of the last one.
    best: list[tuple[int, int] | None] = [(0, 0)] + [None] * len(chunks)
    for i in range(1, len(chunks) + 1):
        for j in range(max(0, i - MAX_CHUNKS), i):
            before, current = best[j], best[i]
            if before is None or (current is not None and current[0] <= before[0] + 1):
                continue
            part = run[chunks[j][0] : chunks[i - 1][1]]
            if MIN_DIGITS <= _digits(part) <= MAX_DIGITS and _kinds_of(part):
                best[i] = (before[0] + 1, j)
    if best[-1] is None:
        return ()
    short = all(_digits(run[a:b]) <= SHORT_CHUNK for a, b in chunks)
    parts: list[Part] = []
    i = len(chunks)
    while i > 0:
        last = best[i]
        assert last is not None
        j = last[1]
        start, end = chunks[j][0], chunks[i - 1][1]
        weak = short and _digits(run[start:end]) <= MIN_DIGITS
        for entity, score in _kinds_of(run[start:end]):
            parts.append((start, end, entity, min(score, WEAK_SCORE) if weak else score))
        i = j
    return tuple(sorted(parts))


def parts(text: str, entity: str) -> list[tuple[int, int, float]]:
    """``(start, end, score)`` in ``text`` of every number of ``entity`` that a split run holds."""
    if _SPACED.search(text) is None:
        return []
    return [(start, end, score) for start, end, kind, score in _all_parts(text) if kind == entity]


@lru_cache(maxsize=256)  # the recognizers taking part ask in turn about the same text
def _all_parts(text: str) -> tuple[Part, ...]:
    return tuple(
        (offset + start, offset + end, kind, score)
        for offset, run in runs(text)
        for start, end, kind, score in split(run)
    )
