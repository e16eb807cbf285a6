"""PHONE_NUMBER: mainland (mobile, fixed), Hong Kong and Macau numbers, checked by ``phonenumbers``."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import ClassVar

import phonenumbers
from presidio_analyzer import Pattern, RecognizerResult

from detectors.leniency import SHAPE_ONLY, outside, phone_shape, shape_only_score
from detectors.phone_parse import business_number, parse_number, valid_number
from detectors.recognizers.base import CONTEXT_BOOST, DIGIT_RUN, GbaRecognizer

GBA_REGIONS = frozenset({"CN", "HK", "MO"})
_SEPARATORS = str.maketrans("", "", " ()-.")  # dropped from a matched number before parsing

# Not inside a longer code or digit run, including digit runs grouped by spaces or dashes (card numbers)
# and decimals (amounts).
_BEFORE = r"(?<![0-9A-Za-z+])(?<!\d[ .-])"
_AFTER = r"(?![0-9A-Za-z])(?![ .-]\d)"
_AREA = r"(?:10|2\d|[3-9]\d{2})"  # mainland area code without its trunk 0
_LOCAL = r"\d{3,4}[ -]?\d{4}"  # mainland 7- or 8-digit local number
# After a +852 / +853 prefix the eight digits may be grouped any way (+852 91 23 45 67).
_HK_MO_BODY_ANY = r"[2-9](?:[ -]?\d){7}"
# A link that holds a number in international form without its + (https://wa.me/85291234567).
_LINK = r"(?<=wa\.me/)\d{8,15}(?!\d)|(?<=whatsapp\.com/send\?phone=)\d{8,15}(?!\d)"
LINKED = 0.6 + CONTEXT_BOOST  # a valid number in a link that says it is a phone
# A shape-only number written with its international prefix says what it is (+852 9950 7668): a mainland
# mobile, a Hong Kong number in a fixed or mobile range (2, 3, 5, 6, 8, 9), a Macau mobile or fixed line.
_EXPLICIT = re.compile(r"\+(?:861[3-9]\d{9}|852[235689]\d{7}|853(?:6\d{7}|28[2-9]\d{5}))")


class PhoneNumberRecognizer(GbaRecognizer):
    ENTITY = "PHONE_NUMBER"
    TRIGGER = DIGIT_RUN
    LISTED = True
    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "cn_mobile",
            _BEFORE + r"(?:(?:\+|00)86[ -]?|86[ -])?1[3-9]\d(?:[ -]?\d{4}){2}" + _AFTER,
            0.6,
        ),
        Pattern(
            "cn_fixed_international",
            _BEFORE + r"(?:\+|00)86[ -]?(?:\(" + _AREA + r"\)|" + _AREA + r")[ -]?" + _LOCAL + _AFTER,
            0.6,
        ),
        Pattern(
            "cn_fixed_area_code",
            _BEFORE + r"(?:\(0" + _AREA + r"\)[ -]?|0" + _AREA + r"[ -])" + _LOCAL + _AFTER,
            0.5,
        ),
        Pattern("cn_fixed_compact", _BEFORE + r"0" + _AREA + r"\d{7,8}" + _AFTER, 0.4),
        Pattern(
            "hk_mo_international",
            _BEFORE + r"(?:(?:\+|00)85[23][ -]?|\((?:\+|00)?85[23]\)[ -]?)" + _HK_MO_BODY_ANY + _AFTER,
            0.6,
        ),
        # Four and four digits is how Hong Kong and Macau write their numbers (2786 4410): a valid one
        # counts on its own; eight bare digits, or pairs (28 35 10 24), may be anything: context decides.
        Pattern("hk_mo_local_grouped", _BEFORE + r"[2-9]\d{3}[ -]\d{4}" + _AFTER, 0.5),
        Pattern("hk_mo_local", _BEFORE + r"(?:[2-9]\d{7}|[2-9]\d(?: \d\d){3})" + _AFTER, 0.4),
        # A mobile with its first group in brackets (+86 (138) 0013-8000, (139) 1234 5678).
        Pattern(
            "cn_mobile_bracketed",
            _BEFORE + r"(?:(?:\+|00)86[ -]?)?\(1[3-9]\d\)[ -]?\d{4}[ -]?\d{4}" + _AFTER,
            0.6,
        ),
        # A mobile grouped 3-4-4 by dots (138.1234.5678, 0086.138.1234.5678): two dots, no decimal.
        Pattern("cn_mobile_dotted", _BEFORE + r"(?:(?:\+|00)86[ .-]?)?1[3-9]\d\.\d{4}\.\d{4}" + _AFTER, 0.6),
        # A mobile glued to ASCII letters (mobile13812345678, 13812345678ok): valid, and only with a phone
        # word before it (the glued word counts) or a phone field name, so codes such as SKU… stay out.
        Pattern(
            "cn_mobile_glued",
            r"(?<![0-9+])(?<!\d[ .-])(?:(?<=[A-Za-z])1[3-9]\d{9}(?!\d)(?![ .-]\d)|1[3-9]\d{9}(?=[A-Za-z]))",
            0.2,
        ),
        # Links: what the digits are is read by ``_in_links`` (with their +); this only makes the
        # classifier look.
        Pattern("link", _LINK, LINKED),
    ]
    CONTEXT = (
        "电话",
        "電話",
        "手机",
        "手機",
        "联系",
        "聯絡",
        "聯繫",
        "致电",
        "致電",
        "来电",
        "來電",
        "传真",
        "傳真",
        "热线",
        "熱線",
        "phone",
        "mobile",
        "tel",
        "cell",
        "contact",
        "fax",
        "hotline",
        "whatsapp",
        "call",
        "reach",
        "enquir",
        "sms",
    )
    NEGATIVE_CONTEXT = (
        "订单",
        "訂單",
        "order",
        "单号",
        "單號",
        "编号",
        "編號",
        "流水",
        "交易",
        "transaction",
        "发票",
        "發票",
        "invoice",
        "运单",
        "運單",
        "快递",
        "快遞",
        "tracking",
        "金额",
        "金額",
        "amount",
        "价格",
        "價格",
        "price",
        "余额",
        "餘額",
        "balance",
        "¥",
        "￥",
        "hk$",
        "rmb",
        "时间戳",
        "時間戳",
        "timestamp",
    )

    def invalidate_result(self, pattern_text: str) -> bool:
        """Drop numbers ``phonenumbers`` does not accept, and business numbers (toll-free, premium-rate,
        shared-cost: 400/800, HK 800/900 …), which reach a company, not a person; a valid personal number
        keeps its pattern score."""
        return not is_gba_number(pattern_text) or is_business_number(pattern_text)

    def analyze_triggered(self, text: str, flags: int, prefiltered: bool = False) -> list[RecognizerResult]:
        """The valid numbers, and unallocated ones that fit the numbering plan (``detectors.leniency``)."""
        results = super().analyze_triggered(text, flags, prefiltered)
        return results + self._shape_only(text, results) + self._in_links(text, results)

    def _shape_only(self, text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
        """Numbers that ``phonenumbers`` refuses but that have a mobile's or HK/Macau number's shape, scored
        ``leniency.SHAPE_ONLY``, raised by a context word before them (or by a phone field name)."""
        spans = []
        for match in outside([(r.start, r.end) for r in results], _SHAPES.finditer(text)):
            start, end = match.span()
            if is_gba_number(match.group()):
                continue
            if not phone_shape(number_and_regions(match.group())[0]):
                continue
            score = shape_only_score(text, start, self._context_lower, self._negative_lower)
            score = _explicit_prefix_score(match.group(), score)
            if score > 0:
                spans.append((start, end, score))
        return self.results(spans) if spans else []

    def _in_links(self, text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
        """The number in a WhatsApp link (``wa.me/85291234567``: international, no +) as a validated
        number with context (0.95), or one with a phone's shape only as with context (0.55)."""
        spans = []
        for match in outside([(r.start, r.end) for r in results], _LINKS.finditer(text)):
            number = "+" + match.group()
            if is_gba_number(number):
                if not is_business_number(number):
                    spans.append((*match.span(), LINKED))
            elif phone_shape(number):
                spans.append((*match.span(), SHAPE_ONLY + CONTEXT_BOOST))
        return self.results(spans) if spans else []


_LINKS = re.compile(_LINK)


def _explicit_prefix_score(number: str, score: float) -> float:
    """A shape-only number written with ``+`` or ``00`` (``+852 9950 7668``) scores as with context, unless
    a negative word lowered it."""
    if score >= SHAPE_ONLY and _EXPLICIT.fullmatch(number_and_regions(number)[0]):
        return max(score, SHAPE_ONLY + CONTEXT_BOOST)
    return score


# The patterns whose numbers may count by their shape alone (mobiles, Hong Kong and Macau numbers).
_SHAPES = re.compile(
    "|".join(
        f"(?:{p.regex})"
        for p in PhoneNumberRecognizer.PATTERNS
        if p.name in {"cn_mobile", "hk_mo_international", "hk_mo_local_grouped", "hk_mo_local"}
    )
)


_BRACKETED_CODE = re.compile(r"\((?:\+|00)?(?:86|85[23])\)")  # a country code in brackets: (852), (+86)


def number_and_regions(text: str) -> tuple[str, tuple[str | None, ...]]:
    """What to parse for a matched number (separators dropped, an international prefix as ``+``) and
    the regions to parse it for (None: the number carries its country code)."""
    compact = text.translate(_SEPARATORS)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    elif _BRACKETED_CODE.match(text) or text.startswith(("86 ", "86-")):
        compact = "+" + compact  # "(852) 2123 4567", "86-13812345678"; not "(139) 1234 5678"
    if compact.startswith("+"):
        return compact, (None,)
    return compact, ("HK", "MO") if len(compact) == 8 else ("CN",)


@lru_cache(maxsize=4096)  # ``phonenumbers`` parsing costs tens of microseconds; numbers repeat
def gba_numbers(text: str) -> tuple[phonenumbers.PhoneNumber, ...]:
    """The valid mainland, Hong Kong or Macau numbers ``text`` reads as, one for each region it is parsed
    for (``number_and_regions``); empty when it is none. Parsed once for both questions asked of a
    matched number: is it one of ours (``is_gba_number``), and does it reach a business
    (``is_business_number``)."""
    compact, candidates = number_and_regions(text)
    found = []
    for region in candidates:
        number = parse_number(compact, region)
        if (
            number is not None
            and phonenumbers.region_code_for_number(number) in GBA_REGIONS
            and valid_number(number)
        ):
            found.append(number)
    return tuple(found)


@lru_cache(maxsize=4096)
def is_gba_number(text: str) -> bool:
    """``text`` is a valid mainland, Hong Kong or Macau number (with or without country code)."""
    return bool(gba_numbers(text))


@lru_cache(maxsize=4096)
def is_business_number(text: str) -> bool:
    """``text`` is a valid mainland, Hong Kong or Macau number that reaches a business: toll-free,
    premium-rate, shared-cost or universal access (``400 812 3456``, ``+852 800 933 933``)."""
    return any(business_number(number) for number in gba_numbers(text))
