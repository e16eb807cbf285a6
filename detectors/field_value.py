"""The whole value of a phone, ID or card field, judged by its digit skeleton.

The recognizers' patterns know the usual ways of writing a number (``138 1234 5678``, ``+852 9123-4567``,
``6222 0212 3456 7894``) and stay strict in free text, where a dotted or oddly grouped run of digits may be
anything. A field whose name says what it holds is different: ``{"phone": "150.3979.7057"}``,
``{"tel": "937 30679"}``, ``{"phone": "1 9 9 0 7 5 1 9 2 9 4"}``, ``{"phone": 8613912345678}`` or
``{"id_no": "440103 19900909 5702"}`` is that number whatever its grouping.

So where the field name is a context word of the phone, resident-ID or card recognizers
(``hint_context``: ``phone``, ``tel``, 手機, ``id_no``, 證件, ``card_no`` …, plus ``card`` and 卡 for cards)
and names no negative one (``order_no``), a value that is a *digit skeleton* — digits, separators (spaces
of any kind, ``- . / _``; invisible characters are already gone from the normalised view) and an optional
leading ``+`` (an ID may end in ``X``) — is compacted and judged as one number:

- phone: the compact number, and with its country code read as one where it starts with ``00``, or with
  ``86``, ``852`` or ``853`` and the rest has the length of a number there (``8613912345678``,
  ``85291234567``, ``852-91234567``). A number ``phonenumbers`` accepts scores like a validated number with
  a phone field (0.95); one with only the numbering plan's shape (``leniency.phone_shape``) like a shape-only
  number with a phone field (0.55). Business numbers (400, 800 …) are never reported, as everywhere. A value
  written like a date (``2024-05-01``, ``01/05/2024``) or a decimal (``2786.4410``) is not judged as a phone;
- resident ID: a valid one (1.0), or the 15-digit and wrong-check forms (0.55,
  ``leniency.resident_id_shape``);
- card: a Luhn-valid UnionPay card (``CN_BANK_CARD``) or card of a known scheme (``CREDIT_CARD``), 1.0;
- an identifier with no shape of its own (``detectors.named_code``), where none of the readings above
  holds: a hospital's record number under ``mrn``, ``住院号``, ``patient_id`` … (``ZY2024020311``,
  ``387712``), a QQ number or WeChat id under ``qq``, ``wechat``, ``微信`` … (``lin_wei88``), 0.85.

Without such a field name one reading stays: a value that is only digits, a country code and a number
``phonenumbers`` accepts (``8613912345678``, ``85291234567`` — a JSON number has no ``+``), scores 0.6 like
a validated number without context.

The finding covers the whole value (from its first to its last digit), so no group of it stays in clear; it
is scored at least as high as any finding the recognizers made inside it, so that it wins the overlap. A
value the recognizers already found whole is left to them (their finding and score stand).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

from detectors.leniency import SHAPE_ONLY, phone_shape, resident_id_shape
from detectors.named_code import NAMED, NamedCodeRecognizer
from detectors.recognizers.base import CONTEXT_BOOST, GbaRecognizer
from detectors.recognizers.cn_bank_card import is_bank_card
from detectors.recognizers.cn_resident_id import PROVINCES, is_resident_id
from detectors.recognizers.credit_card import scheme_of
from detectors.recognizers.phone_number import is_business_number, is_gba_number

Found = tuple[int, int, float, str]  # start, end, score, entity (as the classifier keeps them)

VALID_PHONE = 0.6 + CONTEXT_BOOST  # a validated mobile's pattern score with a phone field name
SHAPED = SHAPE_ONLY + CONTEXT_BOOST  # a shape-only number with a field name (leniency)
VALID = 1.0  # a check character or Luhn digit that holds
VALID_BARE = 0.6  # a validated number written with its country code but no + or 00, no field name
HINT_CACHE_SIZE = 1024

# The value as a whole: an optional +, digits and separators, an ID's final X; blanks around it.
_SKELETON = re.compile(r"\s*(\+?\d(?:[\d\s./_-]*\d)?[Xx]?)\s*")
_SEPARATORS = re.compile(r"[\s./_-]")
_BARE = re.compile(r"\s*(\d{11,13})\s*")  # a value of digits only, as long as a country code and a number
# Values that are dates or decimals, not phones, even under a phone field name.
_YEAR, _MONTH, _DAY = r"(?:19|20)\d\d", r"(?:0?[1-9]|1[0-2])", r"(?:0?[1-9]|[12]\d|3[01])"
_DATE = re.compile(
    rf"{_YEAR}([-/._ ]){_MONTH}\1{_DAY}|{_DAY}([-/._ ]){_MONTH}\2{_YEAR}|{_MONTH}([-/._ ]){_DAY}\3{_YEAR}"
)
_DECIMAL = re.compile(r"\d+\.\d+")
# Country codes a compact phone may start with, without + or 00, and the national length after them.
_COUNTRY_CODES = (("86", 11), ("852", 8), ("853", 8))
# Card field names the card recognizers' context words leave out (they want ``card no``, 卡号 …).
CARD_WORDS = ("card", "卡")

PHONE, RESIDENT_ID, CARD = "PHONE_NUMBER", "CN_RESIDENT_ID", "CARD"
RECORD_NUMBER, HEALTH = "MEDICAL_RECORD_NUMBER", "HEALTH_DATA"
_CARD_ENTITIES = ("CN_BANK_CARD", "CREDIT_CARD")


def phone_candidates(compact: str) -> list[str]:
    """``compact`` (digits, perhaps after ``+``) and its readings with a country code but no + or 00."""
    found = [compact]
    if compact.startswith("00"):
        found.append("+" + compact[2:])
    elif not compact.startswith(("+", "0")):
        found.extend(
            "+" + compact
            for code, national in _COUNTRY_CODES
            if compact.startswith(code) and len(compact) == len(code) + national
        )
    return found


def phone_score(compact: str) -> float | None:
    """The score of a compact number in a phone field: validated, shape only, or None (no phone)."""
    candidates = phone_candidates(compact)
    for candidate in candidates:
        if is_gba_number(candidate):
            return None if is_business_number(candidate) else VALID_PHONE
    return SHAPED if any(phone_shape(candidate) for candidate in candidates) else None


def id_score(compact: str) -> float | None:
    if is_resident_id(compact):
        return VALID
    return SHAPED if resident_id_shape(compact, PROVINCES) else None


def card_entity(compact: str) -> str | None:
    if is_bank_card(compact):
        return "CN_BANK_CARD"
    return "CREDIT_CARD" if scheme_of(compact) is not None else None


def _international_without_plus(text: str, found: Sequence[Found]) -> list[Found]:
    """A value that is nothing but a country code and a valid number, without ``+`` or ``00``
    (``8613812345678``: a JSON number cannot hold a ``+``), is that phone whatever its field name, scored
    like a validated number without context; a number that only has the shape needs the field name."""
    match = _BARE.fullmatch(text)
    if match is None:
        return []
    start, end = match.span(1)
    if any(f[0] <= start and end <= f[1] for f in found):
        return []
    compact = match.group(1)
    for candidate in phone_candidates(compact)[1:]:  # only the readings with a country code
        if is_gba_number(candidate):
            return [] if is_business_number(candidate) else [(start, end, VALID_BARE, PHONE)]
    return []


def _health_for(entity: str, finding: Found) -> bool:
    """``finding`` is health data read into a field that holds a hospital's record number."""
    return entity == RECORD_NUMBER and finding[3] == HEALTH


class FieldValues:
    """Judges whole field values by their digit skeleton (see the module); ``recognizers``: the
    classifier's rule recognizers by entity, whose context words say what a field name means."""

    def __init__(self, recognizers: Mapping[str, GbaRecognizer]) -> None:
        self._recognizers = recognizers
        # Identifiers with no shape of their own (``detectors.named_code``), by entity: a field named for
        # one is read whole by its recognizer.
        self._named = {e: r for e, r in recognizers.items() if isinstance(r, NamedCodeRecognizer)}
        self._kinds: Callable[[str], tuple[str, ...]] = lru_cache(maxsize=HINT_CACHE_SIZE)(self.kinds)

    def kinds(self, hint: str) -> tuple[str, ...]:
        """What the field name ``hint`` says its value is: phone, resident ID, card, a hospital's record
        number and/or a messaging account."""

        def says(entity: str) -> tuple[bool, bool]:
            recognizer = self._recognizers.get(entity)
            return recognizer.hint_context(hint) if recognizer is not None else (False, False)

        kinds = []
        named = tuple((entity, (entity,)) for entity in self._named)
        for kind, entities in (
            (PHONE, (PHONE,)),
            (RESIDENT_ID, (RESIDENT_ID,)),
            (CARD, _CARD_ENTITIES),
            *named,
        ):
            judged = [says(entity) for entity in entities]
            positive = any(p for p, _ in judged) or (
                kind == CARD and any(word in hint.lower() for word in CARD_WORDS)
            )
            if positive and not any(n for _, n in judged):
                kinds.append(kind)
        return tuple(kinds)

    def find(self, text: str, hint: str, found: Sequence[Found] = ()) -> list[Found]:
        """The whole value of ``text`` as the number its field name ``hint`` says it is (one finding, or
        none); ``found``: what the recognizers found in ``text``, which it outscores where they overlap."""
        kinds = self._kinds(hint) if hint else ()
        if not kinds:
            return _international_without_plus(text, found)
        best: tuple[int, int, float, str] | None = None
        match = _SKELETON.fullmatch(text)
        if match is not None:
            start, end = match.span(1)
            value = match.group(1)
            compact = _SEPARATORS.sub("", value).upper()
            for kind in kinds:
                judged = self._judge(kind, value, compact) if kind not in self._named else None
                if judged is not None and (best is None or judged[0] > best[2]):
                    best = (start, end, *judged)
        for kind in kinds if best is None else ():  # a named identifier, when no number reading holds
            span = self._named[kind].whole_value(text) if kind in self._named else None
            if span is not None:
                best = (*span, NAMED, kind)
                break
        if best is None:
            return []
        start, end, score, entity = best
        # The recognizers found it whole already (a health finding under a field such as 病历号 aside:
        # the number is not a diagnosis, and a flow allowed health data must not let it through).
        if any(f[0] <= start and end <= f[1] and not _health_for(entity, f) for f in found):
            return []
        score = max([score, *(f[2] for f in found if f[0] < end and start < f[1])])
        return [(start, end, score, entity)]

    @staticmethod
    def _judge(kind: str, value: str, compact: str) -> tuple[float, str] | None:
        if kind == PHONE:
            if compact.endswith("X") or _DATE.fullmatch(value) or _DECIMAL.fullmatch(value):
                return None
            score = phone_score(compact)
            return None if score is None else (score, PHONE)
        if compact.startswith("+"):
            return None
        if kind == RESIDENT_ID:
            score = id_score(compact)
            return None if score is None else (score, RESIDENT_ID)
        entity = card_entity(compact)
        return None if entity is None else (VALID, entity)
