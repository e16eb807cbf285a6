"""The audit trail as a reviewer pages through it: filtered by who, what, record and UTC day, newest first."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from review.models import AuditEntry

PAGE_SIZE = 100


def iso(epoch: float | None) -> str:
    """An audit time as ISO 8601 in UTC, to the second: ``2026-05-28T20:26:40Z``."""
    if epoch is None:
        return ""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _midnight(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()


@dataclass(frozen=True, slots=True)
class TrailFilter:
    actor: str | None = None
    action: str | None = None
    record: str | None = None  # a held record's id, or part of it
    start: str | None = None  # a UTC day, YYYY-MM-DD, included
    end: str | None = None  # a UTC day, included
    page: int = 1

    @classmethod
    def of(
        cls,
        actor: str | None = None,
        action: str | None = None,
        record: str | None = None,
        start: str | None = None,
        end: str | None = None,
        page: int = 1,
    ) -> TrailFilter:
        first, last = _day(start), _day(end)
        return cls(
            (actor or "").strip() or None,
            (action or "").strip() or None,
            (record or "").strip() or None,
            first.isoformat() if first else None,
            last.isoformat() if last else None,
            max(page, 1),
        )

    @property
    def since(self) -> float | None:
        first = _day(self.start)
        return _midnight(first) if first else None

    @property
    def until(self) -> float | None:
        last = _day(self.end)
        return _midnight(last + timedelta(days=1)) - 0.000_001 if last else None

    def matches(self, entry: AuditEntry) -> bool:
        since, until = self.since, self.until
        return (
            (since is None or entry.at >= since)
            and (until is None or entry.at <= until)
            and (self.actor is None or entry.actor == self.actor)
            and (self.action is None or entry.action == self.action)
            and (self.record is None or self.record.lower() in (entry.held_id or "").lower())
        )


@dataclass(frozen=True, slots=True)
class TrailPage:
    entries: list[AuditEntry]
    total: int
    page: int
    pages: int
    actions: list[str]  # every action in the period, for the filter's choices
    selection: TrailFilter = field(default_factory=TrailFilter)

    @property
    def actor(self) -> str | None:
        return self.selection.actor

    @property
    def action(self) -> str | None:
        return self.selection.action

    @property
    def record(self) -> str | None:
        return self.selection.record

    @property
    def start(self) -> str | None:
        return self.selection.start

    @property
    def end(self) -> str | None:
        return self.selection.end

    def query(self, page: int) -> dict[str, str]:
        values = {
            "actor": self.actor,
            "action": self.action,
            "record": self.record,
            "start": self.start,
            "end": self.end,
            "page": str(page),
        }
        return {k: v for k, v in values.items() if v}


def page_of(entries: Iterable[AuditEntry], selection: TrailFilter, size: int = PAGE_SIZE) -> TrailPage:
    """One page of the entries (newest first) that match ``selection``."""
    every = list(entries)
    matching = [e for e in every if selection.matches(e)]
    pages = max(1, math.ceil(len(matching) / size))
    page = min(selection.page, pages)
    shown = matching[(page - 1) * size : page * size]
    return TrailPage(shown, len(matching), page, pages, sorted({e.action for e in every}), selection)
