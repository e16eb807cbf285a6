"""Field-aware leniency: where the field or the words before a number say what it is, its shape is enough.

``phonenumbers`` knows which number ranges are allocated today, and a resident ID's check character tells a
typo; both are right to be strict for a bare number in free text. But number plans change (mainland 149,
164 and 194 ranges, new Hong Kong mobile blocks such as 9950 xxxx), and a typo'd or old ID is still someone's
ID: a leak-averse gateway must not depend on a metadata snapshot where the field says what the value is.

So a recognizer keeps a number that only has the right *shape* at ``SHAPE_ONLY`` (0.2), below any policy's
threshold: alone it is no finding. A context word of the recognizer in the window before it (``电话``,
``mobile``, ``身份证``), or a field name holding one (``phone``, ``mobile_no``, ``id_no``, ``sfz``; added by
the classifier through ``score_with_hint``), adds ``CONTEXT_BOOST`` (0.35): 0.55, above the default
threshold of 0.5 and below a validated number's score with the same context. A negative context word
(``订单``, ``amount``) takes the boost away again.

The shapes (``phone_shape``, ``resident_id_shape``):

- mainland mobile: 11 digits ``1[3-9]…`` (149, 164, 194 … included), with or without +86;
- Hong Kong: 8 digits starting 2–9, with or without +852; Macau: 8 digits starting 6 or 28, or +853 and 8
  digits starting 2–9;
- resident ID: the 15-digit form (province, then a real birth date YYMMDD in the 1900s, then 3 digits) and
  the 18-digit form whose province and birth date are real but whose check character is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from functools import lru_cache

from detectors.recognizers.base import CONTEXT_BOOST, CONTEXT_WINDOW, WordTest, any_word

SHAPE_ONLY = 0.2

_CN_MOBILE = re.compile(r"(?:\+86)?1[3-9]\d{9}")
_HK = re.compile(r"(?:\+852)?[2-9]\d{7}")
_MO = re.compile(r"(?:\+853)?(?:6\d{7}|28\d{6})|\+853[2-9]\d{7}")


def phone_shape(compact: str) -> bool:
    """``compact`` (separators dropped, an international prefix as ``+``) has the shape of a mainland
    mobile, Hong Kong or Macau number."""
    return any(shape.fullmatch(compact) for shape in (_CN_MOBILE, _HK, _MO))


def resident_id_shape(text: str, provinces: frozenset[str]) -> bool:
    """``text`` is a 15-digit resident ID with a real birth date, or an 18-character one with a real
    province and birth date (whatever its check character); ``provinces``: the valid first two digits."""
    number = text.upper()
    if len(number) == 15 and number.isdigit():
        year, rest = "19" + number[6:8], number[8:12]
    elif len(number) == 18 and number[:17].isdigit() and (number[17].isdigit() or number[17] == "X"):
        year, rest = number[6:10], number[10:14]
    else:
        return False
    if not number.isascii() or number[:2] not in provinces:
        return False
    try:
        date(int(year), int(rest[:2]), int(rest[2:]))
    except ValueError:
        return False
    return True


def shape_only_score(text: str, start: int, context: tuple[str, ...], negative: tuple[str, ...]) -> float:
    """The score of a number that only has the right shape, at ``start`` in ``text``: ``SHAPE_ONLY``, raised
    by a (lower-case) ``context`` word in the window before it, lowered by a ``negative`` one."""
    window = text[max(0, start - CONTEXT_WINDOW) : start].lower()
    score = SHAPE_ONLY
    if _word_test(context)(window):
        score += CONTEXT_BOOST
    if _word_test(negative)(window):
        score -= CONTEXT_BOOST
    return max(0.0, score)


@lru_cache(maxsize=64)  # a recognizer's context and negative words: a handful of tuples
def _word_test(words: tuple[str, ...]) -> WordTest:
    return any_word(words)


def outside(taken: Iterable[tuple[int, int]], candidates: Iterable[re.Match[str]]) -> Iterator[re.Match[str]]:
    """The ``candidates`` (left to right, not overlapping each other, as ``finditer`` gives them) that
    overlap none of the ``taken`` spans: one pass over both, so thousands of numbers in a text stay linear."""
    spans = sorted(taken)
    index = 0
    for match in candidates:
        start, end = match.span()
        while index < len(spans) and spans[index][1] <= start:
            index += 1
        if index < len(spans) and spans[index][0] < end:
            continue
        yield match
