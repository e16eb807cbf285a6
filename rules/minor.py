"""The "minor under 14" signal: PIPL treats any personal information of a child under 14 as sensitive.

A record is about a child when a birth date in it says so, on the record's own date (no clock): the birth
date inside a PRC resident ID (digits 7–14 of the 18-digit form, 7–12 as 19YYMMDD of the old 15-digit
one), or a ``DATE_OF_BIRTH`` finding — a date after a birth word (出生日期 2019-05-01, DOB) or in a
birth-date field (``dob``, ``birth_date``, ``出生日期``), whatever its form (``2019-05-01``, ``20190501``,
``2019年5月1日``, ``01/05/2019``). Full-width digits and invisible characters are read through the
normalised view (``detectors.normalise``).
"""

from __future__ import annotations

import re
from datetime import date

from detectors.finding import Finding
from detectors.normalise import view
from detectors.recognizers.date_of_birth import birth_date_in
from detectors.walker import JsonValue, inspected_text_at

MINOR_AGE = 14
_SEPARATORS = re.compile(r"[\s./_-]")  # between an ID's digit groups


def birth_date_of(resident_id: str) -> date | None:
    """The birth date inside an 18-digit or 15-digit resident ID (plain or grouped: 440103 20160315 1234),
    or None."""
    digits = _SEPARATORS.sub("", view(resident_id).text)
    if len(digits) == 18 and digits[:17].isdigit() and digits.isascii():
        year, month, day = digits[6:10], digits[10:12], digits[12:14]
    elif len(digits) == 15 and digits.isdigit() and digits.isascii():
        year, month, day = "19" + digits[6:8], digits[8:10], digits[10:12]
    else:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def is_minor(record: JsonValue, finding: Finding, on: date) -> bool:
    """True when ``finding`` is a resident ID or a birth date of someone under 14 on ``on``."""
    if finding.entity not in ("CN_RESIDENT_ID", "DATE_OF_BIRTH"):
        return False
    text = inspected_text_at(record, finding.path)
    if text is None:
        return False
    found = text[finding.start : finding.end]
    born = birth_date_of(found) if finding.entity == "CN_RESIDENT_ID" else birth_date_in(view(found).text, on)
    return born is not None and born <= on and age_on(born, on) < MINOR_AGE


is_minor_id = is_minor  # the name of the resident-ID-only signal, kept for its callers
