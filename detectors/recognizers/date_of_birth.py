"""DATE_OF_BIRTH: a date that is someone's birth date, never any other date.

A date alone (a visit, a claim, an order, a timestamp) is not a finding. It becomes one when a birth
context word is the nearest context before it (出生日期, 生日, DOB, date of birth, born, data de nascimento)
or right after it (1985年3月12日出生, 12 March 1985 (DOB)), or when its field name says so (``dob``,
``birth_date``, ``出生日期``). A closer non-birth word (就诊日期, claim date, 有效期) cancels an earlier
birth word, so ``出生日期 1985-03-12，就诊日期 2025-06-01`` yields the first date only.

Forms: ``1985-03-12``, ``1985/3/12``, ``1985.03.12``, ``19850312``, ``1985年3月12日`` (and ``1985年3月``),
in Chinese numerals ``二〇一九年五月一日``, ``一九八五年十二月二十一日`` (and ``二〇一九年五月``),
``12/03/1985`` (day first, as in Hong Kong and Macau; month first is accepted when the day is > 12),
``12 March 1985``, ``March 12, 1985``. A date must exist and not lie in the future. Digit groups inside
longer numbers (card numbers, ID numbers, ``6222 1985 0312``) never match.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import ClassVar

from presidio_analyzer import Pattern

from detectors.lexicon.wordlist import longest_first
from detectors.recognizers.base import CONTEXT_BOOST, CONTEXT_WINDOW, Span, SpanRecognizer
from detectors.recognizers.health_data import hint_words

DATE_ONLY = 0.2  # below the threshold: a date needs birth context or a birth field name
EARLIEST_YEAR = 1900

_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "sept": 9,
}
_MONTHS.update({name[:3]: number for name, number in list(_MONTHS.items())})
_MONTH_RE = "|".join(sorted(_MONTHS, key=longest_first))

_BEFORE = r"(?<![0-9A-Za-z])(?<![0-9][-/.:])(?<![0-9] )"
_AFTER = r"(?![0-9A-Za-z])(?![-/.:][0-9])"
_YEAR = r"(?:19|20)\d{2}"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"

# Chinese numerals: a year digit by digit (二〇一九, 一九八五), a month and a day counted (十二, 二十一,
# 廿一).
_HZ_DIGITS = {zero: 0 for zero in "〇○零Ｏ"}
_HZ_DIGITS.update({numeral: n for n, numeral in enumerate("一二三四五六七八九", 1)})
_HZ_YEAR = r"[一二][〇○零Ｏ一二三四五六七八九]{3}"
_HZ_COUNT = r"(?:[一二三]?十[一二三四五六七八九]?|廿[一二三四五六七八九]?|卅[一]?|[一二三四五六七八九])"
_HZ_BEFORE = r"(?<![〇○零Ｏ一二三四五六七八九十])"

YEAR = re.compile(_YEAR + "|" + _HZ_YEAR + "年")
DATE_RE = re.compile(
    _BEFORE
    + "(?:"
    + "|".join(
        (
            rf"(?P<iso>(?P<y1>{_YEAR})(?P<s1>[-/.])(?P<m1>{_MONTH})(?P=s1)(?P<d1>{_DAY})){_AFTER}",
            rf"(?P<zh>(?P<y2>{_YEAR})\s?年\s?(?P<m2>{_MONTH})\s?月(?:\s?(?P<d2>{_DAY})\s?[日号號])?)",
            rf"(?P<dmy>(?P<a3>\d{{1,2}})(?P<s3>[-/.])(?P<b3>\d{{1,2}})(?P=s3)(?P<y3>{_YEAR})){_AFTER}",
            rf"(?P<en>(?P<d4>{_DAY})(?:st|nd|rd|th)?[ -](?i:(?P<mon4>{_MONTH_RE}))\.?,?[ -](?P<y4>{_YEAR}))"
            + _AFTER,
            rf"(?P<us>(?i:(?P<mon5>{_MONTH_RE}))\.?\s(?P<d5>{_DAY})(?:st|nd|rd|th)?,?\s(?P<y5>{_YEAR})){_AFTER}",
            rf"(?P<compact>(?P<y6>{_YEAR})(?P<m6>0[1-9]|1[0-2])(?P<d6>0[1-9]|[12]\d|3[01]))"
            r"(?![0-9A-Za-z])(?![-/. ][0-9])",
            rf"(?P<ym>(?P<y7>{_YEAR})(?P<s7>[-/.])(?P<m7>0[1-9]|1[0-2])){_AFTER}",
            rf"{_HZ_BEFORE}(?P<hz>(?P<y8>{_HZ_YEAR})年(?P<m8>{_HZ_COUNT})月(?:(?P<d8>{_HZ_COUNT})[日号號])?)",
        )
    )
    + ")"
)

# Birth words before a date (出生 but not 出生地 / 出生证 / 出生率) ...
_BIRTH_BEFORE = (
    r"出生(?!地|证|證|率|人口|医|醫)|生日|生於|生于|出世|"
    r"(?<![a-z])(?:d\.?o\.?b\b|date of birth|birth ?date|birthdate|birthday|born|b\.d\.|"
    r"data de nascimento|nascid[oa]|nasc\.)"
)
# ... and dates that are something else: a visit, a claim, an order, a validity period.
_OTHER_BEFORE = (
    r"就诊|就診|复诊|覆診|复查|覆查|门诊|門診|入院|出院|手术|手術|申请|申請|签发|簽發|发证|發證|有效期|到期|截止|"
    r"事故|出险|出險|理赔|理賠|订单|訂單|下单|下單|发货|發貨|交易|付款|登记|登記|生产|生產|签约|簽約|开户|開戶|"
    r"(?<![a-z])(?:visit|visited|admission|admitted|discharge|discharged|claim|order|ordered|incident|"
    r"ship|shipped|shipping|transaction|payment|paid|issue|issued|expiry|expires|expiration|valid|"
    r"appointment|application|applied|registered|registration|signed|updated|created)(?![a-z])"
)
_CONTEXT_RE = re.compile(rf"(?P<birth>{_BIRTH_BEFORE})|(?P<other>{_OTHER_BEFORE})", re.IGNORECASE)
# Birth words right after a date: 1985年3月12日出生, 1985-03-12生, 12 March 1985 (DOB).
_BIRTH_AFTER = re.compile(
    r"\s?(?:出生(?!地)|出世|生人|生(?=[，,。;；\s)）]|$)|[(（]\s?(?:dob|d\.o\.b\.?|born|出生)\s?[)）])",
    re.IGNORECASE,
)
# Words right after a date that make it another kind of date: 2025-06-01复诊, 2025-06-01 visit.
_OTHER_AFTER = re.compile(
    r"\s?(?:就诊|就診|复诊|覆診|复查|覆查|入院|出院|手术|手術|签发|簽發|到期|生效|发货|發貨|申请|申請|下单|下單|"
    r"(?:visit|admission|admitted|discharged|claim|order|shipped|expiry|issued)(?![a-z]))",
    re.IGNORECASE,
)
_HINT_RE = re.compile(
    # pinyin field names too: csrq (出生日期), chusheng (出生), shengri (生日)
    r"(?<![a-z])(?:dob|birth|birthday|birthdate|born|nascimento|csrq|chusheng|shengri)(?![a-z])|出生(?!地)|生日",
)
_HINT_PLACE_RE = re.compile(r"(?<![a-z])(?:place|birthplace|city|country|town|province)(?![a-z])|地|籍")


class DateOfBirthRecognizer(SpanRecognizer):
    ENTITY = "DATE_OF_BIRTH"
    # Presidio needs a pattern; matching and context are done in ``analyze``.
    PATTERNS: ClassVar[list[Pattern]] = [Pattern("date", DATE_RE.pattern, DATE_ONLY)]
    CONTEXT = ("出生日期", "出生年月", "出生", "生日", "dob", "date of birth", "born", "birthday")
    TRIGGER = YEAR  # every form of DATE_RE holds a year

    def spans(self, text: str) -> list[Span]:
        if not text or len(text) < 6:
            return []
        spans: list[Span] = []
        previous_end = 0
        for match in DATE_RE.finditer(text):
            start, end = match.span()
            if not _is_past_date(match):
                continue
            window_start = max(previous_end, start - CONTEXT_WINDOW)
            previous_end = end
            score = DATE_ONLY + CONTEXT_BOOST * _context(text, window_start, start, end)
            if score <= 0:
                continue
            spans.append((start, end, min(1.0, score)))
        return spans

    def score_with_hint(self, score: float, hint: str) -> float:
        """A birth-date field name (``dob``, ``dateOfBirth``, ``出生日期``) raises the score."""
        return min(1.0, score + CONTEXT_BOOST) if is_birth_hint(hint) else score


@lru_cache(maxsize=1024)  # field names repeat on every record
def is_birth_hint(hint: str) -> bool:
    """The field name ``hint`` names a birth date (``dob``, ``birth_date``), not a birthplace."""
    words = hint_words(hint)
    return bool(words) and _HINT_RE.search(words) is not None and not _HINT_PLACE_RE.search(words)


def _context(text: str, window_start: int, start: int, end: int) -> int:
    """-1 when a word right after the date makes it another kind of date (2025-06-01复诊); else +1 when
    the nearest context word before it is a birth word (or one follows it), -1 when that word belongs to
    another kind of date, 0 when there is none."""
    if _OTHER_AFTER.match(text, end):
        return -1
    found = list(_CONTEXT_RE.finditer(text, window_start, start))
    if found:
        return 1 if found[-1].lastgroup == "birth" else -1
    return 1 if _BIRTH_AFTER.match(text, end) else 0


def birth_date_in(text: str, on: date) -> date | None:
    """The date a ``DATE_OF_BIRTH`` finding's text names (the first reading that exists and does not lie
    after ``on``; ``1985年3月`` as the 1st), or None."""
    match = DATE_RE.search(text)
    if match is None:
        return None
    for year, month, day in _candidates(match):
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if found <= on:
            return found
    return None


def _is_past_date(match: re.Match[str]) -> bool:
    """Whether the matched date exists and lies between 1900 and today."""
    today = date.today()
    for year, month, day in _candidates(match):
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if found.year >= EARLIEST_YEAR and found <= today:
            return True
    return False


def _hz_count(numeral: str) -> int:
    """A month or day in Chinese numerals: 五, 十, 十二, 二十一, 廿一, 卅一."""
    tens = {"十": 1, "廿": 2, "卅": 3}
    for mark, ten in tens.items():
        if mark in numeral:
            before, after = numeral.split(mark)
            return (_HZ_DIGITS[before] if before else ten) * 10 + (_HZ_DIGITS[after] if after else 0)
    return _HZ_DIGITS[numeral]


def _candidates(match: re.Match[str]) -> list[tuple[int, int, int]]:
    """The (year, month, day) readings of a ``DATE_RE`` match, the likelier first."""
    kind = match.lastgroup
    group = match.group
    candidates: list[tuple[int, int, int]]
    if kind == "iso":
        candidates = [(int(group("y1")), int(group("m1")), int(group("d1")))]
    elif kind == "zh":
        candidates = [(int(group("y2")), int(group("m2")), int(group("d2") or 1))]
    elif kind == "dmy":
        first, second, year = int(group("a3")), int(group("b3")), int(group("y3"))
        candidates = [(year, second, first), (year, first, second)]  # day first, else month first
    elif kind == "en":
        candidates = [(int(group("y4")), _MONTHS[group("mon4").lower()], int(group("d4")))]
    elif kind == "us":
        candidates = [(int(group("y5")), _MONTHS[group("mon5").lower()], int(group("d5")))]
    elif kind == "compact":
        candidates = [(int(group("y6")), int(group("m6")), int(group("d6")))]
    elif kind == "ym":
        candidates = [(int(group("y7")), int(group("m7")), 1)]
    elif kind == "hz":
        year = int("".join(str(_HZ_DIGITS[c]) for c in group("y8")))
        candidates = [(year, _hz_count(group("m8")), _hz_count(group("d8")) if group("d8") else 1)]
    else:
        candidates = []
    return candidates
