"""The review store's audit rows form a hash chain, verified before every export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from customs.audit.verify import verify
from streams.audit_export import from_file

from .conftest import Desk

RECORD = {"id": "r-chain", "note": "synthetic, nothing personal"}


def _act(desk: Desk) -> str:
    held = desk.hold(RECORD)
    assert desk.client.post(f"/api/records/{held}/reveal", headers=desk.auth("rita")).status_code == 200
    rejected = desk.client.post(
        f"/api/records/{held}/reject", json={"reason": "test"}, headers=desk.auth("rita")
    )
    assert rejected.status_code == 200, rejected.text
    return held


def test_actions_are_chained_and_the_jsonl_export_verifies(desk: Desk, tmp_path: Path) -> None:
    _act(desk)
    exported = desk.client.get("/api/audit/export?format=jsonl", headers=desk.auth("aud"))
    assert exported.status_code == 200, exported.text
    path = tmp_path / "review-audit.jsonl"
    path.write_text(exported.text)
    events = from_file(path)
    assert [e.event["seq"] for e in events] == list(range(len(events)))
    assert {"reveal", "rejected"} <= {e.event["action"] for e in events}
    report = verify(events, None)
    assert report.ok and report.chains == {"review": len(events)}
    assert desk.review.store.verify_audit().ok


def test_a_changed_row_stops_the_export_and_names_the_row(desk: Desk) -> None:
    _act(desk)
    seq = desk.review.db.scalar("SELECT seq FROM audit WHERE action = 'rejected'")
    with desk.review.db.transaction() as conn:
        conn.execute("UPDATE audit SET reason = 'nothing to see' WHERE seq = ?", (seq,))
    refused = desk.client.get("/api/audit/export?format=csv", headers=desk.auth("aud"))
    assert refused.status_code == 409
    assert f"audit row {seq}" in refused.text and "tampered" in refused.text
    row = desk.review.db.one("SELECT detail FROM audit WHERE action = 'export_refused'")
    assert row is not None and f"audit row {seq}" in json.loads(row["detail"])["first_break"]


@pytest.mark.parametrize("which", ["MIN", "MAX"])
def test_a_deleted_row_is_a_gap_even_the_last_or_the_first(desk: Desk, which: str) -> None:
    _act(desk)
    _act(desk)
    seq = desk.review.db.scalar(f"SELECT {which}(seq) FROM audit WHERE hash IS NOT NULL")
    with desk.review.db.transaction() as conn:
        conn.execute("DELETE FROM audit WHERE seq = ?", (seq,))
    report = desk.review.store.verify_audit()
    assert report.first_break is not None and report.first_break.problem == "gap"


def test_two_swapped_rows_break_the_chain(desk: Desk) -> None:
    _act(desk)
    rows = desk.review.db.all("SELECT seq, action, detail FROM audit WHERE hash IS NOT NULL ORDER BY seq")
    first, second = rows[0], rows[1]
    with desk.review.db.transaction() as conn:
        for row, other in ((first, second), (second, first)):
            conn.execute(
                "UPDATE audit SET action = ?, detail = ? WHERE seq = ?",
                (other["action"], other["detail"], row["seq"]),
            )
    report = desk.review.store.verify_audit()
    assert report.first_break is not None and report.first_break.where == f"audit row {first['seq']}"
