"""Decode a held record and find its personal information again, with the same classifier as the gateway."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from detectors.classify import Classifier
from detectors.entities import SENSITIVE_CATEGORIES, Category, category_of
from detectors.finding import Finding
from rules.minor import is_minor_id
from streams.codec import Codec, Decoded, DecodeError


@dataclass(frozen=True, slots=True)
class Analysis:
    decoded: Decoded | None  # None when the value cannot be decoded
    findings: tuple[Finding, ...]
    categories: frozenset[Category]
    minors: frozenset[Finding]  # resident ids of children under 14
    error: str | None = None

    @property
    def format(self) -> str:
        return self.decoded.format if self.decoded else "undecodable"

    @property
    def sensitive(self) -> bool:
        return bool(self.categories & SENSITIVE_CATEGORIES)

    @property
    def entities(self) -> tuple[str, ...]:
        return tuple(sorted({f.entity for f in self.findings}))


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
            return Analysis(None, (), frozenset(), frozenset(), exc.detail)
        findings = tuple(self.classifier.classify(decoded.record))
        minors = frozenset(f for f in findings if is_minor_id(decoded.record, f, on))
        categories = frozenset(category_of(f.entity) for f in findings)
        if minors:
            categories |= {Category.MINOR}
        return Analysis(decoded, findings, categories, minors)
