"""Our patterns run in ``re`` without a timeout: none may nest a repeat inside an unbounded repeat (the
shape behind catastrophic backtracking, e.g. ``(a+)+`` or ``(\\d|\\d\\d)*``), and every PATTERN of a
recognizer must compile in ``re`` so that none silently falls back to the slower ``regex`` path.

The parse-tree walk is the product's (``rules.tuning``: ``sub_patterns``, ``holds_repeat``, the stricter
``nested_repeat`` that refuses a policy's custom pattern); the finer rule our own patterns are held to (an
unbounded outer repeat whose passes are not delimited) is built on it here."""

from __future__ import annotations

import importlib
import pkgutil
import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import pytest
import regex

import detectors.lexicon
import detectors.recognizers
from detectors.recognizers import GbaRecognizer, all_recognizers
from detectors.recognizers.base import SpanRecognizer, _compile_re, _Compiled
from detectors.recognizers.cn_passport import CnPassportRecognizer
from rules.tuning import REPEATS, holds_repeat, nested_repeat, sub_patterns

# Characters the check compares sets over: ASCII, Latin-1 and Latin Extended, CJK punctuation, a block of
# common CJK ideographs and the full-width forms: what our patterns' classes are written in.
_UNIVERSE = "".join(
    chr(code)
    for low, high in ((0x09, 0x0D), (0x20, 0x24F), (0x2010, 0x2027), (0x3000, 0x303F), (0x4E00, 0x9FFF))
    for code in range(low, high + 1)
) + "".join(chr(code) for code in range(0xFF00, 0xFF65))


def _class_member(items: Any, char: str, ignore_case: bool) -> bool:
    negate = False
    hit = False
    for op, av in items:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            hit = hit or _same(chr(av), char, ignore_case)
        elif op is sre.RANGE:
            hit = hit or any(av[0] <= ord(c) <= av[1] for c in _cases(char, ignore_case))
        elif op is sre.CATEGORY:
            hit = hit or _in_category(av, char)
    return hit != negate


def _cases(char: str, ignore_case: bool) -> set[str]:
    cases = {char, char.lower(), char.upper()} if ignore_case else {char}
    return {case for case in cases if len(case) == 1}  # "ß".upper() is "SS"


def _same(a: str, b: str, ignore_case: bool) -> bool:
    return a == b or (ignore_case and a.lower() == b.lower())


def _in_category(category: Any, char: str) -> bool:
    name = str(category)
    inside = (
        char.isdecimal()
        if "DIGIT" in name
        else char.isspace()
        if "SPACE" in name
        else char.isalnum() or char == "_"
        if "WORD" in name
        else True
    )
    return inside != ("NOT_" in name)


def _chars(tree: Any, ignore_case: bool) -> set[str]:
    """Every character ``tree`` can consume (over ``_UNIVERSE``)."""
    found: set[str] = set()
    for op, av in tree:
        if op is sre.LITERAL:
            found |= {c for c in _UNIVERSE if _same(chr(av), c, ignore_case)}
        elif op is sre.NOT_LITERAL:
            found |= {c for c in _UNIVERSE if not _same(chr(av), c, ignore_case)}
        elif op is sre.IN:
            found |= {c for c in _UNIVERSE if _class_member(av, c, ignore_case)}
        elif op is sre.ANY:
            found |= set(_UNIVERSE)
        elif op not in (sre.ASSERT, sre.ASSERT_NOT):
            for child in sub_patterns(op, av):
                found |= _chars(child, ignore_case)
    return found


def _repeated_chars(tree: Any, ignore_case: bool) -> set[str]:
    """The characters of every repeated part of ``tree``."""
    found: set[str] = set()
    for op, av in tree:
        if op in REPEATS and av[1] > 1:
            found |= _chars(av[2], ignore_case)
        elif op not in (sre.ASSERT, sre.ASSERT_NOT):
            for child in sub_patterns(op, av):
                found |= _repeated_chars(child, ignore_case)
    return found


def _delimited(body: Any, ignore_case: bool) -> bool:
    """Each pass of ``body`` holds a part that is always there and shares no character with any of
    its repeated parts (``-`` in ``(?:-[A-Za-z]+)*``, ``.`` in ``(?:[a-z0-9-]+\\.)+``): the passes
    cannot be cut up in more than one way."""
    repeated = _repeated_chars(body, ignore_case)
    for op, av in body:
        single = op in (sre.LITERAL, sre.IN)
        words = (
            op in (sre.SUBPATTERN, sre.BRANCH) and not holds_repeat([(op, av)]) and _min_width([(op, av)]) > 0
        )
        if (single or words) and not (_chars([(op, av)], ignore_case) & repeated):
            return True
    return False


def _min_width(tree: Any) -> int:
    """The fewest characters ``tree`` matches."""
    width = 0
    for op, av in tree:
        if op in (sre.LITERAL, sre.NOT_LITERAL, sre.IN, sre.ANY):
            width += 1
        elif op in REPEATS:
            width += av[0] * _min_width(av[2])
        elif op is sre.SUBPATTERN:
            width += _min_width(av[3])
        elif op is sre.BRANCH:
            width += min(_min_width(branch) for branch in av[1])
    return width


def nested_unbounded_repeat(pattern: str, flags: int = 0) -> bool:
    """Whether ``pattern`` repeats, without bound, something that itself repeats, and its passes are
    not delimited (see ``_delimited``)."""
    ignore_case = bool(flags & re.IGNORECASE)

    def visit(tree: Any) -> bool:
        for op, av in tree:
            if (
                op in REPEATS
                and av[1] == sre.MAXREPEAT
                and holds_repeat(av[2])
                and not _delimited(av[2], ignore_case)
            ):
                return True
            if any(visit(child) for child in sub_patterns(op, av)):
                return True
        return False

    return visit(sre_parse.parse(pattern, flags))


@pytest.mark.parametrize(
    ("pattern", "nested"),
    [
        (r"(a+)+", True),
        (r"(?:\d|\d\d)*x", False),  # alternation, not a nested repeat: caught elsewhere if ever needed
        (r"(?:[ -]?\d{4}){2}", False),  # bounded outer repeat
        (r"(?:\w+\s)*end", False),  # \s parts the words
        (r"(?:\w+\s?)*end", True),
        (r"(?:[a-z0-9-]+\.)+[a-z]{2,}", False),
        (r"(?:-[A-Za-z]+)*", False),
        (r"(?:[A-Za-z-]+)*", True),
        (r"(?<![0-9])1[3-9]\d(?:[ -]?\d{4}){2}(?![0-9])", False),
        (r"[A-Z]{1,2}\d{6}\(?[0-9A]\)?", False),
        (r"(?:x(?:ab)+)*", False),  # every pass starts with x
    ],
)
def test_the_check_itself(pattern: str, nested: bool) -> None:
    assert nested_unbounded_repeat(pattern) is nested
    if nested:  # a custom pattern in a policy is held to a stricter rule: refused too
        assert nested_repeat(sre_parse.parse(pattern))


def _recognizer_patterns() -> list[tuple[str, str, int]]:
    found = []
    for recognizer in all_recognizers():
        assert isinstance(recognizer, GbaRecognizer)
        if isinstance(recognizer, SpanRecognizer):
            continue  # finds its spans with its own module patterns (checked below), not PATTERNS
        for pattern in recognizer.PATTERNS:
            found.append((type(recognizer).__name__, pattern.regex, recognizer.global_regex_flags or 0))
    return found


def _module_patterns() -> list[tuple[str, re.Pattern[str]]]:
    found = []
    for package in (detectors.recognizers, detectors.lexicon):
        for module_info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{module_info.name}")
            for name, value in vars(module).items():
                if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                    found.append((f"{module.__name__}.{name}", value))
    # and the patterns a recognizer class holds (its TRIGGER; a named identifier's search and whole-value
    # pattern, which NamedCodeRecognizer builds per class)
    for recognizer in all_recognizers():
        cls = type(recognizer)
        for name, value in vars(cls).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                found.append((f"{cls.__module__}.{cls.__name__}.{name}", value))
    return found


@pytest.mark.parametrize(("owner", "pattern", "flags"), _recognizer_patterns())
def test_recognizer_patterns_run_in_re_without_nested_unbounded_repeats(
    owner: str, pattern: str, flags: int
) -> None:
    re.compile(pattern, flags)  # raises where only ``regex`` understands it
    assert not nested_unbounded_repeat(pattern, flags), owner


# Patterns whose passes the check above cannot prove delimited, and why each is still safe.
REVIEWED = {
    # Searched only in the 60 characters before a health term; every pass is a fixed modifier word
    # after a non-alphanumeric character, then spaces.
    "detectors.recognizers.health_data._EN_MODIFIERS_BEFORE",
}
# Not enough either: an unbounded repeat that a search gives up on is tried again from every position,
# which is quadratic (location's "Flat A, 10/F, " prefix once was); test_linear_time.py measures that.


@pytest.mark.parametrize(("owner", "compiled"), _module_patterns())
def test_module_patterns_have_no_nested_unbounded_repeats(owner: str, compiled: re.Pattern[str]) -> None:
    assert nested_unbounded_repeat(compiled.pattern, compiled.flags) is (owner in REVIEWED), owner


def test_a_pattern_only_regex_understands_runs_there_with_a_timeout() -> None:
    r"""``\p{Han}`` is ``regex`` syntax: it would run through ``regex``, with Presidio's timeout."""
    assert _compile_re(r"\p{Han}{2}", 0) is None
    recognizer = CnPassportRecognizer()
    flags = 0
    recognizer._compiled[flags] = (None, [_Compiled("han", None, regex.compile(r"\p{Han}{2}"), 0.5, None)])
    found = recognizer.match_patterns("id 陈大 ok", flags)
    assert [(r.start, r.end, r.score) for r in found] == [(3, 5, 0.5)]
