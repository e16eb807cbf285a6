"""The JSON API: every action and permission, including the refusals (no broker: an in-memory publisher)."""

from __future__ import annotations

import json

import pytest

from customs import headers as h
from review.publisher import APPROVED_BY, RELEASE_ID, RELEASED_BY

from .conftest import EMAIL, PHONE, RESIDENT_ID, T0, Desk

SENSITIVE = {"id": "tcm-1", "patient_id": RESIDENT_ID, "note": f"call {PHONE}"}
CONTACT = {"id": "sc-1", "contact": PHONE, "email": EMAIL}


def _headers(message: object) -> dict[str, str]:
    return {k: v.decode() for k, v in message.headers}  # type: ignore[attr-defined]


def test_openapi_document_lists_the_actions(desk: Desk) -> None:
    paths = desk.client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/records",
        "/api/records/{held_id}/release",
        "/api/releases/{release_id}/approve",
        "/api/records/{held_id}/reject",
        "/api/bulk/reject",
        "/api/audit/export",
    ):
        assert path in paths
    assert not any(p.startswith("/records") for p in paths)  # the pages are not part of the API


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Bearer crt_000000000000_wrong"])
def test_api_refuses_without_a_valid_token(desk: Desk, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = desk.client.get("/api/records", headers=headers)
    assert response.status_code == 401
    assert "error" in response.json()


def test_revoked_and_expired_tokens_are_refused(desk: Desk) -> None:
    token_id = desk.tokens["rita"].split("_")[1]
    desk.review.accounts.revoke_token(token_id)
    assert desk.client.get("/api/me", headers=desk.auth("rita")).status_code == 401
    desk.clock.now += 91 * 86_400
    assert desk.client.get("/api/me", headers=desk.auth("alex")).status_code == 401


def test_queue_filters_pages_and_counts(desk: Desk) -> None:
    desk.hold(SENSITIVE, "category_not_permitted")
    desk.hold(CONTACT, "no_flow", source="sz-bank")
    old = desk.hold({"id": "old-1", "text": "nothing personal"}, "no_flow", at=T0 - 8 * 86_400)
    desk.hold(b"\xff\xfe not json", "decode_error")
    api = desk.auth("rita")
    body = desk.client.get("/api/records", headers=api).json()
    assert body["total"] == 4 and body["pages"] == 2 and len(body["records"]) == 3
    assert body["by_status"]["held"] == 4 and body["by_reason"]["no_flow"] == 2
    assert len(desk.client.get("/api/records?page=2", headers=api).json()["records"]) == 1

    def ids(query: str) -> set[str | None]:
        response = desk.client.get(f"/api/records?{query}", headers=api)
        assert response.status_code == 200, response.text
        return {r["record_id"] for r in response.json()["records"]}

    assert ids("reason=no_flow") == {"sc-1", "old-1"}
    assert ids("source=sz-bank") == {"sc-1"}
    assert ids("entity=CN_RESIDENT_ID") == {"tcm-1"}
    assert ids("record_id=tcm-1") == {"tcm-1"}
    assert ids("age=older") == {"old-1"}
    assert ids("age=24h&reason=decode_error") == {None}
    # The same on SQLite and PostgreSQL: codes match whatever their case, and exactly ("_" is no wildcard).
    assert ids("reason=NO_FLOW") == ids("reason=no_flow") and ids("entity=cn_resident_id") == {"tcm-1"}
    assert ids("reason=no%25flow") == set() and ids("reason=no_flo_") == set() and ids("reason=%25") == set()
    assert desk.client.get("/api/records?age=forever", headers=api).status_code == 422
    assert old


def test_record_shows_findings_but_never_values(desk: Desk) -> None:
    held = desk.hold(SENSITIVE)
    response = desk.client.get(f"/api/records/{held}", headers=desk.auth("aud"))
    assert response.status_code == 200
    body = response.json()
    assert {f["entity"] for f in body["findings"]} >= {"CN_RESIDENT_ID", "PHONE_NUMBER"}
    assert body["sensitive"] is True
    assert RESIDENT_ID not in response.text and PHONE not in response.text
    assert desk.client.get("/api/records/nope", headers=desk.auth("aud")).status_code == 404


def test_reveal_needs_the_permission_and_is_audited(desk: Desk) -> None:
    held = desk.hold(SENSITIVE)
    refused = desk.client.post(f"/api/records/{held}/reveal", headers=desk.auth("aud"))
    assert refused.status_code == 403
    assert desk.client.post(f"/api/records/{held}/reveal", headers=desk.auth("root")).status_code == 403
    revealed = desk.client.post(f"/api/records/{held}/reveal", headers=desk.auth("rita"))
    assert revealed.status_code == 200
    assert RESIDENT_ID in {f["value"] for f in revealed.json()["findings"]}
    history = desk.client.get(f"/api/records/{held}/history", headers=desk.auth("aud")).json()
    assert [(e["actor"], e["action"]) for e in history] == [("rita", "reveal")]


def test_release_as_is_goes_to_allow_with_provenance(desk: Desk) -> None:
    held = desk.hold(CONTACT)
    response = desk.client.post(
        f"/api/records/{held}/release", headers=desk.auth("rita"), json={"mode": "as_is"}
    )
    assert response.status_code == 200, response.text
    release = response.json()
    assert release["state"] == "released" and release["four_eyes"] is False
    [message] = desk.publisher.messages("t.allow")
    headers = _headers(message)
    assert json.loads(message.value) == CONTACT
    assert headers[RELEASED_BY] == "rita" and APPROVED_BY not in headers
    assert headers[RELEASE_ID] == release["id"]
    assert (headers[h.ORIGIN_TOPIC], headers[h.ORIGIN_PARTITION]) == ("t.inbound", "1")
    assert headers[h.POLICY_VERSION] == "sha256:unit" and headers[h.DECISION] == "allow"
    assert headers[h.SOURCE] == "gz-tcm-hospital"
    state = desk.client.get(f"/api/records/{held}", headers=desk.auth("rita")).json()
    assert state["status"] == "released"
    again = desk.client.post(
        f"/api/records/{held}/release", headers=desk.auth("rita"), json={"mode": "as_is"}
    )
    assert again.status_code == 409
    assert len(desk.publisher.messages("t.allow")) == 1


def test_release_masked_desensitises_with_the_chosen_operator(desk: Desk) -> None:
    held = desk.hold(CONTACT)
    api = desk.auth("rita")
    bad = desk.client.post(
        f"/api/records/{held}/release", headers=api, json={"mode": "masked", "operator": "rot13"}
    )
    assert bad.status_code == 422
    response = desk.client.post(
        f"/api/records/{held}/release", headers=api, json={"mode": "masked", "operator": "type_tag"}
    )
    assert response.status_code == 200, response.text
    [message] = desk.publisher.messages("t.mask")
    masked = json.loads(message.value)
    assert masked == {"id": "sc-1", "contact": "<PHONE_NUMBER>", "email": "<EMAIL_ADDRESS>"}
    assert _headers(message)["customs-release-operator"] == "type_tag"
    assert not desk.publisher.messages("t.allow")


def test_undecodable_record_can_only_go_as_is(desk: Desk) -> None:
    held = desk.hold(b"\xff\xfe not json", "decode_error")
    api = desk.auth("rita")
    masked = desk.client.post(
        f"/api/records/{held}/release", headers=api, json={"mode": "masked", "operator": "redact"}
    )
    assert masked.status_code == 422
    why = {"mode": "as_is", "justification": "producer confirmed the payload is a test ping"}
    as_is = desk.client.post(f"/api/records/{held}/release", headers=api, json=why)
    assert as_is.json()["state"] == "awaiting_approval"  # nobody inspected it: four eyes
    desk.client.post(f"/api/releases/{as_is.json()['id']}/approve", headers=desk.auth("bo"))
    assert desk.publisher.messages("t.allow")[0].value == b"\xff\xfe not json"


def test_four_eyes_for_sensitive_records(desk: Desk) -> None:
    held = desk.hold(SENSITIVE)
    requested = desk.client.post(f"/api/records/{held}/release", headers=desk.auth("alex"), json={})
    assert requested.status_code == 200
    release = requested.json()
    assert release["state"] == "awaiting_approval" and release["four_eyes"] is True
    assert not desk.publisher.messages("t.allow")
    approve = f"/api/releases/{release['id']}/approve"
    own = desk.client.post(approve, headers=desk.auth("alex"))
    assert own.status_code == 403 and "four-eyes" in own.json()["error"]
    for who in ("rita", "aud", "root"):
        assert desk.client.post(approve, headers=desk.auth(who)).status_code == 403
    pending = desk.client.get("/api/releases", headers=desk.auth("bo")).json()
    assert [r["id"] for r in pending] == [release["id"]]
    approved = desk.client.post(approve, headers=desk.auth("bo"))
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "released" and approved.json()["approved_by"] == "bo"
    [message] = desk.publisher.messages("t.allow")
    assert _headers(message)[RELEASED_BY] == "alex" and _headers(message)[APPROVED_BY] == "bo"
    assert desk.client.post(approve, headers=desk.auth("bo")).status_code == 409
    actions = [
        e["action"] for e in desk.client.get(f"/api/records/{held}/history", headers=desk.auth("aud")).json()
    ]
    assert actions == ["release_requested", "release_approved", "released"]


def test_a_minor_makes_a_record_sensitive(desk: Desk) -> None:
    child = "440103201801010012"  # born 2018: under 14 on the record's date
    held = desk.hold({"id": "kid", "name_note": f"guardian phone {PHONE}", "child_id": child})
    body = desk.client.get(f"/api/records/{held}", headers=desk.auth("rita")).json()
    assert "minor" in body["categories"]


def test_decline_returns_the_record_to_the_queue(desk: Desk) -> None:
    held = desk.hold(SENSITIVE)
    release = desk.client.post(f"/api/records/{held}/release", headers=desk.auth("rita"), json={}).json()
    decline = f"/api/releases/{release['id']}/decline"
    assert desk.client.post(decline, headers=desk.auth("aud"), json={"reason": "no"}).status_code == 403
    assert desk.client.post(decline, headers=desk.auth("bo"), json={"reason": ""}).status_code == 422
    done = desk.client.post(decline, headers=desk.auth("bo"), json={"reason": "purpose unclear"})
    assert done.status_code == 200 and done.json()["state"] == "declined"
    assert desk.client.get(f"/api/records/{held}", headers=desk.auth("rita")).json()["status"] == "held"
    history = desk.client.get(f"/api/records/{held}/history", headers=desk.auth("rita")).json()
    assert history[-1]["reason"] == "purpose unclear"


def test_reject_needs_a_reason_and_the_permission(desk: Desk) -> None:
    held = desk.hold(SENSITIVE)
    url = f"/api/records/{held}/reject"
    assert desk.client.post(url, headers=desk.auth("aud"), json={"reason": "x"}).status_code == 403
    assert desk.client.post(url, headers=desk.auth("root"), json={"reason": "x"}).status_code == 403
    assert desk.client.post(url, headers=desk.auth("rita"), json={"reason": ""}).status_code == 422
    done = desk.client.post(url, headers=desk.auth("rita"), json={"reason": "no contract for this flow"})
    assert done.status_code == 200 and done.json()["status"] == "rejected"
    assert desk.client.post(url, headers=desk.auth("rita"), json={"reason": "again"}).status_code == 409
    release = desk.client.post(f"/api/records/{held}/release", headers=desk.auth("rita"), json={})
    assert release.status_code == 409


def test_rejecting_cancels_an_open_release_request(desk: Desk) -> None:
    held = desk.hold(SENSITIVE)
    release = desk.client.post(f"/api/records/{held}/release", headers=desk.auth("rita"), json={}).json()
    desk.client.post(f"/api/records/{held}/reject", headers=desk.auth("bo"), json={"reason": "not needed"})
    state = desk.client.get(f"/api/releases/{release['id']}", headers=desk.auth("rita")).json()
    assert state["state"] == "cancelled"
    assert (
        desk.client.post(f"/api/releases/{release['id']}/approve", headers=desk.auth("bo")).status_code == 409
    )


def test_release_needs_the_permission(desk: Desk) -> None:
    held = desk.hold(CONTACT)
    for who in ("aud", "root"):
        response = desk.client.post(f"/api/records/{held}/release", headers=desk.auth(who), json={})
        assert response.status_code == 403
    assert not desk.publisher.messages("t.allow")


def test_bulk_reject_and_release_follow_the_filter(desk: Desk) -> None:
    a = desk.hold(CONTACT, "no_flow")
    b = desk.hold(SENSITIVE, "no_flow")
    c = desk.hold({"id": "other"}, "important_data")
    body = {
        "selection": {"reason": "important_data"},
        "reason": "important data never leaves",
        "confirm_count": 1,
    }
    assert desk.client.post("/api/bulk/reject", headers=desk.auth("aud"), json=body).status_code == 403
    rejected = desk.client.post("/api/bulk/reject", headers=desk.auth("rita"), json=body).json()
    assert rejected["rejected"] == [c]
    release = {
        "selection": {"reason": "no_flow"},
        "mode": "as_is",
        "confirm_count": 2,
        "justification": "flow filed since, see change ticket 42",
    }
    assert desk.client.post("/api/bulk/release", headers=desk.auth("aud"), json=release).status_code == 403
    done = desk.client.post("/api/bulk/release", headers=desk.auth("rita"), json=release).json()
    assert done["released"] == [] and set(done["awaiting_approval"]) == {a, b}  # no_flow: never one alone
    assert not desk.publisher.messages("t.allow")


def test_audit_trail_and_exports_for_auditors_only(desk: Desk) -> None:
    held = desk.hold(CONTACT)
    desk.client.post(f"/api/records/{held}/reject", headers=desk.auth("rita"), json={"reason": "duplicate"})
    assert desk.client.get("/api/audit", headers=desk.auth("rita")).status_code == 403
    assert desk.client.get("/api/audit/export", headers=desk.auth("rita")).status_code == 403
    entries = desk.client.get("/api/audit", headers=desk.auth("aud")).json()
    assert entries[0]["action"] == "rejected" and entries[0]["reason"] == "duplicate"
    exported = desk.client.get("/api/audit/export?format=json", headers=desk.auth("aud"))
    assert exported.headers["content-type"].startswith("application/json")
    assert any(e["action"] == "rejected" and e["record"] == held for e in exported.json())
    csv = desk.client.get("/api/audit/export?format=csv", headers=desk.auth("root"))
    assert csv.text.splitlines()[0].startswith("seq,at,actor,action,record")
    assert "duplicate" in csv.text
    assert desk.client.get("/api/audit", headers=desk.auth("aud")).json()[0]["action"] == "export"


def test_admin_creates_users_others_cannot(desk: Desk) -> None:
    body = {"name": "newbie", "password": "a long enough password", "roles": ["reviewer"]}
    assert desk.client.post("/api/users", headers=desk.auth("alex"), json=body).status_code == 403
    created = desk.client.post("/api/users", headers=desk.auth("root"), json=body)
    assert created.status_code == 201 and created.json()["roles"] == ["reviewer"]
    assert desk.client.post("/api/users", headers=desk.auth("root"), json=body).status_code == 409
    short = {**body, "name": "other", "password": "short"}
    assert desk.client.post("/api/users", headers=desk.auth("root"), json=short).status_code == 422
