"""Decode a held record and find its personal information again, with the same classifier as the gateway.

A value that cannot be decoded still gets a safe preview: its first bytes as text (invalid bytes shown as
U+FFFD), with their hex when they are mostly binary, and detection runs over that text — so a reviewer
sees what personal information the readable parts hold, and the record stays marked "not inspected".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from customs.codec import Codec, Decoded, DecodeError
from detectors.classify import Classifier
from detectors.entities import SENSITIVE_CATEGORIES, Category, category_of
from detectors.finding import Finding
from detectors.walker import JsonValue
from rules.minor import is_minor_id


@dataclass(frozen=True, slots=True)
class Analysis:
    decoded: Decoded | None  # None when the value cannot be decoded
    findings: tuple[Finding, ...]
    categories: frozenset[Category]
    minors: frozenset[Finding]  # resident ids of children under 14
    error: str | None = None
    preview: Preview | None = None  # for a value that cannot be decoded: what detection ran over

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


class Analyst:
    def __init__(self, codec: Codec, classifier: Classifier) -> None:
        self.codec = codec
        self.classifier = classifier

    def analyse(self, value: bytes | None, on: date) -> Analysis:
        try:
            decoded = self.codec.decode(value)
        except DecodeError as exc:
            preview = preview_of(value)
            findings, categories, minors = self._scan(preview.record, on)
            return Analysis(None, findings, categories, minors, exc.detail, preview)
        findings, categories, minors = self._scan(decoded.record, on)
        return Analysis(decoded, findings, categories, minors)

    def _scan(
        self, record: JsonValue, on: date
    ) -> tuple[tuple[Finding, ...], frozenset[Category], frozenset[Finding]]:
        findings = tuple(self.classifier.classify(record))
        minors = frozenset(f for f in findings if is_minor_id(record, f, on))
        categories = frozenset(category_of(f.entity) for f in findings)
        if minors:
            categories |= {Category.MINOR}
        return findings, categories, minors
