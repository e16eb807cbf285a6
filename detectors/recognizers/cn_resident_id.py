"""CN_RESIDENT_ID: the 18-digit PRC resident identity number (and the 81/82/83 residence permits)."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern
from stdnum.cn import ric

from detectors.recognizers.base import GbaRecognizer

# Residence permits for Hong Kong, Macau and Taiwan residents use these region codes, which
# python-stdnum's region table does not list; their checksum and birth date follow GB 11643.
PERMIT_REGIONS = ("810000", "820000", "830000")


class CnResidentIdRecognizer(GbaRecognizer):
    ENTITY = "CN_RESIDENT_ID"
    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "cn_resident_id_18",
            r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9A-Za-z])",
            0.6,
        ),
    ]
    CONTEXT = (
        "身份证",
        "身份證",
        "证件",
        "證件",
        "公民身份",
        "居住证",
        "居住證",
        "id_number",
        "id no",
        "id card",
        "identity",
        "resident id",
        "idcard",
        "id_card",
        "sfz",
    )

    def validate_result(self, pattern_text: str) -> bool:
        return is_resident_id(pattern_text)


def is_resident_id(text: str) -> bool:
    """``text`` is a valid 18-character resident ID or residence permit number (other recognizers defer)."""
    number = text.upper()
    if len(number) != 18:
        return False
    if number.startswith(PERMIT_REGIONS):
        return bool(ric.calc_check_digit(number) == number[17]) and _valid_birth_date(number)
    return bool(ric.is_valid(number))


def _valid_birth_date(number: str) -> bool:
    try:
        ric.get_birth_date(number)
    except Exception:
        return False
    return True
