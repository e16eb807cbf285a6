"""HK_ID_CARD: the Hong Kong identity card number, e.g. ``A123456(3)``, ``A1234563``, ``CA182361(1)``."""

from __future__ import annotations

from typing import ClassVar

from presidio_analyzer import Pattern

from detectors.recognizers.base import DIGIT_RUN, GbaRecognizer

WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)
SPACE_VALUE = 36  # the value a one-letter prefix is padded with


def _value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def check_char(body: str) -> str:
    """The check character of ``body`` (1–2 letters then 6 digits), per DOMAIN.md."""
    body = body.upper()
    values = [SPACE_VALUE] * (8 - len(body)) + [_value(c) for c in body]
    remainder = sum(w * v for w, v in zip(WEIGHTS, values, strict=True)) % 11
    if remainder == 0:
        return "0"
    if remainder == 1:
        return "A"
    return str(11 - remainder)


def is_valid(text: str) -> bool:
    """``text`` as matched (brackets optional, ASCII or full-width) has a correct check character."""
    compact = "".join(c for c in text.upper() if c.isascii() and c.isalnum())
    if not 8 <= len(compact) <= 9:
        return False
    return check_char(compact[:-1]) == compact[-1]


class HkIdCardRecognizer(GbaRecognizer):
    ENTITY = "HK_ID_CARD"
    TRIGGER = DIGIT_RUN
    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "hk_id_card_brackets",
            r"(?<![0-9A-Za-z])[A-Z]{1,2}\d{6}[(（][0-9A][)）]",
            0.6,
        ),
        # Without brackets the shape is common (product codes): upper case only, and a moderate score;
        # the check character may stand apart (M380516 1).
        # 0.55: a passing check character outranks a bare permit/passport of the same shape (``CA1234567``).
        Pattern("hk_id_card_plain", r"(?<![0-9A-Za-z])(?-i:[A-Z]{1,2}\d{6} ?[0-9A])(?![0-9A-Za-z])", 0.55),
    ]
    CONTEXT = (
        "香港身份證",
        "香港身份证",
        "身份證",
        "身份证",
        "hkid",
        "hk id",
        "hkic",
        "identity card",
        "id card",
        "id_card",
        "idcard",
        "id no",
        "id_no",
    )
    # The same shape is used by mainland passports and permits (``EA1234567``, ``CA1234567``).
    NEGATIVE_CONTEXT = (
        "护照",
        "護照",
        "passport",
        "通行证",
        "通行證",
        "回乡证",
        "回鄉證",
        "permit",
    )

    def validate_result(self, pattern_text: str) -> bool | None:
        """A bracketed valid number is certain; a plain one keeps its pattern score (``None``)."""
        if not is_valid(pattern_text):
            return False
        return True if pattern_text[-1] in ")）" else None
