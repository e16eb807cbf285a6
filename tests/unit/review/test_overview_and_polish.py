"""The overview (first page after login) draws the store's numbers; the polish a user notices: errors in
the layout, approve-and-next, bulk approval with its count, audit filters and paging, ISO-8601 exports,
partial record-id search."""

from __future__ import annotations

import csv
import io
import json
import re

from review.models import ReleaseMode

from .conftest import PASSWORD, Desk
from .test_api import CONTACT, SENSITIVE


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match
    return match.group(1)


def _bar(html: str, chart: str, key: str) -> int:
    svg = html.split(f'id="{chart}"', 1)[1].split("</svg>", 1)[0]
    match = re.search(rf'data-key="{re.escape(key)}" data-value="(\d+)"', svg)
    assert match, (chart, key)
    return int(match.group(1))


def test_login_lands_on_the_overview_with_the_store_s_numbers(desk: Desk) -> None:
    day = 86_400.0
    desk.hold(SENSITIVE, "category_not_permitted", at=desk.clock.now - 3 * day)
    old = desk.hold(CONTACT, "no_flow", source="sz-bank", at=desk.clock.now - 10 * day)
    gone = desk.hold(CONTACT, "rule_quarantine", at=desk.clock.now - 600)
    rita = desk.review.accounts.user_named("rita")
    assert rita is not None
    desk.service.reject(rita, gone, "not for this flow")
    client = desk.login("rita")
    landing = client.get("/login")
    csrf = _csrf(landing.text)
    response = client.post("/login", data={"name": "rita", "password": PASSWORD, "csrf": csrf})
    assert response.headers["location"] == "/overview"

    page = client.get("/overview")
    assert page.status_code == 200 and "<svg" in page.text
    assert re.search(r'id="open-held">2<', page.text)
    assert _bar(page.text, "chart-reasons", "category_not_permitted") == 1
    assert _bar(page.text, "chart-reasons", "no_flow") == 1
    assert "rule_quarantine" not in page.text.split('id="chart-reasons"')[1].split("</svg>")[0]
    assert _bar(page.text, "chart-flows", "sz-bank → hku-tcm-lab") == 1
    assert _bar(page.text, "chart-entities", "PHONE_NUMBER") == 2
    assert _bar(page.text, "chart-waiting", "3d_7d") == 1 and _bar(page.text, "chart-waiting", "gt_7d") == 1
    assert _bar(page.text, "chart-rejected", "rita") == 1
    today = page.text.split('id="chart-days"')[1].split("</svg>")[0]
    held_per_day = [int(v) for v in re.findall(r'class="bar" data-key="[^"]+" data-value="(\d+)"', today)]
    waiting = [int(v) for v in re.findall(r'class="point" data-value="(\d+)"', today)]
    assert len(held_per_day) == 14 and held_per_day[-1] == 1 and held_per_day[-4] == 1  # today, 3 days ago
    assert waiting[-1] == 2 and waiting[-4] == 2 and waiting[3] == 1 and waiting[0] == 0  # 10 days ago: one
    oldest = page.text.split('id="oldest"')[1]
    assert oldest.index(f"/records/{old}") < oldest.index("tcm-1")
    assert "/records/" + gone not in oldest


def test_unknown_paths_and_wrong_methods_get_a_page_in_the_layout(desk: Desk) -> None:
    client = desk.login("rita")
    for path, status in (("/no/such/page", 404),):
        page = client.get(path, headers={"Accept": "text/html"})
        assert page.status_code == status and page.headers["content-type"].startswith("text/html")
        assert "There is no page at this address." in page.text and "Log out" in page.text
    held = desk.hold(SENSITIVE)
    wrong = client.get(f"/records/{held}/reveal")  # a POST URL opened again
    assert wrong.status_code == 405 and "<main>" in wrong.text and '"detail"' not in wrong.text
    api = desk.client.get("/api/no/such/thing", headers=desk.auth("rita"))
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/json")
    assert client.get("/records/not-a-record").status_code == 404


def test_approve_and_next_then_bulk_approval_with_its_count(desk: Desk) -> None:
    alex = desk.review.accounts.user_named("alex")
    assert alex is not None
    held = [desk.hold({**SENSITIVE, "id": f"tcm-{n}"}, at=desk.clock.now + n) for n in range(4)]
    for one in held:
        desk.clock.now += 1
        desk.service.request_release(alex, one, ReleaseMode.AS_IS, None)
    bo = desk.login("bo")
    pending = {r.held_id: r.id for r in desk.service.awaiting_approval(alex)}
    page = bo.get(f"/records/{held[0]}")
    assert "Approve and open the next" in page.text
    done = bo.post(f"/releases/{pending[held[0]]}/approve", data={"csrf": _csrf(page.text), "next": "1"})
    assert done.status_code == 303 and done.headers["location"] == f"/records/{held[1]}"
    approvals = bo.get("/approvals")
    ask = bo.post(
        "/releases/approve",
        data={"csrf": _csrf(approvals.text), "release": [pending[held[1]], pending[held[2]]]},
    )
    assert ask.status_code == 200 and "Approve and release 2 records" in ask.text
    assert len(desk.publisher.messages("t.allow")) == 1  # nothing approved before the confirmation
    stale = bo.post(
        "/releases/approve",
        data={"csrf": _csrf(ask.text), "release": [pending[held[1]], pending[held[2]]], "confirm_count": 3},
    )
    assert stale.status_code == 409 and len(desk.publisher.messages("t.allow")) == 1
    confirmed = bo.post(
        "/releases/approve",
        data={"csrf": _csrf(ask.text), "release": [pending[held[1]], pending[held[2]]], "confirm_count": 2},
    )
    assert confirmed.status_code == 303 and confirmed.headers["location"] == "/approvals"
    assert len(desk.publisher.messages("t.allow")) == 3
    assert "Approved 2 requests; 0 skipped." in bo.get("/approvals").text
    mine = desk.login("alex").get("/approvals")  # the requester cannot approve their own
    assert 'name="release"' not in mine.text


def test_the_audit_trail_filters_pages_and_exports_iso_times(desk: Desk) -> None:
    rita = desk.review.accounts.user_named("rita")
    assert rita is not None
    held = [desk.hold({**CONTACT, "id": f"sc-{n}"}) for n in range(3)]
    for one in held:
        desk.service.reject(rita, one, "not for this flow")
    root = desk.login("root")
    page = root.get("/audit?action=rejected")
    assert re.search(r'id="audit-total">3<', page.text)
    assert re.search(r'id="audit-total">1<', root.get(f"/audit?record={held[1][:10]}").text)
    assert re.search(r'id="audit-total">0<', root.get("/audit?actor=nobody").text)
    assert re.search(r'id="audit-total">0<', root.get("/audit?start=2001-01-01&end=2001-01-02").text)
    assert 'datetime="2026-' in page.text
    rows = list(csv.DictReader(io.StringIO(root.get("/audit/export.csv").text)))
    assert rows and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["at"]) for r in rows)
    entries = json.loads(root.get("/audit/export.json").text)
    assert all(str(e["at"]).endswith("Z") for e in entries)


def test_the_audit_trail_pages(desk: Desk) -> None:
    from review.trail import TrailFilter, page_of

    for _ in range(5):
        desk.service.store.audit("rita", "login", None)
    entries = list(desk.service.store.audit_entries())
    first = page_of(entries, TrailFilter.of(action="login"), size=2)
    last = page_of(entries, TrailFilter.of(action="login", page=9), size=2)
    assert first.total >= 5 and first.pages == last.page and len(first.entries) == 2
    assert first.entries[0].seq > first.entries[1].seq  # newest first


def test_the_queue_finds_a_record_by_part_of_its_business_id(desk: Desk) -> None:
    desk.hold({**SENSITIVE, "id": "TCM-2026-0042"})
    desk.hold({**CONTACT, "id": "sc-7"})
    client = desk.login("rita")
    page = client.get("/?record_id=2026-00")
    assert re.search(r'id="total">1<', page.text) and "TCM-2026-0042" in page.text
    assert re.search(r'id="total">1<', client.get("/?record_id=tcm-2026").text)  # any case
    assert re.search(r'id="total">0<', client.get("/?record_id=%25").text)  # a % is no wildcard
