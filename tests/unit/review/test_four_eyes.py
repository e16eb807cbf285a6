"""Four eyes without holes: a record the gateway did not vouch for is never one person's call, important
data goes out as is only under a security assessment, an undecodable record is previewed and marked not
inspected, and bulk actions show their count, need it confirmed and go through the same rules."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from review.holds import PLAIN_WORDS, UNVOUCHED
from review.view import _escaped
from rules.reasons import Reason

from .conftest import PHONE, Desk

PLAIN = {"id": "po-7", "item": "bolts", "qty": 40}  # nothing personal, nothing sensitive
WHY = "flow filed on 1 June, change ticket CT-1042"
UNDECODABLE = b"\xff\xfe\x00\x01 call " + PHONE.encode() + b" \x9c\x80"
BINARY = bytes(range(256))

# Every reason the gateway did not vouch for, and the release mode that is possible for it here.
UNVOUCHED_CASES = [
    pytest.param("important_data", "masked", id="important_data"),
    pytest.param("no_flow", "as_is", id="no_flow"),
    pytest.param("flow_unauthenticated", "as_is", id="flow_unauthenticated"),
    pytest.param("decode_error", "as_is", id="decode_error"),
    pytest.param("destination_outside_gba", "as_is", id="destination_outside_gba"),
    pytest.param("contract_not_in_force", "as_is", id="contract_not_in_force"),
    pytest.param("no_legal_basis", "as_is", id="no_legal_basis"),
    pytest.param("contract_kind_mismatch", "as_is", id="contract_kind_mismatch"),
]


def _english(desk: Desk, user: str) -> TestClient:
    client = desk.login(user)
    client.headers["accept-language"] = "en"
    return client


def _release(mode: str, justification: str | None = None, **more: str) -> dict[str, str]:
    body = {"mode": mode, **more}
    if mode == "masked":
        body["operator"] = "redact"
    if justification is not None:
        body["justification"] = justification
    return body


@pytest.mark.parametrize(("reason", "mode"), UNVOUCHED_CASES)
def test_an_unvouched_record_needs_a_justification_and_a_second_approver(
    desk: Desk, reason: str, mode: str
) -> None:
    held = desk.hold(UNDECODABLE if reason == "decode_error" else PLAIN, reason)
    url = f"/api/records/{held}/release"
    bare = desk.client.post(url, headers=desk.auth("rita"), json=_release(mode))
    assert bare.status_code == 422 and "justification" in bare.json()["error"]
    short = desk.client.post(url, headers=desk.auth("rita"), json=_release(mode, "ok"))
    assert short.status_code == 422
    requested = desk.client.post(url, headers=desk.auth("rita"), json=_release(mode, WHY))
    assert requested.status_code == 200, requested.text
    release = requested.json()
    assert release["state"] == "awaiting_approval" and release["four_eyes"] is True
    assert not desk.publisher.messages("t.allow") and not desk.publisher.messages("t.mask")
    approve = f"/api/releases/{release['id']}/approve"
    assert desk.client.post(approve, headers=desk.auth("rita")).status_code == 403  # no approver role
    approved = desk.client.post(approve, headers=desk.auth("bo"))
    assert approved.status_code == 200 and approved.json()["state"] == "released"
    history = desk.client.get(f"/api/records/{held}/history", headers=desk.auth("aud")).json()
    [asked] = [e for e in history if e["action"] == "release_requested"]
    assert asked["reason"] == WHY and reason in asked["detail"]["held_for"]


@pytest.mark.parametrize(("reason", "mode"), UNVOUCHED_CASES[1:2])
def test_an_approver_cannot_release_an_unvouched_record_alone(desk: Desk, reason: str, mode: str) -> None:
    held = desk.hold(PLAIN, reason)
    release = desk.client.post(
        f"/api/records/{held}/release", headers=desk.auth("alex"), json=_release(mode, WHY)
    ).json()
    assert release["state"] == "awaiting_approval"
    own = desk.client.post(f"/api/releases/{release['id']}/approve", headers=desk.auth("alex"))
    assert own.status_code == 403 and "four-eyes" in own.json()["error"]


def test_a_record_a_rule_held_is_still_one_reviewers_call(desk: Desk) -> None:
    held = desk.hold(PLAIN, "rule_quarantine")
    done = desk.client.post(f"/api/records/{held}/release", headers=desk.auth("rita"), json={}).json()
    assert done["state"] == "released" and done["four_eyes"] is False


def test_important_data_goes_as_is_only_under_a_security_assessment(desk: Desk) -> None:
    held = desk.hold(PLAIN, "important_data")
    url = f"/api/records/{held}/release"
    refused = desk.client.post(url, headers=desk.auth("alex"), json=_release("as_is", WHY))
    assert refused.status_code == 422 and "security assessment" in refused.json()["error"]
    body = _release("as_is", WHY, security_assessment="CAC-SA-2025-0099")
    release = desk.client.post(url, headers=desk.auth("alex"), json=body).json()
    assert release["state"] == "awaiting_approval"
    desk.client.post(f"/api/releases/{release['id']}/approve", headers=desk.auth("bo"))
    history = desk.client.get(f"/api/records/{held}/history", headers=desk.auth("aud")).json()
    [asked] = [e for e in history if e["action"] == "release_requested"]
    assert asked["detail"]["security_assessment"] == "CAC-SA-2025-0099"
    assert [e["action"] for e in history][-1] == "released"


def test_an_undecodable_record_is_previewed_scanned_and_marked_not_inspected(desk: Desk) -> None:
    held = desk.hold(UNDECODABLE, "decode_error")
    body = desk.client.get(f"/api/records/{held}", headers=desk.auth("rita")).json()
    assert body["inspected"] is False and body["unvouched"] is True
    assert "PHONE_NUMBER" in {f["entity"] for f in body["findings"]}  # detection ran over the readable text
    assert body["held_because"][0]["words"].startswith("The gateway could not decode this record")
    revealed = desk.client.post(f"/api/records/{held}/reveal", headers=desk.auth("rita")).json()
    assert PHONE in {f["value"] for f in revealed["findings"]}
    page = _english(desk, "rita").get(f"/records/{held}").text
    assert "not inspected" in page and "No personal information found" not in page
    assert PHONE not in page  # masked until an audited reveal
    assert "\\u0000" in page  # control bytes shown escaped, never as themselves


def test_a_binary_record_shows_hex_and_never_claims_it_is_clean(desk: Desk) -> None:
    held = desk.hold(BINARY, "decode_error")
    page = _english(desk, "rita").get(f"/records/{held}").text
    assert "00 01 02 03" in page and "not inspected" in page
    assert "No personal information found" not in page
    assert "Detection found nothing in the readable text" in page


def test_the_page_says_why_it_was_held_before_the_button(desk: Desk) -> None:
    held = desk.hold(PLAIN, "no_flow")
    page = _english(desk, "rita").get(f"/records/{held}").text
    reason, warning, button = (
        page.index('id="held-because"'),
        page.index('id="four-eyes-warning"'),
        page.index('id="release-as-is"'),
    )
    assert reason < warning < button
    assert "no_flow" in page[reason:warning] and 'name="justification"' in page[button:]


def test_the_approver_sees_the_justification(desk: Desk) -> None:
    held = desk.hold(PLAIN, "no_legal_basis")
    desk.client.post(f"/api/records/{held}/release", headers=desk.auth("rita"), json=_release("as_is", WHY))
    page = _english(desk, "bo").get(f"/records/{held}").text
    assert WHY in page and "Approve and release" in page
    assert page.index("Before approving") < page.index("Approve and release")


def test_bulk_shows_the_count_needs_it_confirmed_and_keeps_four_eyes(desk: Desk) -> None:
    plain = desk.hold(PLAIN, "rule_quarantine")
    unfiled = [desk.hold({"id": f"u-{i}", "item": "nuts"}, "no_flow") for i in range(3)]
    api = desk.auth("rita")
    preview = desk.client.get("/api/bulk/preview", headers=api).json()
    assert preview["count"] == 4 and preview["unvouched"] == 3
    body: dict[str, object] = {"mode": "as_is"}
    unconfirmed = desk.client.post("/api/bulk/release", headers=api, json=body)
    assert unconfirmed.status_code == 422 and "4 held records" in unconfirmed.json()["error"]
    stale = desk.client.post("/api/bulk/release", headers=api, json={**body, "confirm_count": 3})
    assert stale.status_code == 409
    done = desk.client.post("/api/bulk/release", headers=api, json={**body, "confirm_count": 4}).json()
    assert done["released"] == [plain] and set(done["skipped"]) == set(unfiled)  # no justification
    assert all("justification" in why for why in done["skipped"].values())
    justified = {**body, "confirm_count": 3, "justification": WHY}
    done = desk.client.post("/api/bulk/release", headers=api, json=justified).json()
    assert done["released"] == [] and set(done["awaiting_approval"]) == set(unfiled)
    assert len(desk.publisher.messages("t.allow")) == 1


def test_bulk_on_the_pages_shows_the_count_before_it_acts(desk: Desk) -> None:
    for i in range(2):
        desk.hold({"id": f"u-{i}", "item": "nuts"}, "no_flow")
    browser = _english(desk, "rita")
    csrf = browser.get("/").text.split('name="csrf" value="')[1].split('"')[0]
    form = {"csrf": csrf, "action": "reject", "reason": "duplicates of batch 7", "status": "open"}
    confirm = browser.post("/bulk", data=form)
    assert confirm.status_code == 200 and 'id="bulk-count">2<' in confirm.text
    assert desk.client.get("/api/bulk/preview", headers=desk.auth("rita")).json()["count"] == 2  # nothing yet
    done = browser.post("/bulk", data={**form, "confirm_count": "2"})
    assert done.status_code == 303
    assert desk.client.get("/api/bulk/preview", headers=desk.auth("rita")).json()["count"] == 0


def test_every_reason_has_plain_words_and_the_listed_holds_are_unvouched() -> None:
    assert set(Reason) <= set(PLAIN_WORDS)
    listed = {
        "important_data",
        "no_flow",
        "flow_unauthenticated",
        "decode_error",
        "destination_outside_gba",
        "contract_not_in_force",
        "no_legal_basis",
        "contract_kind_mismatch",
    }
    assert listed <= UNVOUCHED
    assert not {"rule_quarantine", "low_confidence", "category_not_permitted"} & UNVOUCHED


def test_format_characters_are_shown_escaped() -> None:
    assert _escaped("abc\u202edef\u200b") == "abc\\u202edef\\u200b"
    assert _escaped("王芳 13812345678") == "王芳 13812345678"
