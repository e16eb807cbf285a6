"""Retention and data-subject look-ups in the review store.

Held records do not stay forever. ``purge_expired`` deletes, in one transaction per batch:

- a rejected record ``review_rejected_retention_days`` after it was rejected;
- a record still held ``review_retention_days`` after it was held, and a released one that long after its
  release (its copy on the allow or mask topic is the one that lives on);

with its release requests and its subject digests, and writes one audit row per batch (``purged``: the
counts by status and the SHA-256 digests of the purged records' original values — digests only). The chained
audit rows themselves are never purged: they hold no personal data, and they are the proof of what was done.
A record awaiting approval or being released is never purged.

``record_subjects`` keeps, at ingest, the keyed subject digests of a held record's identifiers
(``customs.audit.subjects``: HMAC under the pseudonym key, the same digests the gateway's audit events carry),
so ``customs subject find`` lists the held records and releases about one person without anyone storing the
identifier in clear (``held_about``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from customs.audit.subjects import subject_digests
from review.analysis import Analysis
from review.models import HeldRecord, Release, Status
from review.store import Store

log = logging.getLogger("customs.review.retention")

DAY = 86_400.0
BATCH = 500


@dataclass
class Purged:
    records: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    digests: list[str] = field(default_factory=list)


def analysis_subjects(analysis: Analysis, key: bytes) -> tuple[str, ...]:
    if analysis.decoded is None:
        return ()
    return subject_digests(analysis.decoded.record, analysis.findings, key)


def record_subjects(store: Store, held_id: str, digests: Iterable[str]) -> None:
    with store.db.transaction() as conn:
        for digest in sorted(set(digests)):
            conn.execute(
                "INSERT INTO held_subjects (held_id, digest) VALUES (?, ?)"
                " ON CONFLICT (held_id, digest) DO NOTHING",
                (held_id, digest),
            )


def expired(store: Store, retention_days: float, rejected_days: float, limit: int = BATCH) -> list[str]:
    """Ids of records past their retention, oldest first."""
    now = store.clock()
    rows = store.db.all(
        "SELECT id FROM held WHERE (status = ? AND held_at < ?) OR (status = ? AND status_at < ?)"
        " OR (status = ? AND status_at < ?) ORDER BY held_at, id LIMIT ?",
        (
            Status.HELD.value,
            now - retention_days * DAY,
            Status.RELEASED.value,
            now - retention_days * DAY,
            Status.REJECTED.value,
            now - rejected_days * DAY,
            limit,
        ),
    )
    return [row["id"] for row in rows]


def purge_expired(store: Store, retention_days: float, rejected_days: float, actor: str = "system") -> Purged:
    """Purge every record past its retention, a batch at a time, each batch audited (see the docstring)."""
    total = Purged()
    while True:
        ids = expired(store, retention_days, rejected_days)
        if not ids:
            return total
        batch = _purge(store, ids, retention_days, rejected_days, actor)
        if batch.records == 0:  # changed status meanwhile: try again next time
            return total
        total.records += batch.records
        for status, n in batch.by_status.items():
            total.by_status[status] = total.by_status.get(status, 0) + n
        total.digests.extend(batch.digests)


def _purge(store: Store, ids: list[str], retention_days: float, rejected_days: float, actor: str) -> Purged:
    done = Purged()
    statuses: Counter[str] = Counter()
    with store.db.transaction() as conn:
        for held_id in ids:
            rows = conn.execute("SELECT status, digest FROM held WHERE id = ?", (held_id,)).fetchall()
            if not rows or rows[0][0] not in (Status.HELD, Status.RELEASED, Status.REJECTED):
                continue
            conn.execute("DELETE FROM held_subjects WHERE held_id = ?", (held_id,))
            conn.execute("DELETE FROM releases WHERE held_id = ?", (held_id,))
            conn.execute("DELETE FROM held WHERE id = ?", (held_id,))
            statuses[str(rows[0][0])] += 1
            if rows[0][1]:
                done.digests.append(str(rows[0][1]))
        done.records = sum(statuses.values())
        done.by_status = dict(sorted(statuses.items()))
        if done.records:
            store.audit(
                actor,
                "purged",
                None,
                None,
                "retention",
                records=done.records,
                by_status=done.by_status,
                digests=done.digests,
                retention_days=retention_days,
                rejected_retention_days=rejected_days,
            )
    if done.records:
        log.info("purged %d held records past their retention (%s)", done.records, done.by_status)
    return done


@dataclass(frozen=True, slots=True)
class HeldAbout:
    held: HeldRecord
    releases: list[Release]


def held_about(store: Store, digest: str) -> list[HeldAbout]:
    """The held records (any status) whose identifiers have this subject digest, with their releases."""
    rows = store.db.all("SELECT held_id FROM held_subjects WHERE digest = ? ORDER BY held_id", (digest,))
    found: list[HeldAbout] = []
    for row in rows:
        held = store.held(row["held_id"])
        if held is not None:
            found.append(HeldAbout(held, store.releases_of(held.id)))
    return sorted(found, key=lambda item: item.held.held_at)
