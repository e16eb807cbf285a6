"""CN_USCC: the 18-character Unified Social Credit Code of an organisation (GB 32100), mod-31 checked."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern
from stdnum.cn import uscc

from detectors.recognizers.base import DIGIT_RUN, GbaRecognizer
from detectors.recognizers.cn_bank_card import is_bank_card
from detectors.recognizers.cn_resident_id import PROVINCES, is_resident_id

_CHAR = "[0-9A-HJ-NP-RTUWXY]"  # digits and upper-case letters except I, O, S, V, Z
REGIONS = PROVINCES | {"10"}  # 100000: organisations registered at the national level


class CnUsccRecognizer(GbaRecognizer):
    ENTITY = "CN_USCC"
    TRIGGER = DIGIT_RUN
    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "cn_uscc",
            # Registration authority (1–9, A, N, Y), entity type (1, 2, 3, 9), region, organisation, check.
            r"(?<![0-9A-Za-z])(?-i:[1-9ANY][1239]\d{6}" + _CHAR + r"{10})(?![0-9A-Za-z])",
            0.6,
        ),
    ]
    CONTEXT = (
        "统一社会信用代码",
        "統一社會信用代碼",
        "信用代码",
        "信用代碼",
        "营业执照",
        "營業執照",
        "税号",
        "稅號",
        "纳税人识别号",
        "納稅人識別號",
        "uscc",
        "credit code",
        "tax id",
        "business licence",
        "business license",
    )

    def validate_result(self, pattern_text: str) -> bool:
        return is_uscc(pattern_text)


def is_uscc(text: str) -> bool:
    """A region inside a real province, a correct mod-31 check character; an all-digit number that is a
    resident ID or card is theirs."""
    if text[2:4] not in REGIONS or uscc.calc_check_digit(text[:17]) != text[17]:
        return False
    return not (text.isdigit() and (is_resident_id(text) or is_bank_card(text)))
