"""Held records, release requests and the audit trail in the review database."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from customs.audit.chain import GENESIS, Head, link
from customs.audit.verify import Break, Located, Report, verify
from review.db import Database, Row
from review.models import (
    AGES,
    OPEN_STATUSES,
    AuditEntry,
    HeldFacts,
    HeldRecord,
    QueueFilter,
    Release,
    ReleaseMode,
    ReleaseState,
    Status,
)

Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class NewHeld(HeldFacts):
    """A quarantined record as the ingest stores it: its facts, where it sits in the quarantine topic,
    and its key, value and headers encrypted by the vault."""

    quarantine_partition: int
    quarantine_offset: int
    key_enc: bytes | None
    value_enc: bytes
    headers_enc: bytes


FACTS = tuple(f.name for f in fields(HeldFacts))
_TAGGED = frozenset({"reasons", "rules", "entities", "categories"})  # stored as ``,a,b,``
_HELD_COLUMNS = (
    "id",
    *FACTS,
    "quarantine_partition",
    "quarantine_offset",
    "received_at",
    "key_enc",
    "value_enc",
    "headers_enc",
    "status",
    "status_at",
)
_INSERT_HELD = (
    f"INSERT INTO held ({', '.join(_HELD_COLUMNS)}) VALUES ({', '.join('?' for _ in _HELD_COLUMNS)})"
    " ON CONFLICT (origin_topic, origin_partition, origin_offset) DO NOTHING"
)


def _fact_column(name: str, value: Any) -> Any:
    if name in _TAGGED:
        return _tags(value)
    return int(value) if name == "sensitive" else value


def _fact_value(name: str, column: Any) -> Any:
    if name in _TAGGED:
        return _untag(column)
    return bool(column) if name == "sensitive" else column


@dataclass(frozen=True, slots=True)
class Sealed:
    key_enc: bytes | None
    value_enc: bytes
    headers_enc: bytes


def _tags(values: Sequence[str]) -> str:
    """``,a,b,`` so that one value matches with LIKE '%,a,%'."""
    return "," + ",".join(values) + "," if values else ""


def _holding_tag(value: str) -> str:
    """A LIKE pattern (escape character ``!``) for a ``_tags`` column that holds ``value``."""
    escaped = value.replace("!", "!!").replace("%", "!%").replace("_", "!_")
    return f"%,{escaped},%"


def _untag(text: str) -> tuple[str, ...]:
    return tuple(part for part in text.split(",") if part)


def _held(row: Row) -> HeldRecord:
    return HeldRecord(
        id=row["id"],
        status=Status(row["status"]),
        status_at=row["status_at"],
        **{name: _fact_value(name, row[name]) for name in FACTS},
    )


def _release(row: Row) -> Release:
    return Release(
        id=row["id"],
        held_id=row["held_id"],
        mode=ReleaseMode(row["mode"]),
        operator=row["operator"],
        target=row["target"],
        topic=row["topic"],
        partition=row["partition"],
        scan_from=row["scan_from"],
        state=ReleaseState(row["state"]),
        four_eyes=bool(row["four_eyes"]),
        requested_by=row["requested_by"],
        requested_at=row["requested_at"],
        approved_by=row["approved_by"],
        approved_at=row["approved_at"],
        released_at=row["released_at"],
        released_offset=row["released_offset"],
        owner=row["owner"],
    )


def _audit(row: Row) -> AuditEntry:
    return AuditEntry(
        seq=row["seq"],
        at=row["at"],
        actor=row["actor"],
        action=row["action"],
        held_id=row["held_id"],
        release_id=row["release_id"],
        reason=row["reason"],
        detail=json.loads(row["detail"]),
    )


REVIEW_CHAIN = "review"


def chained_row(row: Row) -> dict[str, Any]:
    """An audit row as the event its hash covers (``customs.audit.chain``): what an export shows."""
    return {
        "type": "review",
        "at": row["at"],
        "actor": row["actor"],
        "action": row["action"],
        "record": row["held_id"],
        "release": row["release_id"],
        "reason": row["reason"],
        "detail": json.loads(row["detail"]),
        "chain": REVIEW_CHAIN,
        "seq": row["chain_seq"],
        "prev": row["prev"],
        "hash": row["hash"],
    }


class Store:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    # -- held records ------------------------------------------------------------------------------

    def add_held(self, new: NewHeld) -> str | None:
        """Store a quarantined record once: the id of a new row, or None if its origin is already held."""
        held_id = secrets.token_urlsafe(12)
        now = self.clock()
        with self.db.transaction() as conn:
            values = (
                held_id,
                *(_fact_column(name, getattr(new, name)) for name in FACTS),
                new.quarantine_partition,
                new.quarantine_offset,
                now,
                new.key_enc,
                new.value_enc,
                new.headers_enc,
                Status.HELD.value,
                now,
            )
            cursor = conn.execute(_INSERT_HELD, values)
            return held_id if cursor.rowcount == 1 else None

    def held(self, held_id: str) -> HeldRecord | None:
        row = self.db.one("SELECT * FROM held WHERE id = ?", (held_id,))
        return _held(row) if row else None

    def sealed(self, held_id: str) -> Sealed | None:
        row = self.db.one("SELECT key_enc, value_enc, headers_enc FROM held WHERE id = ?", (held_id,))
        return Sealed(row["key_enc"], row["value_enc"], row["headers_enc"]) if row else None

    def set_status(self, held_id: str, status: Status, expected: Sequence[Status]) -> bool:
        """Move a record to ``status`` if it is in one of ``expected``; False if it was not."""
        marks = ",".join("?" for _ in expected)
        with self.db.transaction() as conn:
            cursor = conn.execute(
                f"UPDATE held SET status = ?, status_at = ? WHERE id = ? AND status IN ({marks})",
                (status.value, self.clock(), held_id, *(s.value for s in expected)),
            )
            return cursor.rowcount == 1

    def _where(self, selection: QueueFilter) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if selection.status == "open":
            clauses.append("status IN (?, ?)")
            params.extend(s.value for s in OPEN_STATUSES)
        elif selection.status != "all":
            clauses.append("status = ?")
            params.append(selection.status)
        # Codes are matched exactly and the same on both back ends: reasons are lower case, entities
        # upper case (PostgreSQL's LIKE minds case, SQLite's does not), and "_" is no wildcard.
        if selection.reason:
            clauses.append("reasons LIKE ? ESCAPE '!'")
            params.append(_holding_tag(selection.reason.lower()))
        if selection.entity:
            clauses.append("entities LIKE ? ESCAPE '!'")
            params.append(_holding_tag(selection.entity.upper()))
        if selection.source:
            clauses.append("source = ?")
            params.append(selection.source)
        if selection.record_ref:  # the business record id, or part of it, in any case
            escaped = selection.record_ref.lower().replace("!", "!!").replace("%", "!%").replace("_", "!_")
            clauses.append("LOWER(record_ref) LIKE ? ESCAPE '!'")
            params.append(f"%{escaped}%")
        if selection.age in AGES:
            clauses.append("held_at >= ?")
            params.append(self.clock() - AGES[selection.age])
        elif selection.age == "older":
            clauses.append("held_at < ?")
            params.append(self.clock() - AGES["7d"])
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params

    def count(self, selection: QueueFilter) -> int:
        where, params = self._where(selection)
        return int(self.db.scalar(f"SELECT COUNT(*) FROM held{where}", params))

    def page(self, selection: QueueFilter, size: int) -> list[HeldRecord]:
        where, params = self._where(selection)
        offset = (max(selection.page, 1) - 1) * size
        rows = self.db.all(
            f"SELECT * FROM held{where} ORDER BY held_at DESC, id LIMIT ? OFFSET ?", [*params, size, offset]
        )
        return [_held(row) for row in rows]

    def ids(self, selection: QueueFilter, limit: int) -> list[str]:
        where, params = self._where(selection)
        rows = self.db.all(f"SELECT id FROM held{where} ORDER BY held_at, id LIMIT ?", [*params, limit])
        return [row["id"] for row in rows]

    def counts_by_status(self) -> dict[str, int]:
        rows = self.db.all("SELECT status, COUNT(*) AS n FROM held GROUP BY status")
        counts = {status.value: 0 for status in Status}
        counts.update({row["status"]: row["n"] for row in rows})
        return counts

    def counts_by_reason(self, selection: QueueFilter) -> dict[str, int]:
        where, params = self._where(QueueFilter(status=selection.status))
        counts: dict[str, int] = {}
        for row in self.db.all(f"SELECT reasons FROM held{where}", params):
            for reason in _untag(row["reasons"]):
                counts[reason] = counts.get(reason, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: -item[1]))

    def sources(self) -> list[str]:
        rows = self.db.all("SELECT DISTINCT source FROM held WHERE source IS NOT NULL ORDER BY source")
        return [row["source"] for row in rows]

    # -- releases --------------------------------------------------------------------------------

    def add_release(self, release: Release) -> None:
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO releases (id, held_id, mode, operator, target, topic, partition, scan_from,"
                " state, four_eyes, requested_by, requested_at, approved_by, approved_at, released_at,"
                " released_offset, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    release.id,
                    release.held_id,
                    release.mode.value,
                    release.operator,
                    release.target,
                    release.topic,
                    release.partition,
                    release.scan_from,
                    release.state.value,
                    int(release.four_eyes),
                    release.requested_by,
                    release.requested_at,
                    release.approved_by,
                    release.approved_at,
                    release.released_at,
                    release.released_offset,
                    release.owner,
                ),
            )

    def release(self, release_id: str) -> Release | None:
        row = self.db.one("SELECT * FROM releases WHERE id = ?", (release_id,))
        return _release(row) if row else None

    def releases_of(self, held_id: str) -> list[Release]:
        rows = self.db.all("SELECT * FROM releases WHERE held_id = ? ORDER BY requested_at", (held_id,))
        return [_release(row) for row in rows]

    def releases_in(self, state: ReleaseState, owner: str | None = None) -> list[Release]:
        """Releases in ``state``, oldest first; only ``owner``'s if given."""
        if owner is None:
            rows = self.db.all("SELECT * FROM releases WHERE state = ? ORDER BY requested_at", (state.value,))
        else:
            rows = self.db.all(
                "SELECT * FROM releases WHERE state = ? AND owner = ? ORDER BY requested_at",
                (state.value, owner),
            )
        return [_release(row) for row in rows]

    def update_release(self, release_id: str, expected: ReleaseState, **values: Any) -> bool:
        """Set columns of a release if it is still in ``expected``; False if it was not."""
        columns = ", ".join(f"{name} = ?" for name in values)
        with self.db.transaction() as conn:
            cursor = conn.execute(
                f"UPDATE releases SET {columns} WHERE id = ? AND state = ?",
                [
                    *(v.value if isinstance(v, ReleaseState) else v for v in values.values()),
                    release_id,
                    expected.value,
                ],
            )
            return cursor.rowcount == 1

    # -- audit trail -----------------------------------------------------------------------------

    def audit(
        self,
        actor: str,
        action: str,
        held_id: str | None = None,
        release_id: str | None = None,
        reason: str | None = None,
        **detail: object,
    ) -> None:
        """Record who did what, when, to which record, and why. Never a held value.

        The rows form one hash chain (``chained_row``): the head (next seq, last hash) is one row of
        ``audit_head``, locked by an UPDATE before it is read, so concurrent writers (threads or review
        processes sharing the store) chain one after another; a rolled-back action leaves no link."""
        at = self.clock()
        text = json.dumps(detail, sort_keys=True)
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO audit_head (id, next_seq, hash) VALUES (1, 0, ?) ON CONFLICT (id) DO NOTHING",
                (GENESIS,),
            )
            conn.execute("UPDATE audit_head SET next_seq = next_seq WHERE id = 1")  # the lock
            next_seq, last = conn.execute("SELECT next_seq, hash FROM audit_head WHERE id = 1").fetchall()[0]
            event = {
                "type": "review",
                "at": at,
                "actor": actor,
                "action": action,
                "record": held_id,
                "release": release_id,
                "reason": reason,
                "detail": json.loads(text),
            }
            chained, head = link(Head(REVIEW_CHAIN, int(next_seq), str(last)), event)
            conn.execute(
                "INSERT INTO audit (at, actor, action, held_id, release_id, reason, detail, chain_seq, prev,"
                " hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    at,
                    actor,
                    action,
                    held_id,
                    release_id,
                    reason,
                    text,
                    chained["seq"],
                    chained["prev"],
                    head.hash,
                ),
            )
            conn.execute(
                "UPDATE audit_head SET next_seq = ?, hash = ? WHERE id = 1", (head.next_seq, head.hash)
            )

    def verify_audit(self) -> Report:
        """Check the audit rows' hash chain in seq order (rows older than the chain are skipped)."""
        started = False
        rows: list[Located] = []
        for row in self.db.all("SELECT * FROM audit ORDER BY seq"):
            started = started or row["hash"] is not None
            if started:
                rows.append(Located(f"audit row {row['seq']}", chained_row(row)))
        report = verify(rows, None)
        head = self.db.one("SELECT next_seq, hash FROM audit_head WHERE id = 1")
        if report.ok and head is not None:  # the last rows dropped, or the first: the head knows
            last: Mapping[str, Any] = rows[-1].event if rows else {"seq": -1, "hash": GENESIS}
            if (last["seq"], last["hash"]) != (head["next_seq"] - 1, head["hash"]):
                where = rows[-1].where if rows else "audit"
                problem = "rows missing: the chain's head is seq {} but the last row is seq {}"
                detail = problem.format(head["next_seq"] - 1, last["seq"])
                report.first_break = Break(where, REVIEW_CHAIN, int(last["seq"]), "gap", detail)
            elif report.partial:
                report.first_break = Break(
                    rows[0].where, REVIEW_CHAIN, 0, "gap", "the first rows are missing"
                )
        return report

    def chained_audit(self) -> list[dict[str, Any]]:
        """Every chained audit row as its event, in order (for an export a recipient can verify)."""
        rows = self.db.all("SELECT * FROM audit WHERE hash IS NOT NULL ORDER BY seq")
        return [chained_row(row) for row in rows]

    def history(self, held_id: str) -> list[AuditEntry]:
        rows = self.db.all("SELECT * FROM audit WHERE held_id = ? ORDER BY seq", (held_id,))
        return [_audit(row) for row in rows]

    def audit_entries(
        self, since: float | None = None, until: float | None = None, limit: int | None = None
    ) -> Iterator[AuditEntry]:
        sql = "SELECT * FROM audit WHERE at >= ? AND at <= ? ORDER BY seq DESC"
        params: list[Any] = [since or 0.0, until if until is not None else float("inf")]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        for row in self.db.all(sql, params):
            yield _audit(row)
