"""Decode a held record and find its personal information again, as the gateway does: the same classifier,
the writer schema's field tags, and the policy's tuning (custom recognizers and their entities' categories,
context words, allow and deny lists), read from the policy in force at each analysis.

A value that cannot be decoded still gets a safe preview: its first bytes as text (invalid bytes shown as
U+FFFD), with their hex when they are mostly binary, and detection runs over that text — so a reviewer
sees what personal information the readable parts hold, and the record stays marked "not inspected".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from customs.codec import Codec, Decoded, DecodeError
from customs.inspection import Inspector, policy_findings
from detectors.classify import Classifier
from detectors.entities import SENSITIVE_CATEGORIES, Category, category_of
from detectors.finding import Finding
from detectors.walker import JsonValue
from rules.minor import is_childs, is_minor, stated_child
from rules.tuning import Tuning


@dataclass(frozen=True, slots=True)
class Analysis:
    decoded: Decoded | None  # None when the value cannot be decoded
    findings: tuple[Finding, ...]
    categories: frozenset[Category]
    minors: frozenset[Finding]  # a child's: resident ids and birth dates under 14, all if an age says so
    error: str | None = None
    preview: Preview | None = None  # for a value that cannot be decoded: what detection ran over
    # The category of each finding's entity, an entity the policy's tuning adds included.
    entity_categories: Mapping[str, Category] = field(default_factory=dict)

    def category_of(self, entity: str) -> Category:
        """The category of a finding's entity: as the policy that found it says, else the built-in one."""
        known = self.entity_categories.get(entity)
        return known if known is not None else category_of(entity)

    @property
    def format(self) -> str:
        return self.decoded.format if self.decoded else "undecodable"

    @property
    def inspected(self) -> bool:
        """Whether the record was read as what it is (decoded), not only previewed as bytes."""
        return self.decoded is not None

    @property
    def record(self) -> JsonValue | None:
        """What the findings' paths point into: the decoded record, or the preview's text."""
        if self.decoded is not None:
            return self.decoded.record
        return self.preview.record if self.preview is not None else None

    @property
    def sensitive(self) -> bool:
        return bool(self.categories & SENSITIVE_CATEGORIES)

    @property
    def entities(self) -> tuple[str, ...]:
        return tuple(sorted({f.entity for f in self.findings}))


PREVIEW_BYTES = 16_384  # an undecodable value is previewed (and scanned) up to here
BINARY_SHARE = 0.1  # more undecodable or control bytes than this: the hex is shown with the text
_TEXT_CONTROLS = frozenset("\n\r\t")


@dataclass(frozen=True, slots=True)
class Preview:
    """The readable side of an undecodable value: its first bytes as text, and as hex when mostly binary."""

    text: str
    hex_lines: tuple[str, ...]  # empty when the bytes are mostly text
    size: int  # the value's length in bytes
    truncated: bool

    @property
    def record(self) -> JsonValue:
        return {"bytes_as_text": self.text}


def preview_of(value: bytes | None) -> Preview:
    """A safe preview of bytes that would not decode: nothing is interpreted, only shown (the page escapes
    control and format characters) and scanned."""
    raw = value or b""
    head = raw[:PREVIEW_BYTES]
    text = head.decode("utf-8", "replace")
    odd = sum(1 for c in text if c == "\ufffd" or (c < " " and c not in _TEXT_CONTROLS))
    binary = bool(text) and odd / len(text) > BINARY_SHARE
    hex_lines = tuple(head[i : i + 16].hex(" ") for i in range(0, len(head), 16)) if binary else ()
    return Preview(text, hex_lines, len(raw), len(raw) > PREVIEW_BYTES)


def record_date(timestamp_ms: int | None) -> date:
    if timestamp_ms is None or timestamp_ms <= 0:
        return datetime.now(UTC).date()
    return datetime.fromtimestamp(timestamp_ms / 1000, UTC).date()


_Scan = tuple[tuple[Finding, ...], frozenset[Category], frozenset[Finding], dict[str, Category]]


class Analyst:
    """``tuning``: the tuning of the policy in force, read at each analysis (none by default)."""

    def __init__(self, codec: Codec, classifier: Classifier, tuning: Callable[[], Tuning] = Tuning) -> None:
        self.codec = codec
        self.classifier = classifier
        self.tuning = tuning

    @classmethod
    def of(cls, inspector: Inspector) -> Analyst:
        """An analyst that sees records as ``inspector`` does, under its policy (hot-reloaded with it)."""
        return cls(inspector.codec, inspector.classifier, lambda: inspector.policy().tuning)

    def analyse(self, value: bytes | None, on: date) -> Analysis:
        try:
            decoded = self.codec.decode(value)
        except DecodeError as exc:
            preview = preview_of(value)
            findings, categories, minors, entities = self._scan(preview.record, on)
            return Analysis(None, findings, categories, minors, exc.detail, preview, entities)
        findings, categories, minors, entities = self._scan(decoded.record, on, decoded)
        return Analysis(decoded, findings, categories, minors, entity_categories=entities)

    def _scan(self, record: JsonValue, on: date, decoded: Decoded | None = None) -> _Scan:
        tuning = self.tuning()
        fields = decoded.fields if decoded is not None else None
        hints = decoded.hints if decoded is not None else None
        found = self.classifier.classify(record, fields)
        findings = tuple(policy_findings(found, record, tuning, fields, hints))
        entities = {f.entity: tuning.category_of(f.entity) for f in findings}
        if findings and stated_child(record):  # an age under 14: every personal finding is a child's
            minors = frozenset(f for f in findings if is_childs({entities[f.entity]}))
        else:
            minors = frozenset(f for f in findings if is_minor(record, f, on))
        categories = frozenset(entities.values())
        if minors:
            categories |= {Category.MINOR}
        return findings, categories, minors, entities
