"""HK_MO_EXIT_PERMIT (往來港澳通行證): ``C`` + 8 digits, or ``C`` + letter (not I/O) + 7 digits."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from detectors.recognizers.base import DIGIT_RUN, PRODUCT_CODE_WORDS, GbaRecognizer


class HkMoExitPermitRecognizer(GbaRecognizer):
    ENTITY = "HK_MO_EXIT_PERMIT"
    TRIGGER = DIGIT_RUN
    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "hk_mo_exit_permit",
            r"(?<![0-9A-Za-z])(?-i:C(?:\d{8}|[A-HJ-NP-Z]\d{7}))(?![0-9A-Za-z])",
            0.5,
        ),
    ]
    CONTEXT = (
        "往来港澳通行证",
        "往來港澳通行證",
        "港澳通行证",
        "港澳通行證",
        "通行证",
        "通行證",
        "双程证",
        "雙程證",
        "exit-entry permit",
        "exit permit",
        "two-way permit",
        "eep",
    )
    NEGATIVE_CONTEXT = PRODUCT_CODE_WORDS
