"""A held record laid out for its page: pretty JSON lines with every finding highlighted in place.

Finding values are masked unless the page was asked to reveal them (a permission, and audited).
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from detectors.entities import SENSITIVE_CATEGORIES, Category
from detectors.finding import Finding
from detectors.walker import JsonValue, join_path, text_at
from review.analysis import Analysis

MASK_CHAR = "•"
INDENT = "  "


@dataclass(frozen=True, slots=True)
class Part:
    text: str
    kind: str = "plain"  # plain, key, punct, hit
    entity: str | None = None
    category: str | None = None
    sensitive: bool = False
    score: float | None = None


@dataclass(frozen=True, slots=True)
class Line:
    indent: int
    parts: tuple[Part, ...]


@dataclass(frozen=True, slots=True)
class FindingRow:
    path: str
    entity: str
    category: str
    sensitive: bool
    start: int
    end: int
    score: float


# Shown as \uXXXX, never as themselves: controls, format characters (bidi overrides, zero-width) and
# unassigned or private code points, which could make a line on the page read otherwise than it is.
_HIDDEN = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})


def _escaped(text: str) -> str:
    shown = json.dumps(text, ensure_ascii=False)[1:-1]
    if not any(unicodedata.category(c) in _HIDDEN for c in shown):
        return shown
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in _HIDDEN else c for c in shown)


def _categories(finding: Finding, analysis: Analysis) -> tuple[str, bool]:
    category = analysis.category_of(finding.entity)  # an entity the policy's tuning adds has its category
    if finding in analysis.minors:
        return f"{category.value}, {Category.MINOR.value}", True
    return category.value, category in SENSITIVE_CATEGORIES


def _string_parts(text: str, findings: Sequence[Finding], analysis: Analysis, reveal: bool) -> Iterator[Part]:
    yield Part('"', "punct")
    at = 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.end <= at:
            continue
        start = max(finding.start, at)  # an overlapping finding: its part not yet shown is masked too
        if start > at:
            yield Part(_escaped(text[at:start]))
        value = text[start : finding.end]
        shown = _escaped(value) if reveal else MASK_CHAR * min(len(value), 10)
        category, sensitive = _categories(finding, analysis)
        yield Part(shown, "hit", finding.entity, category, sensitive, round(finding.score, 2))
        at = finding.end
    if at < len(text):
        yield Part(_escaped(text[at:]))
    yield Part('"', "punct")


def _lines(
    value: JsonValue,
    path: str,
    depth: int,
    lead: tuple[Part, ...],
    tail: str,
    by_path: dict[str, list[Finding]],
    analysis: Analysis,
    reveal: bool,
) -> Iterator[Line]:
    closing = (Part(tail, "punct"),) if tail else ()
    if isinstance(value, dict) and value:
        yield Line(depth, (*lead, Part("{", "punct")))
        items = list(value.items())
        for index, (key, child) in enumerate(items):
            key_part = Part(json.dumps(str(key), ensure_ascii=False), "key")
            child_path = join_path(path, key)  # the classifier's paths: dots and backslashes escaped
            comma = "," if index < len(items) - 1 else ""
            yield from _lines(
                child,
                child_path,
                depth + 1,
                (key_part, Part(": ", "punct")),
                comma,
                by_path,
                analysis,
                reveal,
            )
        yield Line(depth, (Part("}", "punct"), *closing))
    elif isinstance(value, list) and value:
        yield Line(depth, (*lead, Part("[", "punct")))
        for index, child in enumerate(value):
            comma = "," if index < len(value) - 1 else ""
            child_path = join_path(path, index)
            yield from _lines(child, child_path, depth + 1, (), comma, by_path, analysis, reveal)
        yield Line(depth, (Part("]", "punct"), *closing))
    elif isinstance(value, str):
        parts = tuple(_string_parts(value, by_path.get(path, []), analysis, reveal))
        yield Line(depth, (*lead, *parts, *closing))
    else:
        yield Line(depth, (*lead, Part(json.dumps(value, ensure_ascii=False)), *closing))


def record_lines(analysis: Analysis, reveal: bool) -> list[Line]:
    """The decoded record as lines of parts; for an undecodable record, its preview's text."""
    record = analysis.record
    if record is None:
        return []
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in analysis.findings:
        by_path[finding.path].append(finding)
    return list(_lines(record, "", 0, (), "", by_path, analysis, reveal))


def finding_rows(analysis: Analysis) -> list[FindingRow]:
    rows = []
    for finding in analysis.findings:
        category, sensitive = _categories(finding, analysis)
        rows.append(
            FindingRow(
                finding.path,
                finding.entity,
                category,
                sensitive,
                finding.start,
                finding.end,
                round(finding.score, 2),
            )
        )
    return rows


def revealed_values(analysis: Analysis) -> list[dict[str, object]]:
    """The findings with their values (the API's reveal)."""
    record = analysis.record
    if record is None:
        return []
    values = []
    for finding in analysis.findings:
        text = text_at(record, finding.path) or ""
        values.append({**finding.to_json(), "value": text[finding.start : finding.end]})
    return values
