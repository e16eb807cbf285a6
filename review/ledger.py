"""The transfer ledger: the audit topic's decision events counted per flow, day, decision, destination and
category, in the review store's database (SQLite or PostgreSQL).

Exactly once: every audit event is keyed by where it was read — (topic, partition, offset) — and the key is
inserted into ``ledger_seen`` in the same database transaction as the counts it adds, with
``ON CONFLICT DO NOTHING``; an event already seen adds nothing. Re-reading the topic from its start, a crash
between the database commit and the consumer's offset commit, or two readers at once never double count.

What a decision event adds (``entries``, pure):

- one ``ledger`` row per dimension, each an upsert adding 1 to ``records``: ``all`` (the record itself),
  ``category`` (each personal-information category its entities belong to, once: a built-in entity's, or
  the category the policy's tuning gives an entity it adds), ``reason`` (each reason code, for quarantines
  above all);
- the distinct keyed subject digests (``subjects``) of its identifiers into ``ledger_subjects``, so that the
  number of distinct data subjects of any period can be counted (an estimate: a person known by two
  identifiers counts twice, one known by none not at all).

The day is the record's own timestamp (UTC), else the audit event's. Checkpoints and review events are
marked seen and add no counts.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from detectors.entities import ENTITY_CATEGORY, Category
from review.db import Database

log = logging.getLogger("customs.review.ledger")

NO_FLOW = ""  # the flow column of a record that matched no flow
ALL = "all"
CATEGORY = "category"
REASON = "reason"

_UPSERT = (
    "INSERT INTO ledger (flow, day, decision, destination, dimension, value, records)"
    " VALUES (?, ?, ?, ?, ?, ?, 1) ON CONFLICT (flow, day, decision, destination, dimension, value)"
    " DO UPDATE SET records = ledger.records + 1"
)


@dataclass(frozen=True, slots=True)
class Entry:
    """What one decision event adds to the ledger."""

    flow: str
    day: str  # YYYY-MM-DD, UTC
    decision: str
    destination: str
    categories: tuple[str, ...]
    reasons: tuple[str, ...]
    subjects: tuple[str, ...]

    def rows(self) -> list[tuple[str, str]]:
        """(dimension, value) of each ``ledger`` row it adds one to."""
        return [
            (ALL, ""),
            *((CATEGORY, c) for c in self.categories),
            *((REASON, r) for r in self.reasons),
        ]


def day_of(ms: object) -> str | None:
    if isinstance(ms, int | float) and not isinstance(ms, bool) and ms > 0:
        return datetime.fromtimestamp(ms / 1000, UTC).date().isoformat()
    return None


def _texts(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(sorted({item for item in value if isinstance(item, str) and item}))


def entry(
    event: Mapping[str, Any], read_at_ms: int | None = None, added: Mapping[str, Category] | None = None
) -> Entry | None:
    """The ledger entry of a decision event; None for any other event (checkpoints, review actions).
    ``added``: the categories of the entities the policy's tuning adds (``Tuning.new_entities``); an
    entity known to neither counts in no category."""
    if event.get("type") != "decision" or not isinstance(event.get("decision"), str):
        return None
    known = {**(added or {}), **ENTITY_CATEGORY}
    day = day_of(event.get("timestamp_ms")) or day_of(read_at_ms)
    if day is None:
        return None
    entities = event.get("entities")
    categories = sorted(
        {known[e].value for e in entities if e in known} if isinstance(entities, dict) else set()
    )
    return Entry(
        flow=str(event.get("flow") or NO_FLOW),
        day=day,
        decision=str(event["decision"]),
        destination=str(event.get("destination") or ""),
        categories=tuple(categories),
        reasons=_texts(event.get("reasons")),
        subjects=_texts(event.get("subjects")),
    )


def parse(value: bytes | None) -> dict[str, Any]:
    try:
        event = json.loads(value or b"")
    except ValueError:
        return {}
    return event if isinstance(event, dict) else {}


@dataclass(frozen=True, slots=True)
class Count:
    flow: str
    decision: str
    destination: str
    dimension: str
    value: str
    records: int


class Ledger:
    """``added``: the categories of the entities the policy in force adds (none by default)."""

    def __init__(self, db: Database, added: Callable[[], Mapping[str, Category]] = dict) -> None:
        self.db = db
        self.added = added

    def add(
        self, topic: str, partition: int, offset: int, event: Mapping[str, Any], read_at_ms: int | None = None
    ) -> bool:
        """Count the audit event read at (topic, partition, offset) once: True if it was new."""
        found = entry(event, read_at_ms, self.added())
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO ledger_seen (topic, partition, position) VALUES (?, ?, ?)"
                " ON CONFLICT (topic, partition, position) DO NOTHING",
                (topic, partition, offset),
            )
            if cursor.rowcount != 1:
                return False
            if found is None:
                return True
            for dimension, value in found.rows():
                conn.execute(
                    _UPSERT, (found.flow, found.day, found.decision, found.destination, dimension, value)
                )
            for digest in found.subjects:
                conn.execute(
                    "INSERT INTO ledger_subjects (flow, day, decision, digest) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (flow, day, decision, digest) DO NOTHING",
                    (found.flow, found.day, found.decision, digest),
                )
        return True

    def add_raw(
        self, topic: str, partition: int, offset: int, value: bytes | None, read_at_ms: int | None = None
    ) -> bool:
        return self.add(topic, partition, offset, parse(value), read_at_ms)

    def next_offsets(self, topic: str) -> dict[int, int]:
        """Per partition of ``topic``, the offset after the last event counted (where to read on)."""
        rows = self.db.all(
            "SELECT partition, MAX(position) AS last FROM ledger_seen WHERE topic = ? GROUP BY partition",
            (topic,),
        )
        return {int(row["partition"]): int(row["last"]) + 1 for row in rows}

    def counts(self, start: date, end: date, flow: str | None = None) -> list[Count]:
        """Summed counts of the days ``start`` to ``end`` (both included), optionally of one flow."""
        sql = (
            "SELECT flow, decision, destination, dimension, value, SUM(records) AS n FROM ledger"
            " WHERE day >= ? AND day <= ?"
        )
        params: list[Any] = [start.isoformat(), end.isoformat()]
        if flow is not None:
            sql += " AND flow = ?"
            params.append(flow)
        sql += (
            " GROUP BY flow, decision, destination, dimension, value"
            " ORDER BY flow, decision, dimension, value"
        )
        return [
            Count(r["flow"], r["decision"], r["destination"], r["dimension"], r["value"], int(r["n"]))
            for r in self.db.all(sql, params)
        ]

    def distinct_subjects(
        self, start: date, end: date, decisions: Iterable[str], flow: str | None = None
    ) -> dict[str, int]:
        """Per flow, the distinct subject digests of records with one of ``decisions`` in the period."""
        wanted = list(decisions)
        marks = ", ".join("?" for _ in wanted)
        sql = (
            "SELECT flow, COUNT(DISTINCT digest) AS n FROM ledger_subjects"
            f" WHERE day >= ? AND day <= ? AND decision IN ({marks})"
        )
        params: list[Any] = [start.isoformat(), end.isoformat(), *wanted]
        if flow is not None:
            sql += " AND flow = ?"
            params.append(flow)
        sql += " GROUP BY flow"
        return {r["flow"]: int(r["n"]) for r in self.db.all(sql, params)}

    def events_counted(self) -> int:
        return int(self.db.scalar("SELECT COUNT(*) FROM ledger_seen"))
