"""The "minor under 14" signal: PIPL treats any personal information of a child under 14 as sensitive.

A PRC resident ID carries its holder's birth date (digits 7–14), so a record about a child can be
recognised from the ID alone, on the record's own date (no clock).
"""

from __future__ import annotations

from datetime import date

from detectors.finding import Finding
from detectors.walker import JsonValue, text_at

MINOR_AGE = 14


def birth_date_of(resident_id: str) -> date | None:
    digits = resident_id.strip()
    if len(digits) != 18 or not digits[:17].isdigit():
        return None
    try:
        return date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return None


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def is_minor_id(record: JsonValue, finding: Finding, on: date) -> bool:
    """True when ``finding`` is a resident ID whose holder is under 14 on ``on``."""
    if finding.entity != "CN_RESIDENT_ID":
        return False
    text = text_at(record, finding.path)
    if text is None:
        return False
    born = birth_date_of(text[finding.start : finding.end])
    return born is not None and born <= on and age_on(born, on) < MINOR_AGE
