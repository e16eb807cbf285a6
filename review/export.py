"""The audit trail as files for a filing: CSV (one row per entry) or JSON (a list of entries)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from review.models import AuditEntry

COLUMNS = ("seq", "at", "actor", "action", "record", "release", "reason", "detail")


def render(entries: Sequence[AuditEntry], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([entry.to_json() for entry in entries], ensure_ascii=False, indent=1)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for e in entries:
        writer.writerow(
            [
                e.seq,
                e.at,
                e.actor,
                e.action,
                e.held_id or "",
                e.release_id or "",
                e.reason or "",
                json.dumps(e.detail, sort_keys=True, ensure_ascii=False),
            ]
        )
    return out.getvalue()
