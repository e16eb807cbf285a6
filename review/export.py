"""The audit trail as files for a filing: CSV (one row per entry, formula-safe) or JSON (a list of them),
times in ISO 8601 (UTC)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from review.models import AuditEntry
from review.trail import iso

COLUMNS = ("seq", "at", "actor", "action", "record", "release", "reason", "detail")

# A spreadsheet reads a cell that starts with one of these as a formula (or, tab and carriage return, as the
# start of one once trimmed); such a text cell gets a leading apostrophe, which shows it as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(text: str) -> str:
    """A text cell that no spreadsheet runs as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def render(entries: Sequence[AuditEntry], fmt: str) -> str:
    if fmt == "json":
        rows = [{**entry.to_json(), "at": iso(entry.at)} for entry in entries]
        return json.dumps(rows, ensure_ascii=False, indent=1)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for e in entries:
        writer.writerow(
            [
                e.seq,
                iso(e.at),
                cell(e.actor),
                cell(e.action),
                cell(e.held_id or ""),
                cell(e.release_id or ""),
                cell(e.reason or ""),
                cell(json.dumps(e.detail, sort_keys=True, ensure_ascii=False)),
            ]
        )
    return out.getvalue()
