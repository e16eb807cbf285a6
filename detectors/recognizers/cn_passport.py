"""CN_PASSPORT: ``E`` + 8 digits or ``E`` + letter + 7 digits; older/official G, D, S, P forms score lower."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from detectors.recognizers.base import DIGIT_RUN, PRODUCT_CODE_WORDS, GbaRecognizer

_BEFORE = r"(?<![0-9A-Za-z])"
_AFTER = r"(?![0-9A-Za-z])"


class CnPassportRecognizer(GbaRecognizer):
    ENTITY = "CN_PASSPORT"
    TRIGGER = DIGIT_RUN
    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern("cn_passport_e", _BEFORE + r"(?-i:E(?:\d{8}|[A-HJ-NP-Z]\d{7}))" + _AFTER, 0.5),
        # Older ordinary (G) and diplomatic/service (D, S, P; DE, SE, PE) passports: context needed.
        Pattern("cn_passport_other", _BEFORE + r"(?-i:[GDSP]\d{8}|[DSP]E\d{7})" + _AFTER, 0.3),
    ]
    CONTEXT = (
        "护照",
        "護照",
        "passport",
        "旅行证件",
        "旅行證件",
    )
    NEGATIVE_CONTEXT = PRODUCT_CODE_WORDS
