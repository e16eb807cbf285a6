"""date_shift: move every date of one subject by the same secret number of days.

The shift is derived from an HMAC of the subject key (the record's ``subject`` field, ``id`` by default)
under the pseudonym secret: stable for a subject, so intervals between that subject's dates survive;
between 1 and ``days`` (30) days either way, never 0. Without a subject key, or for a value that is
not a date, the value becomes its type tag.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from detectors.walker import JsonValue, split_path
from rules.operators.base import Operator, OperatorContext, Params, int_param, type_tag
from rules.operators.dates import parse_date

MAX_DAYS = 3650


def shift_days(subject: str, key: bytes, days: int) -> int:
    """A stable offset in ``[-days, -1] ∪ [1, days]`` for ``subject`` under ``key``."""
    digest = hmac.new(key, f"date_shift\x00{subject}".encode(), hashlib.sha256).digest()
    n = int.from_bytes(digest[:8], "big") % (2 * days)
    return n - days if n < days else n - days + 1


def subject_of(record: JsonValue, path: str) -> str | None:
    """The subject key at ``path`` (a string or a number), or None."""
    node = record
    for part in split_path(path):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    if isinstance(node, bool) or not isinstance(node, str | int):
        return None
    text = str(node)
    return text or None


class DateShift(Operator):
    name = "date_shift"
    PARAMS = frozenset({"days", "subject"})

    def validate(self, params: Params) -> None:
        days = int_param(params, "days", 30)
        if not 1 <= days <= MAX_DAYS:
            raise ValueError(f"operator parameter 'days' must be between 1 and {MAX_DAYS}")
        subject = params.get("subject", "id")
        if not isinstance(subject, str) or not subject:
            raise ValueError("operator parameter 'subject' must be a field path such as 'id'")

    def operate_in(
        self, value: str, entity: str, params: Params, key: bytes, context: OperatorContext
    ) -> str:
        parsed = parse_date(value)
        subject = subject_of(context.record, str(params.get("subject", "id")))
        if parsed is None or subject is None:
            return type_tag(entity)
        offset = shift_days(subject, key, int_param(params, "days", 30))
        try:
            return parsed.render(parsed.day + timedelta(days=offset))
        except OverflowError:  # a date at the very edge of the calendar
            return type_tag(entity)
