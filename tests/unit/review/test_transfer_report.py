"""The transfer ledger and the filing report (SQLite and PostgreSQL): audit events made by the real inspector
are counted exactly once, and the report's numbers equal those computed from the events themselves."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import UTC, date, datetime

import pytest
from typer.testing import CliRunner

from customs import headers as h
from customs.audit.chain import Chainer, Head
from customs.cli import app
from customs.factory import build_inspector
from customs.inspection import Inspector, audit_bytes
from detectors.entities import ENTITY_CATEGORY, SENSITIVE_CATEGORIES
from review.ledger import Ledger, entry
from review.models import ReleaseMode
from review.report import build, render
from rules.policy import load_policy
from streams.routing import chain_name, inbound

from .conftest import EMAIL, PHONE, RESIDENT_ID, T0, Desk

DAY_MS = 86_400_000
FLOWS = {  # (source, destination, purpose)
    "tcm-research": ("gz-tcm-hospital", "hku-tcm-lab", "clinical_research"),
    "bank-credit": ("sz-bank", "hk-bank-branch", "credit_assessment"),
    "insurance-claims": ("zh-insurer", "mo-insurer", "claims_settlement"),
    "none": ("gz-tcm-hospital", "sg-marketing", "marketing"),  # no such flow: quarantined
}
RECORDS = [
    {"id": "r1", "patient": "王芳", "phone": PHONE, "note": "复诊"},
    {"id": "r2", "customer_id": RESIDENT_ID, "email": EMAIL},
    {"id": "r3", "batch": "GBA-HERB-7", "qty": 12},
    {"id": "r4", "phone": "13912345670", "email": "li.lei@example.org"},
    {"id": "r5", "phone": PHONE, "card": "6222021234567890128"},
]


@pytest.fixture(scope="module")
def inspector() -> Inspector:
    from customs.settings import Settings

    return build_inspector(Settings(pseudonym_key="unit-test-key"), load_policy("gba-default"))


def audit_events(inspector: Inspector) -> list[tuple[int, int, bytes]]:
    """(partition, offset, bytes) of the chained audit events of 60 records over 6 days and 4 flows, with a
    checkpoint-like and a review event between them (which the ledger marks seen and does not count)."""
    out: list[tuple[int, int, bytes]] = []
    chainers = {p: Chainer(Head(chain_name("t.inbound", p))) for p in (0, 1)}
    offsets = {0: 0, 1: 0}
    for n in range(60):
        flow = list(FLOWS)[n % 4]
        source, destination, purpose = FLOWS[flow]
        record = RECORDS[n % len(RECORDS)]
        timestamp = (T0 * 1000 + (n % 6) * DAY_MS) / 1000
        partition = n % 2
        message = inbound(
            topic="t.inbound",
            partition=partition,
            offset=n,
            timestamp=timestamp,
            key=None,
            value=json.dumps(record, ensure_ascii=False).encode(),
            headers=[
                (h.SOURCE, source.encode()),
                (h.DESTINATION, destination.encode()),
                (h.PURPOSE, purpose.encode()),
            ],
        )
        verdict = inspector.inspect(message.value, message.flow, message.origin)
        event = chainers[partition].add(verdict.audit_event(message.origin, message.flow))
        out.append((partition, offsets[partition], audit_bytes(event)))
        offsets[partition] += 1
        if n % 17 == 0:
            out.append((partition, offsets[partition], audit_bytes({"type": "review", "action": "released"})))
            offsets[partition] += 1
    return out


def expected(events: list[dict[str, object]], start: date, end: date, flow: str | None) -> dict[str, object]:
    """The numbers computed straight from the events (not through the ledger)."""
    decisions: Counter[tuple[str, str]] = Counter()
    categories: Counter[tuple[str, str]] = Counter()
    reasons: Counter[tuple[str, str]] = Counter()
    subjects: dict[str, set[str]] = {}
    for e in events:
        if e.get("type") != "decision":
            continue
        day = datetime.fromtimestamp(int(e["timestamp_ms"]) / 1000, UTC).date()  # type: ignore[call-overload]
        key = str(e["flow"] or "")
        if not start <= day <= end or (flow is not None and key != flow):
            continue
        decisions[(key, str(e["decision"]))] += 1
        if e["decision"] in ("allow", "mask"):
            for c in {ENTITY_CATEGORY[x].value for x in e["entities"]}:  # type: ignore[attr-defined]
                categories[(key, c)] += 1
            subjects.setdefault(key, set()).update(e["subjects"])  # type: ignore[arg-type]
        else:
            for r in e["reasons"]:  # type: ignore[attr-defined]
                reasons[(key, r)] += 1
    return {
        "decisions": dict(decisions),
        "categories": dict(categories),
        "reasons": dict(reasons),
        "subjects": {k: len(v) for k, v in subjects.items() if v},
    }


def reported(report_json: dict[str, object]) -> dict[str, object]:
    flows = report_json["flows"]
    assert isinstance(flows, list)
    return {
        "decisions": {(f["flow"], d): n for f in flows for d, n in f["records"].items()},
        "categories": {(f["flow"], c): n for f in flows for c, n in f["categories"].items()},
        "reasons": {(f["flow"], r): n for f in flows for r, n in f["quarantines"].items()},
        "subjects": {f["flow"]: f["data_subjects"] for f in flows if f["data_subjects"]},
    }


def test_report_numbers_equal_the_audit_trail(desk: Desk, inspector: Inspector) -> None:
    raw = audit_events(inspector)
    events = [json.loads(value) for _, _, value in raw]
    ledger = Ledger(desk.review.db)
    assert all(ledger.add_raw("t.audit", p, o, value) for p, o, value in raw)
    # Read again (a restart from the start, a second reader): nothing counted twice.
    assert not any(ledger.add_raw("t.audit", p, o, value) for p, o, value in raw)
    assert ledger.events_counted() == len(raw)
    assert ledger.next_offsets("t.audit") == {p: 1 + max(o for q, o, _ in raw if q == p) for p in (0, 1)}

    policy = load_policy("gba-default")
    t0 = datetime.fromtimestamp(T0, UTC).date()
    for start, end, flow in (
        (t0, date.fromordinal(t0.toordinal() + 5), None),
        (date.fromordinal(t0.toordinal() + 1), date.fromordinal(t0.toordinal() + 3), None),
        (t0, date.fromordinal(t0.toordinal() + 5), "bank-credit"),
        (t0, t0, "tcm-research"),
    ):
        report = build(ledger, desk.review.store, policy, start, end, flow)
        numbers = reported(json.loads(render(report, "json")))
        assert numbers == expected(events, start, end, flow), (start, end, flow)

    whole = build(ledger, desk.review.store, policy, t0, date.fromordinal(t0.toordinal() + 5))
    by_flow = {f.flow: f for f in whole.flows}
    bank = by_flow["bank-credit"]
    assert (bank.recipient, bank.jurisdiction) == ("hk-bank-branch", "hong_kong")
    assert (bank.contract_kind, bank.filing_reference) == ("gba_standard_contract", "GD-HK-SC-2024-0431")
    assert by_flow["insurance-claims"].contract_kind == "gba_standard_contract_macau"
    assert by_flow[""].quarantines.get("no_flow", 0) == 15  # the unknown flow's records, all held
    assert by_flow[""].transferred == 0
    sensitive = {c.value for c in SENSITIVE_CATEGORIES}
    for f in whole.flows:
        assert set(f.sensitive_categories) == set(f.categories) & sensitive
        assert f.transferred == f.records.get("allow", 0) + f.records.get("mask", 0)
    assert sum(f.data_subjects for f in whole.flows) > 0


def test_releases_with_who_approved_them(desk: Desk) -> None:
    held_id = desk.hold({"id": "x1", "customer_id": RESIDENT_ID}, at=T0)
    rita = desk.review.accounts.user_named("rita")
    alex = desk.review.accounts.user_named("alex")
    assert rita is not None and alex is not None
    request = desk.service.request_release(rita, held_id, ReleaseMode.AS_IS)
    desk.service.approve(alex, request.id)
    rejected = desk.hold({"id": "x2", "phone": PHONE}, at=T0)
    desk.service.reject(rita, rejected, "not for this flow")
    day = datetime.fromtimestamp(T0, UTC).date()
    report = build(Ledger(desk.review.db), desk.review.store, load_policy("gba-default"), day, day)
    [line] = report.releases
    assert (line.flow, line.record, line.mode) == ("tcm-research", held_id, "as_is")
    assert (line.requested_by, line.approved_by) == ("rita", "alex")
    assert report.rejections == 1
    flow = next(f for f in report.flows if f.flow == "tcm-research")
    assert (flow.released, flow.rejected) == (1, 1)


def test_non_decision_events_are_not_counted() -> None:
    assert entry({"type": "checkpoint", "covers": 3}) is None
    assert entry({"type": "review", "action": "released"}) is None
    found = entry(
        {
            "type": "decision",
            "decision": "mask",
            "entities": {"PHONE_NUMBER": 2, "PERSON": 1},
            "timestamp_ms": None,
            "reasons": [],
            "subjects": ["b", "a", "a"],
        },
        read_at_ms=DAY_MS,
    )
    assert found is not None
    assert (found.day, found.flow, found.categories, found.subjects) == (
        "1970-01-02",
        "",
        ("contact", "name"),
        ("a", "b"),
    )


def test_report_page_and_downloads_for_auditors_only(desk: Desk, inspector: Inspector) -> None:
    ledger = Ledger(desk.review.db)
    for p, o, value in audit_events(inspector):
        ledger.add_raw("t.audit", p, o, value)
    desk.review.policy = load_policy("gba-default")
    desk.client.app.state.review.policy = desk.review.policy  # type: ignore[attr-defined]
    day = datetime.fromtimestamp(T0, UTC).date()
    query = {"start": day.isoformat(), "end": date.fromordinal(day.toordinal() + 5).isoformat()}
    auditor = desk.login("aud")
    page = auditor.get("/report", params=query)
    assert page.status_code == 200, page.text
    assert "GD-HK-SC-2024-0431" in page.text and "hong_kong" in page.text
    assert "Transfer report" in page.text
    download = auditor.get("/report/transfers.csv", params={**query, "flow": "bank-credit"})
    assert download.status_code == 200
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert [r["flow"] for r in rows] == ["bank-credit"]
    assert rows[0]["filing_reference"] == "GD-HK-SC-2024-0431"
    assert desk.login("rita").get("/report", params=query).status_code == 403
    assert any(e.action == "report" for e in desk.review.store.audit_entries())


def test_cli_report_transfers(desk: Desk, inspector: Inspector, monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = Ledger(desk.review.db)
    for p, o, value in audit_events(inspector):
        ledger.add_raw("t.audit", p, o, value)
    settings = desk.settings
    monkeypatch.setenv("CUSTOMS_REVIEW_DB", str(settings.review_db))
    if settings.review_database_url:
        monkeypatch.setenv("CUSTOMS_REVIEW_DATABASE_URL", settings.review_database_url)
    first = datetime.fromtimestamp(T0, UTC).date()
    day, last = first.isoformat(), date.fromordinal(first.toordinal() + 5).isoformat()
    result = CliRunner().invoke(app, ["report", "transfers", "--from", day, "--to", last, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {f["flow"] for f in data["flows"]} == {"tcm-research", "bank-credit", "insurance-claims", ""}
    html = CliRunner().invoke(app, ["report", "transfers", "--from", day, "--to", last, "--format", "html"])
    assert html.exit_code == 0 and "<table" in html.output and "GD-MO-SC-2025-0007" in html.output
    bad = CliRunner().invoke(app, ["report", "transfers", "--from", day, "--to", "2000-01-01"])
    assert bad.exit_code != 0
