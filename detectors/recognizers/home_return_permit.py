"""HOME_RETURN_PERMIT (回鄉證): ``H``/``M`` + 8 digits, optionally + a 2-digit issue count. No checksum."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from detectors.recognizers.base import DIGIT_RUN, PRODUCT_CODE_WORDS, GbaRecognizer


class HomeReturnPermitRecognizer(GbaRecognizer):
    ENTITY = "HOME_RETURN_PERMIT"
    TRIGGER = DIGIT_RUN
    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "home_return_permit",
            r"(?<![0-9A-Za-z])(?-i:[HM])\d{8}(?:\d{2})?(?![0-9A-Za-z])",
            0.5,
        ),
    ]
    CONTEXT = (
        "回乡证",
        "回鄉證",
        "回乡卡",
        "回鄉卡",
        "港澳居民来往内地通行证",
        "港澳居民來往內地通行證",
        "来往内地",
        "來往內地",
        "通行证",
        "通行證",
        "home return",
        "home-return",
        "home_return",
        "mainland travel permit",
        "hrp",
    )
    NEGATIVE_CONTEXT = PRODUCT_CODE_WORDS
