"""The filing report: what crossed, per flow, in a period — from the transfer ledger (``review.ledger``), the
review store's chained audit rows (releases and rejections, with who approved them) and the policy (the
recipient, its jurisdiction, the contract kind and its filing reference).

Per flow: records by decision (allow and mask are transferred, quarantine held), the categories and the
sensitive categories of the transferred records, the estimated number of distinct data subjects (distinct
keyed subject digests of the transferred records), quarantines by reason, and the records released after
review. ``render`` writes it as CSV, JSON or HTML; the review UI shows the same HTML body to auditors.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from detectors.entities import SENSITIVE_CATEGORIES
from review.i18n import ENGLISH, install
from review.ingest import printable
from review.ledger import ALL, CATEGORY, NO_FLOW, REASON, Ledger
from review.store import Store
from rules.policy import Policy

TRANSFERRED = ("allow", "mask")
FORMATS = ("csv", "json", "html")
_SENSITIVE = frozenset(c.value for c in SENSITIVE_CATEGORIES)
TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class FlowReport:
    flow: str  # the policy's flow id; "" for records that matched no flow
    source: str | None = None
    recipient: str | None = None  # the destination organisation's id
    recipient_name: str | None = None
    jurisdiction: str | None = None
    contract_kind: str | None = None
    filing_reference: str | None = None
    destinations: list[str] = field(default_factory=list)  # as the records' headers named them
    records: dict[str, int] = field(default_factory=dict)  # decision -> records
    transferred: int = 0  # allow + mask
    categories: dict[str, int] = field(default_factory=dict)  # of transferred records
    sensitive_categories: dict[str, int] = field(default_factory=dict)
    data_subjects: int = 0  # distinct subject digests of transferred records (an estimate)
    quarantines: dict[str, int] = field(default_factory=dict)  # reason -> records
    released: int = 0  # released after review
    rejected: int = 0


@dataclass(frozen=True, slots=True)
class ReleaseLine:
    at: str
    flow: str | None  # None when the held record has been purged since
    record: str | None
    release: str | None
    mode: str | None
    target: str | None
    requested_by: str | None
    approved_by: str | None


@dataclass
class TransferReport:
    start: str
    end: str
    flow: str | None
    policy: str
    flows: list[FlowReport]
    releases: list[ReleaseLine]
    rejections: int
    events_counted: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _epoch(day: date) -> float:
    return datetime.combine(day, time.min, UTC).timestamp()


def _flow_facts(report: FlowReport, policy: Policy) -> None:
    found = next((f for f in policy.flows if f.id == report.flow), None)
    if found is None:
        return
    recipient = policy.organisations.get(found.destination)
    report.source = found.source
    report.recipient = found.destination
    report.recipient_name = recipient.name if recipient else None
    report.jurisdiction = recipient.jurisdiction.value if recipient else None
    report.contract_kind = found.contract.kind.value
    report.filing_reference = found.contract.filing_reference


def build(
    ledger: Ledger, store: Store, policy: Policy, start: date, end: date, flow: str | None = None
) -> TransferReport:
    """The report of the days ``start`` to ``end`` (both included, UTC), of every flow or of ``flow``."""
    flows: dict[str, FlowReport] = {}

    def of(flow_id: str) -> FlowReport:
        if flow_id not in flows:
            flows[flow_id] = FlowReport(flow_id)
        return flows[flow_id]

    for count in ledger.counts(start, end, flow):
        report = of(count.flow)
        if count.dimension == ALL:
            report.records[count.decision] = report.records.get(count.decision, 0) + count.records
            if count.destination and count.destination not in report.destinations:
                report.destinations.append(count.destination)
        elif count.dimension == CATEGORY and count.decision in TRANSFERRED:
            report.categories[count.value] = report.categories.get(count.value, 0) + count.records
        elif count.dimension == REASON and count.decision == "quarantine":
            report.quarantines[count.value] = report.quarantines.get(count.value, 0) + count.records
    for flow_id, subjects in ledger.distinct_subjects(start, end, TRANSFERRED, flow).items():
        of(flow_id).data_subjects = subjects

    releases, rejected = _review_actions(store, policy, start, end)
    for line in releases:
        if line.flow is not None and (flow is None or line.flow == flow):
            of(line.flow).released += 1
    for flow_id in rejected:
        if flow is None or flow_id == flow:
            of(flow_id).rejected += 1
    for report in flows.values():
        report.transferred = sum(report.records.get(d, 0) for d in TRANSFERRED)
        report.sensitive_categories = {c: n for c, n in report.categories.items() if c in _SENSITIVE}
        report.destinations.sort()
        _flow_facts(report, policy)
    shown = [line for line in releases if flow is None or line.flow == flow]
    return TransferReport(
        start=start.isoformat(),
        end=end.isoformat(),
        flow=flow,
        policy=policy.version,
        flows=[flows[key] for key in sorted(flows)],
        releases=shown,
        rejections=sum(1 for f in rejected if flow is None or f == flow),
        events_counted=ledger.events_counted(),
    )


def _review_actions(
    store: Store, policy: Policy, start: date, end: date
) -> tuple[list[ReleaseLine], list[str]]:
    """Releases (with who requested and approved them) and the flows of rejections in the period, from the
    review store's audit rows (never purged); a record's flow from its held row, while it is kept."""
    since, until = _epoch(start), _epoch(end + timedelta(days=1))
    releases: list[ReleaseLine] = []
    rejected: list[str] = []
    for entry in store.audit_entries(since=since, until=until):
        if entry.action not in ("released", "rejected") or entry.at >= until:
            continue
        held = store.held(entry.held_id) if entry.held_id else None
        flow_id: str | None = None
        if held is not None:
            found = policy.find_flow(held.source, held.destination, held.purpose)
            flow_id = found.id if found is not None else NO_FLOW
        if entry.action == "rejected":
            if flow_id is not None:
                rejected.append(flow_id)
            continue
        detail = entry.detail
        releases.append(
            ReleaseLine(
                at=datetime.fromtimestamp(entry.at, UTC).strftime("%Y-%m-%d %H:%M:%S"),
                flow=flow_id,
                record=entry.held_id,
                release=entry.release_id,
                mode=_text(detail.get("mode")),
                target=_text(detail.get("topic")),
                requested_by=_text(detail.get("requested_by")),
                approved_by=_text(detail.get("approved_by")),
            )
        )
    releases.sort(key=lambda line: line.at)
    return releases, rejected


def _text(value: object) -> str | None:
    return printable(str(value), 200) if value is not None else None


# -- rendering -----------------------------------------------------------------------------------------


def _pairs(counts: dict[str, int]) -> str:
    return "; ".join(f"{key}={n}" for key, n in sorted(counts.items()))


CSV_COLUMNS = (
    "flow",
    "recipient",
    "jurisdiction",
    "contract_kind",
    "filing_reference",
    "allow",
    "mask",
    "quarantine",
    "transferred",
    "data_subjects",
    "categories",
    "sensitive_categories",
    "quarantines",
    "released",
    "rejected",
)


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(report: TransferReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for f in report.flows:
        writer.writerow(
            _cell(v)
            for v in (
                f.flow or "(no flow)",
                f.recipient or ",".join(f.destinations),
                f.jurisdiction,
                f.contract_kind,
                f.filing_reference,
                f.records.get("allow", 0),
                f.records.get("mask", 0),
                f.records.get("quarantine", 0),
                f.transferred,
                f.data_subjects,
                _pairs(f.categories),
                _pairs(f.sensitive_categories),
                _pairs(f.quarantines),
                f.released,
                f.rejected,
            )
        )
    return out.getvalue()


_environment = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]))
install(_environment)


def to_html(report: TransferReport, language: str = ENGLISH) -> str:
    """A standalone page in ``language`` (the CLI's, and the UI's download); the review UI wraps the same
    body in its own layout."""
    return _environment.get_template("report_standalone.html").render(report=report, language=language)


def render(report: TransferReport, fmt: str, language: str = ENGLISH) -> str:
    """The report as ``fmt``; ``language`` is that of an HTML page (CSV and JSON carry codes only)."""
    if fmt == "json":
        return json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return to_csv(report)
    if fmt == "html":
        return to_html(report, language)
    raise ValueError(f"report formats: {', '.join(FORMATS)}")
