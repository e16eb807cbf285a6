"""The "minor under 14" signal: PIPL treats any personal information of a child under 14 as sensitive.

A record is about a child when a birth date in it says so, on the record's own date (no clock): the birth
date inside a PRC resident ID (digits 7–14 of the 18-digit form, 7–12 as 19YYMMDD of the old 15-digit
one), or a ``DATE_OF_BIRTH`` finding — a date after a birth word (出生日期 2019-05-01, DOB) or in a
birth-date field (``dob``, ``birth_date``, ``出生日期``), whatever its form (``2019-05-01``, ``20190501``,
``2019年5月1日``, ``01/05/2019``). Full-width digits and invisible characters are read through the
normalised view (``detectors.normalise``).

Or when the record states an age under 14 (``stated_child``): in an age field (``age``,
``patient_age``, ``年龄``; ``age_months``, ``月龄`` in months) whose value is only the age (``5``, ``"5岁"``,
``"8 months"``), or in text after an age word (年龄：5岁, aged 5), after a sex (男，5岁 — how case notes
open), before a word for a child (5岁男孩, 3歲患兒) or as ``5-year-old``. Then every personal finding of the
record is a child's. An age alone, or one in passing (5岁时曾患…), says nothing.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from datetime import date
from functools import lru_cache

from detectors.entities import Category
from detectors.finding import Finding
from detectors.normalise import needs_view, view
from detectors.recognizers.date_of_birth import birth_date_in
from detectors.recognizers.health_data import hint_words
from detectors.walker import JsonValue, inspected_text_at
from rules.jurisdiction import PERSONAL_CATEGORIES

_MINOR = frozenset({Category.MINOR})

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


_YEARS = r"(?:岁|歲|周岁|週歲|足岁|足歲|years?|yrs?|y/o|yo|y)"
_MONTHS = r"(?:个月|個月|月龄|月齡|months?|mos?)"
_AGE_VALUE = re.compile(rf"\s*+(\d{{1,3}})(?:\.\d+)?\s*+(?:({_YEARS})|({_MONTHS}))?\.?\s*+", re.IGNORECASE)
_AGE_FIELD_WORDS = frozenset({"age", "ages", "aged", "年龄", "年齡", "岁数", "歲數", "月龄", "月齡"})
_MONTH_FIELD_WORDS = frozenset({"month", "months", "mos", "月龄", "月齡"})
_CHILD_WORDS = "(?:男孩|女孩|男童|女童|患儿|患兒|儿童|兒童|小孩|孩子|幼儿|幼兒|婴儿|嬰兒)"
_AGE_IN_TEXT = re.compile(
    rf"(?:(?<![a-z])(?:age|aged)(?![a-z])|年龄|年齡)\s*+(?:is\s*+)?[:：=]?\s*+(\d{{1,3}})\s*+(?:({_YEARS})|({_MONTHS}))?"
    rf"|(?:男|女|male|female)\s*+[,，、/]\s*+(\d{{1,3}})\s*+(?:({_YEARS})|({_MONTHS}))"
    rf"|(\d{{1,2}})\s*+(?:({_YEARS})|({_MONTHS}))半?\s*+的?{_CHILD_WORDS}"
    rf"|(\d{{1,2}})[- ](?:(year)|(month))s?[- ]old(?![a-z])",
    re.IGNORECASE,
)
_AGE_CUE = re.compile(r"岁|歲|个月|個月|年龄|年齡|age|year-old|month-old", re.IGNORECASE)  # most texts: none


def _under_14(number: str, years: str | None, months: str | None, in_months: bool = False) -> bool:
    count = int(number)
    if months or (in_months and not years):
        return count < MINOR_AGE * 12
    return count < MINOR_AGE


@lru_cache(maxsize=1024)  # field names repeat on every record
def _age_field(hint: str) -> tuple[bool, bool]:
    """Whether ``hint`` names an age field, and whether its bare numbers are months (``age_months``)."""
    words = set(hint_words(hint).split())
    return bool(words & _AGE_FIELD_WORDS), bool(words & _MONTH_FIELD_WORDS)


def _child_in_text(text: str, hint: str) -> bool:
    is_age, in_months = _age_field(hint) if hint else (False, False)
    if not is_age and not _AGE_CUE.search(text):
        return False
    if needs_view(text):
        text = view(text).text
    if is_age:
        value = _AGE_VALUE.fullmatch(text)
        if value and _under_14(value[1], value[2], value[3], in_months):
            return True
    for match in _AGE_IN_TEXT.finditer(text):
        groups = match.groups()
        for at in range(0, len(groups), 3):
            if groups[at] is not None and _under_14(groups[at], groups[at + 1], groups[at + 2]):
                return True
    return False


def is_childs(categories: AbstractSet[Category]) -> bool:
    """Whether a finding of ``categories`` is the child's in a record that states a child's age
    (``stated_child``): every personal one is (decide, explain and the review analysis alike)."""
    return not categories.isdisjoint(PERSONAL_CATEGORIES)


def with_child(categories: frozenset[Category]) -> frozenset[Category]:
    """A finding's categories in a record that states a child's age: ``minor`` added where ``is_childs``."""
    return categories | _MINOR if is_childs(categories) else categories


def stated_child(record: JsonValue) -> bool:
    """Whether ``record`` states the age of someone under 14 (see the module docstring): its strings, and
    its numbers under an age field (keys are field names, not read for ages)."""
    stack: list[tuple[JsonValue, str]] = [(record, "")]
    pop, push = stack.pop, stack.append
    while stack:
        node, hint = pop()
        if isinstance(node, str):
            if _child_in_text(node, hint):
                return True
        elif isinstance(node, dict):
            for key, child in node.items():
                push((child, key))
        elif isinstance(node, list):
            for child in node:
                push((child, hint))
        elif isinstance(node, int | float) and not isinstance(node, bool) and hint and 0 <= node < 1000:
            is_age, in_months = _age_field(hint)
            if is_age and _under_14(str(int(node)), None, None, in_months):
                return True
    return False


is_minor_id = is_minor  # the name of the resident-ID-only signal, kept for its callers
