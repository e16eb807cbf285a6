"""One API token revoked on its own, by its owner or an admin, through the API; the others keep working."""

from __future__ import annotations

from .conftest import Desk


def test_a_user_revokes_one_of_their_tokens_and_keeps_the_others(desk: Desk) -> None:
    rita = desk.review.accounts.user_named("rita")
    assert rita is not None
    desk.clock.now += 60
    second = desk.review.accounts.issue_token(rita, "script")
    listed = desk.client.get("/api/tokens", headers=desk.auth("rita")).json()
    assert [t["name"] for t in listed] == ["test", "script"]
    assert all(set(t) >= {"id", "created_at", "expires_at", "last_used", "revoked"} for t in listed)
    assert not any(second.split("_", 2)[2] in str(value) for t in listed for value in t.values())
    first_id = desk.tokens["rita"].split("_")[1]
    revoked = desk.client.post(f"/api/tokens/{first_id}/revoke", headers=desk.auth("rita"))
    assert revoked.status_code == 200 and revoked.json()["revoked"] is True
    assert desk.client.get("/api/me", headers=desk.auth("rita")).status_code == 401
    assert desk.client.get("/api/me", headers={"Authorization": f"Bearer {second}"}).json()["name"] == "rita"
    entry = desk.client.get("/api/audit", headers=desk.auth("aud")).json()[0]
    assert entry["action"] == "token_revoked" and entry["actor"] == "rita"
    assert entry["detail"] == {"token": first_id, "user": "rita"}


def test_only_an_admin_revokes_or_lists_another_users_token(desk: Desk) -> None:
    alex_id = desk.tokens["alex"].split("_")[1]
    refused = desk.client.post(f"/api/tokens/{alex_id}/revoke", headers=desk.auth("rita"))
    assert refused.status_code == 404  # not even whether it exists
    assert desk.client.get("/api/me", headers=desk.auth("alex")).status_code == 200
    assert desk.client.get("/api/tokens?user=alex", headers=desk.auth("rita")).status_code == 403
    listed = desk.client.get("/api/tokens?user=alex", headers=desk.auth("root")).json()
    assert [t["id"] for t in listed] == [alex_id]
    done = desk.client.post(f"/api/tokens/{alex_id}/revoke", headers=desk.auth("root"))
    assert done.status_code == 200 and done.json()["user"] == "alex"
    assert desk.client.get("/api/me", headers=desk.auth("alex")).status_code == 401
    assert desk.client.get("/api/me", headers=desk.auth("bo")).status_code == 200
    missing = desk.client.post("/api/tokens/000000000000/revoke", headers=desk.auth("root"))
    assert missing.status_code == 404
