"""The pages: login, CSRF, expiring sessions, queue, record page with masked findings, four-eyes by hand."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from review.app import SESSION_COOKIE

from .conftest import PASSWORD, PHONE, RESIDENT_ID, Desk
from .test_api import CONTACT, SENSITIVE


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def test_pages_need_a_login(desk: Desk) -> None:
    for path in ("/", "/approvals", "/audit", "/records/whatever"):
        response = desk.client.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/login"


def test_login_needs_the_form_token_and_the_password(desk: Desk) -> None:
    client = TestClient(desk.client.app, follow_redirects=False)
    csrf = _csrf(client.get("/login").text)
    assert (
        client.post("/login", data={"name": "rita", "password": PASSWORD, "csrf": "forged"}).status_code
        == 403
    )
    wrong = client.post("/login", data={"name": "rita", "password": "wrong password!", "csrf": csrf})
    assert wrong.status_code == 401 and "Wrong name or password" in wrong.text
    csrf = _csrf(wrong.text)
    ok = client.post("/login", data={"name": "rita", "password": PASSWORD, "csrf": csrf})
    assert ok.status_code == 303
    cookie = ok.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("samesite", "SameSite")
    assert client.get("/").status_code == 200


def test_repeated_failures_lock_the_account(desk: Desk) -> None:
    for _ in range(5):
        assert desk.review.accounts.authenticate("rita", "not the password") is None
    assert desk.review.accounts.authenticate("rita", PASSWORD) is None
    desk.clock.now += 301
    assert desk.review.accounts.authenticate("rita", PASSWORD) is not None


def test_sessions_expire_when_idle_and_after_logout(desk: Desk) -> None:
    client = desk.login("rita")
    assert client.get("/").status_code == 200
    desk.clock.now += 29 * 60
    assert client.get("/").status_code == 200  # activity pushes the expiry on
    desk.clock.now += 31 * 60
    assert client.get("/").status_code == 303
    client = desk.login("rita")
    page = client.get("/")
    assert client.post("/logout", data={"csrf": _csrf(page.text)}).status_code == 303
    client.cookies.set(SESSION_COOKIE, "forged.signature")
    assert client.get("/").status_code == 303


def test_a_tampered_cookie_is_refused(desk: Desk) -> None:
    client = desk.login("rita")
    value = client.cookies[SESSION_COOKIE]
    session_id, signature = value.rsplit(".", 1)
    client.cookies.set(SESSION_COOKIE, f"{session_id}x.{signature}")
    assert client.get("/").status_code == 303


def test_queue_filters_and_links_by_opaque_id(desk: Desk) -> None:
    sensitive = desk.hold(SENSITIVE, "category_not_permitted")
    desk.hold(CONTACT, "no_flow", source="sz-bank")
    client = desk.login("rita")
    page = client.get("/?reason=category_not_permitted")
    assert page.status_code == 200
    assert f'href="/records/{sensitive}"' in page.text and "sc-1" not in page.text
    assert '<b id="total">1</b>' in page.text
    assert page.headers["cache-control"] == "no-store"
    assert RESIDENT_ID not in page.text and PHONE not in page.text
    hrefs = re.findall(r'href="([^"]+)"', client.get("/").text)
    assert not any(RESIDENT_ID in h or PHONE in h for h in hrefs)


def test_record_page_masks_until_an_audited_reveal(desk: Desk) -> None:
    held = desk.hold(SENSITIVE)
    client = desk.login("rita")
    page = client.get(f"/records/{held}")
    assert page.status_code == 200
    assert 'data-entity="CN_RESIDENT_ID"' in page.text and RESIDENT_ID not in page.text
    assert client.post(f"/records/{held}/reveal", data={"csrf": "forged"}).status_code == 403
    revealed = client.post(f"/records/{held}/reveal", data={"csrf": _csrf(page.text)})
    # Post-redirect-get: the reveal is audited once; its page is a GET that a reload does not repeat.
    assert revealed.status_code == 303 and revealed.headers["location"] == f"/records/{held}?revealed=1"
    for _ in range(2):
        shown = client.get(revealed.headers["location"])
        assert shown.status_code == 200 and RESIDENT_ID in shown.text
    assert [e.action for e in desk.review.store.history(held)] == ["reveal"]
    assert RESIDENT_ID not in client.get(f"/records/{held}").text  # masked again
    other = desk.login("alex")  # another session: the address alone reveals nothing
    assert RESIDENT_ID not in other.get(f"/records/{held}?revealed=1").text
    desk.clock.now += 601
    assert RESIDENT_ID not in client.get(f"/records/{held}?revealed=1").text
    auditor = desk.login("aud")
    page = auditor.get(f"/records/{held}")
    assert "Reveal values" not in page.text
    assert auditor.post(f"/records/{held}/reveal", data={"csrf": _csrf(page.text)}).status_code == 403


def test_four_eyes_by_hand(desk: Desk) -> None:
    held = desk.hold(SENSITIVE)
    alex = desk.login("alex")
    page = alex.get(f"/records/{held}")
    assert "Request release as is" in page.text
    done = alex.post(f"/records/{held}/release", data={"csrf": _csrf(page.text), "mode": "as_is"})
    assert done.status_code == 303
    page = alex.get(f"/records/{held}")
    assert "must approve" in page.text and "Approve and release" not in page.text
    bo = desk.login("bo")
    approvals = bo.get("/approvals")
    assert f'href="/records/{held}"' in approvals.text
    page = bo.get(f"/records/{held}")
    release_id = re.search(r'action="/releases/([0-9a-f]+)/approve"', page.text).group(1)  # type: ignore[union-attr]
    assert bo.post(f"/releases/{release_id}/approve", data={"csrf": "forged"}).status_code == 403
    approved = bo.post(f"/releases/{release_id}/approve", data={"csrf": _csrf(page.text)})
    assert approved.status_code == 303
    page = bo.get(approved.headers["location"])
    assert "Approved and released to allow" in page.text and 'id="status">released' in page.text
    assert len(desk.publisher.messages("t.allow")) == 1
    assert "release approved" in page.text  # the record's history


def test_reject_and_bulk_reject_from_the_pages(desk: Desk) -> None:
    one = desk.hold(CONTACT, "no_flow")
    two = desk.hold({"id": "b"}, "important_data")
    three = desk.hold({"id": "c"}, "important_data")
    rita = desk.login("rita")
    page = rita.get(f"/records/{one}")
    rejected = rita.post(f"/records/{one}/reject", data={"csrf": _csrf(page.text), "reason": "duplicate"})
    assert rejected.status_code == 303
    assert desk.review.store.held(one).status.value == "rejected"  # type: ignore[union-attr]
    page = rita.get("/?reason=important_data")
    form = {
        "csrf": _csrf(page.text),
        "action": "reject",
        "reason": "important",
        "f_reason": "important_data",
        "status": "open",
    }
    confirm = rita.post("/bulk", data=form)  # first the count, nothing done yet
    assert confirm.status_code == 200 and 'id="bulk-count">2<' in confirm.text
    assert {desk.review.store.held(i).status.value for i in (two, three)} == {"held"}  # type: ignore[union-attr]
    bulk = rita.post("/bulk", data={**form, "confirm_count": "2"})
    assert bulk.status_code == 303
    assert "reason=important_data" in bulk.headers["location"]
    assert "Rejected 2 records" in rita.get(bulk.headers["location"]).text
    assert {desk.review.store.held(i).status.value for i in (two, three)} == {"rejected"}  # type: ignore[union-attr]


def test_auditor_sees_audit_trail_and_exports_reviewer_does_not(desk: Desk) -> None:
    held = desk.hold(CONTACT)
    desk.client.post(f"/api/records/{held}/reject", headers=desk.auth("rita"), json={"reason": "dup"})
    auditor = desk.login("aud")
    assert "rejected" in auditor.get("/audit").text
    csv = auditor.get("/audit/export.csv")
    assert csv.status_code == 200 and "attachment" in csv.headers["content-disposition"]
    assert auditor.get("/audit/export.json").json()[0]["action"] in {"rejected", "export", "login"}
    rita = desk.login("rita")
    assert rita.get("/audit").status_code == 403
    assert rita.get("/audit/export.csv").status_code == 403
    assert auditor.get("/audit/export.xml").status_code == 422
