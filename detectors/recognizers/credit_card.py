"""CREDIT_CARD: the international card networks by their public prefix and length rules (Visa,
Mastercard, American Express, JCB, Diners Club, Discover, Maestro, Mir), Luhn-checked; 62… is
CN_BANK_CARD (UnionPay, and the Discover cards issued in its range)."""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import Pattern

from detectors.check_digits import luhn_valid
from detectors.recognizers.base import DIGIT_RUN, GbaRecognizer
from detectors.recognizers.cn_resident_id import is_resident_id

# (scheme, prefix pattern, allowed lengths), from the networks' published ranges. Maestro's prefixes
# (50, 56-58, 63, 67) do not reach UnionPay's 62; none of these overlaps another.
SCHEMES: tuple[tuple[str, re.Pattern[str], frozenset[int]], ...] = (
    ("visa", re.compile(r"4"), frozenset({13, 16, 19})),
    ("mastercard", re.compile(r"5[1-5]|2(?:22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)"), frozenset({16})),
    ("amex", re.compile(r"3[47]"), frozenset({15})),
    ("jcb", re.compile(r"35(?:2[89]|[3-8]\d)"), frozenset({16, 17, 18, 19})),
    ("diners", re.compile(r"30[0-5]|3095|36|3[89]"), frozenset({14, 15, 16, 17, 18, 19})),
    ("discover", re.compile(r"6011|64[4-9]|65"), frozenset({16, 17, 18, 19})),
    ("maestro", re.compile(r"5018|5020|5038|5893|6304|6759|676[1-3]"), frozenset(range(12, 20))),
    ("mir", re.compile(r"220[0-4]"), frozenset({16, 17, 18, 19})),
)


class CardSchemeRecognizer(GbaRecognizer):
    ENTITY = "CREDIT_CARD"
    TRIGGER = DIGIT_RUN
    LISTED = True
    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "credit_card",
            r"(?<![0-9A-Za-z])(?<!\d[ -])(?:[2-5]\d|6[013-9])(?:[ -]?\d){10,17}"
            r"(?![0-9A-Za-z])(?![ -]\d)",
            0.8,
        ),
    ]
    CONTEXT = (
        "信用卡",
        "卡号",
        "卡號",
        "银行卡",
        "銀行卡",
        "credit card",
        "credit_card",
        "card no",
        "card_no",
        "visa",
        "mastercard",
        "amex",
        "jcb",
        "diners",
        "discover",
        "maestro",
        "mir ",
        "大来卡",
        "大來卡",
    )
    NEGATIVE_CONTEXT = ("订单", "訂單", "order", "单号", "單號", "流水", "tracking", "运单", "運單")

    def invalidate_result(self, pattern_text: str) -> bool:
        """Drop unknown schemes and failed Luhn checks; a passing number keeps its pattern score."""
        return scheme_of(pattern_text) is None


def scheme_of(text: str) -> str | None:
    """The card scheme of ``text`` if it has a known prefix, a valid length and a Luhn check digit."""
    digits = re.sub(r"[ -]", "", text)
    if not luhn_valid(digits) or is_resident_id(digits):
        return None
    for name, prefix, lengths in SCHEMES:
        if prefix.match(digits) and len(digits) in lengths:
            return name
    return None
