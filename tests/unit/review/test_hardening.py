"""The review service's hardening: security headers, Secure cookies and HSTS behind HTTPS, formula-safe CSV
exports, and findings under dotted or escaped keys masked like any other."""

from __future__ import annotations

import csv
import dataclasses
import io
import re

from fastapi.testclient import TestClient

from customs.codec import Decoded
from detectors.finding import Finding
from review.analysis import Analysis
from review.app import SESSION_COOKIE, create_app
from review.export import cell
from review.view import MASK_CHAR, record_lines

from .conftest import EMAIL, PASSWORD, PHONE, RESIDENT_ID, Desk

HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match
    return match.group(1)


def _https_client(desk: Desk) -> TestClient:
    """The app as configured with an https public address, called over https."""
    settings = desk.settings.model_copy(update={"review_public_url": "https://review.example.org/"})
    context = dataclasses.replace(desk.review, settings=settings).context(desk.publisher)
    return TestClient(create_app(context), base_url="https://testserver", follow_redirects=False)


def test_every_response_carries_the_security_headers(desk: Desk) -> None:
    client = desk.login("rita")
    responses = [
        client.get("/login"),
        client.get("/"),
        client.get("/records/nothing-here"),
        client.get("/static/review.css"),
        desk.client.get("/api/me", headers=desk.auth("rita")),
        desk.client.get("/api/me"),
    ]
    for response in responses:
        for name, value in HEADERS.items():
            assert response.headers[name] == value, (response.url, name)
        policy = {
            part.strip().split(" ", 1)[0]: part.strip()
            for part in response.headers["content-security-policy"].split(";")
        }
        assert policy["default-src"] == "default-src 'self'"
        assert policy["frame-ancestors"] == "frame-ancestors 'none'"
        assert policy["object-src"] == "object-src 'none'" and policy["base-uri"] == "base-uri 'none'"
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        assert "strict-transport-security" not in response.headers  # plain http: no HSTS


def test_pages_need_no_inline_script_or_style(desk: Desk) -> None:
    """The CSP forbids inline code: the pages must not have any."""
    held = desk.hold({"id": "p-1", "contact": PHONE})
    client = desk.login("root")
    pages = [client.get(path).text for path in ("/", f"/records/{held}", "/approvals", "/audit")]
    pages.append(TestClient(desk.client.app).get("/login").text)
    for page in pages:
        assert "<script" not in page and "<style" not in page
        assert not re.search(r"\sstyle=", page) and not re.search(r"\son[a-z]+=", page)


def test_cookies_are_secure_and_hsts_is_sent_when_the_public_address_is_https(desk: Desk) -> None:
    client = _https_client(desk)
    page = client.get("/login")
    assert page.headers["strict-transport-security"].startswith("max-age=")
    done = client.post("/login", data={"name": "rita", "password": PASSWORD, "csrf": _csrf(page.text)})
    assert done.status_code == 303
    cookies = [page.headers["set-cookie"], *done.headers.get_list("set-cookie")]
    assert any(c.startswith(f"{SESSION_COOKIE}=") for c in cookies)
    for cookie in cookies:
        attributes = {a.strip().lower() for a in cookie.split(";")[1:]}
        assert {"secure", "httponly", "samesite=strict"} <= attributes, cookie
    assert client.get("/").status_code == 200


def test_cookies_are_not_secure_on_plain_http_by_default(desk: Desk) -> None:
    page = desk.client.get("/login")
    assert "secure" not in page.headers["set-cookie"].lower()


def test_csv_export_neutralises_formulas(desk: Desk) -> None:
    formulas = ['=HYPERLINK("http://attacker.example/","x")', "+1+2", "-2+3", "@SUM(A1)"]
    for formula in formulas:
        held = desk.hold({"id": "f-1", "text": "nothing personal"})
        rejected = desk.client.post(
            f"/api/records/{held}/reject", headers=desk.auth("rita"), json={"reason": formula}
        )
        assert rejected.status_code == 200
    exported = desk.client.get("/api/audit/export?format=csv", headers=desk.auth("aud")).text
    rows = list(csv.DictReader(io.StringIO(exported)))
    reasons = [row["reason"] for row in rows if row["action"] == "rejected"]
    assert sorted(reasons) == sorted("'" + f for f in formulas)
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    as_json = desk.client.get("/api/audit/export?format=json", headers=desk.auth("aud")).json()
    assert sorted(e["reason"] for e in as_json if e["action"] == "rejected") == sorted(formulas)


def test_a_cell_is_left_alone_unless_it_starts_like_a_formula() -> None:
    assert cell("\t=1+1") == "'\t=1+1" and cell("\r=1+1") == "'\r=1+1"
    assert cell("duplicate") == "duplicate"
    assert cell("a=b") == "a=b"
    assert cell("") == ""
    assert cell("-") == "'-"


DOTTED = {
    "id": "dk-1",
    "contact.phone": PHONE,
    "dir\\ect": EMAIL,
    "patient": {"id.card": RESIDENT_ID},
    "notes": [{"a.b\\c": f"call {PHONE}"}],
}


def test_findings_under_dotted_and_escaped_keys_are_masked(desk: Desk) -> None:
    held = desk.hold(DOTTED)
    for user in ("rita", "aud"):
        client = desk.login(user)
        page = client.get(f"/records/{held}")
        assert page.status_code == 200
        for value in (PHONE, EMAIL, RESIDENT_ID):
            assert value not in page.text, (user, value)
        assert page.text.count('data-entity="') >= 4
    assert desk.review.store.history(held) == []  # nothing was revealed, so nothing audited
    rita = desk.login("rita")
    page = rita.get(f"/records/{held}")
    posted = rita.post(f"/records/{held}/reveal", data={"csrf": _csrf(page.text)})
    revealed = rita.get(posted.headers["location"])  # post-redirect-get
    for value in (PHONE, EMAIL, RESIDENT_ID):
        assert value in revealed.text
    assert [e.action for e in desk.review.store.history(held)] == ["reveal"]


def test_overlapping_findings_are_masked_whole() -> None:
    text = "AAAA-BBBB-CCCC"
    findings = (Finding("note", "PERSON", 0, 9, 0.9), Finding("note", "PERSON", 5, 14, 0.9))
    analysis = Analysis(Decoded({"note": text}, "json"), findings, frozenset(), frozenset())
    shown = "".join(part.text for line in record_lines(analysis, reveal=False) for part in line.parts)
    assert "B" not in shown and "C" not in shown and MASK_CHAR in shown
