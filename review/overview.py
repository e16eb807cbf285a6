"""The overview for compliance staff: how big the queue is over time, why records are held, by flow and
entity, how long they wait, who releases and rejects what, and the oldest records to look at.

``summarise`` reads the store and returns plain numbers; ``bar_chart`` and ``column_chart`` lay them out
as SVG geometry the page draws (no script, no chart library: the page works under the strict CSP).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from review.models import OPEN_STATUSES, HeldRecord, QueueFilter, User
from review.roles import Permission
from review.service import ReviewService, require

PERIODS = (7, 14, 30)  # days the page may show
OLDEST = 10
MAX_OPEN = 20_000  # open records read for the breakdowns; beyond it the charts say "at least"
# Waiting time (how long an open record has been held), as (upper bound in seconds, label code).
WAITING = (
    (3_600.0, "lt_1h"),
    (4 * 3_600.0, "1h_4h"),
    (86_400.0, "4h_24h"),
    (3 * 86_400.0, "1d_3d"),
    (7 * 86_400.0, "3d_7d"),
    (float("inf"), "gt_7d"),
)
REVIEW_ACTIONS = ("released", "rejected", "release_requested", "release_approved", "release_declined")


@dataclass(frozen=True, slots=True)
class Day:
    day: str  # YYYY-MM-DD (UTC)
    held: int  # records held that day
    open_at_end: int  # records waiting for a decision at the day's end


@dataclass(frozen=True, slots=True)
class ReviewerCounts:
    name: str
    released: int
    rejected: int
    requested: int
    approved: int
    declined: int


@dataclass(frozen=True, slots=True)
class Overview:
    days: list[Day]
    open_total: int
    held_total: int  # status held (not yet asked to release)
    awaiting_approval: int
    by_reason: list[tuple[str, int]]
    by_flow: list[tuple[str, int]]
    by_entity: list[tuple[str, int]]
    waiting: list[tuple[str, int]]
    reviewers: list[ReviewerCounts]
    oldest: list[HeldRecord]
    period: int
    truncated: bool  # more open records than were read for the breakdowns


def _day_start(epoch: float) -> datetime:
    moment = datetime.fromtimestamp(epoch, UTC)
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)


def _flow(held: HeldRecord) -> str:
    return f"{held.source or '—'} → {held.destination or '—'}"


def waiting_bucket(seconds: float) -> str:
    return next(code for bound, code in WAITING if seconds < bound)


def summarise(service: ReviewService, user: User, period: int = 14) -> Overview:
    """The overview of the last ``period`` UTC days (today included), as of the store's clock."""
    require(user, Permission.VIEW)
    period = period if period in PERIODS else 14
    store = service.store
    now = store.clock()
    first = _day_start(now) - timedelta(days=period - 1)
    since = first.timestamp()
    open_records = store.page(QueueFilter(status="open"), MAX_OPEN)
    open_total = store.count(QueueFilter(status="open"))

    # Queue size over time: a record was open at a moment if it was held by then and had not yet reached
    # its present status, or is open still. (A record that went back and forth counts as open throughout.)
    marks = ",".join("?" for _ in OPEN_STATUSES)
    rows = store.db.all(
        f"SELECT held_at, status, status_at FROM held WHERE held_at >= ? OR status_at >= ?"
        f" OR status IN ({marks})",
        [since, since, *(s.value for s in OPEN_STATUSES)],
    )
    still_open = {s.value for s in OPEN_STATUSES}
    days = []
    for index in range(period):
        start = first + timedelta(days=index)
        begin, end = start.timestamp(), (start + timedelta(days=1)).timestamp()
        cut = min(end, now)
        held = sum(1 for r in rows if begin <= r["held_at"] < end)
        waiting = sum(
            1 for r in rows if r["held_at"] < cut and (r["status"] in still_open or r["status_at"] > cut)
        )
        days.append(Day(start.date().isoformat(), held, waiting))

    reasons: Counter[str] = Counter()
    flows: Counter[str] = Counter()
    entities: Counter[str] = Counter()
    waits: Counter[str] = Counter()
    for held_record in open_records:
        reasons.update(held_record.reasons)
        flows[_flow(held_record)] += 1
        entities.update(held_record.entities)
        waits[waiting_bucket(now - held_record.held_at)] += 1

    acts: dict[str, Counter[str]] = {}
    for entry in store.audit_entries(since=since):
        if entry.action in REVIEW_ACTIONS and entry.actor != "system":
            acts.setdefault(entry.actor, Counter())[entry.action] += 1
    reviewers = sorted(
        (
            ReviewerCounts(
                name,
                c["released"],
                c["rejected"],
                c["release_requested"],
                c["release_approved"],
                c["release_declined"],
            )
            for name, c in acts.items()
        ),
        key=lambda r: (-(r.released + r.rejected), r.name),
    )
    oldest = sorted(open_records, key=lambda h: (h.held_at, h.id))[:OLDEST]
    statuses = Counter(h.status.value for h in open_records)
    return Overview(
        days,
        open_total,
        statuses["held"],
        statuses["awaiting_approval"],
        reasons.most_common(),
        flows.most_common(10),
        entities.most_common(),
        [(code, waits[code]) for _, code in WAITING],
        reviewers,
        oldest,
        period,
        open_total > len(open_records),
    )


# -- charts as SVG geometry ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bar:
    key: str  # the code or name the bar stands for (data-key on the page)
    label: str  # shown beside it
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    top: int  # the largest value (the scale)
    line: list[tuple[float, float, int]]  # a second series as points (x, y, value), for the columns


def _scale(values: list[int]) -> int:
    return max([1, *values])


def bar_chart(items: list[tuple[str, str, int]], width: int = 520, row: int = 26, label: int = 220) -> Chart:
    """Horizontal bars, one per (key, label, value), longest to the scale of the largest value."""
    top = _scale([v for _, _, v in items])
    room = width - label - 50
    bars = [
        Bar(key, text, value, label, index * row + 3, max(room * value / top, 1 if value else 0), row - 8)
        for index, (key, text, value) in enumerate(items)
    ]
    return Chart(width, max(row * len(items), row), bars, top, [])


def column_chart(
    items: list[tuple[str, str, int]],
    line: list[int] | None = None,
    width: int = 640,
    height: int = 200,
    bottom: int = 36,
) -> Chart:
    """Vertical columns, one per (key, label, value); ``line`` a second series drawn as points over them."""
    values = [v for _, _, v in items]
    top = _scale([*values, *(line or [])])
    room = height - bottom - 16
    step = (width - 40) / max(len(items), 1)
    bars = []
    for index, (key, text, value) in enumerate(items):
        h = room * value / top
        bars.append(Bar(key, text, value, 30 + index * step + step * 0.15, 16 + room - h, step * 0.7, h))
    points = [
        (30 + index * step + step / 2, 16 + room - room * value / top, value)
        for index, value in enumerate(line or [])
    ]
    return Chart(width, height, bars, top, points)
