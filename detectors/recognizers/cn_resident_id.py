"""CN_RESIDENT_ID: the 18-digit PRC resident identity number (and the 81/82/83 residence permits).

Under an ID field name or context word, also the old 15-digit form and an 18-digit one with a wrong check
character, scored lower (``detectors.leniency``)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import ClassVar

from presidio_analyzer import Pattern, RecognizerResult
from stdnum.cn import ric

from detectors.check_digits import resident_id_birth_date_valid
from detectors.leniency import outside, resident_id_shape, shape_only_score
from detectors.recognizers.base import DIGIT_RUN, GbaRecognizer

# GB/T 2260 province-level prefixes, plus 81/82/83 for the residence permits of Hong Kong, Macau and
# Taiwan residents (810000/820000/830000). python-stdnum's county table is stricter (it rejects
# codes retired or created after its data was cut, and it crashes on some entries), so we check the
# province, the birth date and the GB 11643 checksum ourselves.
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "  # noqa: SIM905
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)


# Grouped by one space or one dash throughout (S): 6-8-4 or 6-4-4-4 with the birth date, or the old 6-6-3.
_GROUPS = r"S(?:18|19|20)\d\dS?(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])S\d{3}[0-9Xx]|S\d{6}S\d{3}"
_GROUPED = (
    r"(?<![0-9A-Za-z])(?<!\d[ -])[1-9]\d{5}(?:"
    + "|".join(_GROUPS.replace("S", separator) for separator in (" ", "-"))
    + r")(?![0-9A-Za-z])(?![ -]\d)"
)
_SEPARATORS = str.maketrans("", "", " -")


class CnResidentIdRecognizer(GbaRecognizer):
    ENTITY = "CN_RESIDENT_ID"
    TRIGGER = DIGIT_RUN
    LISTED = True
    PATTERNS: ClassVar[list[Pattern]] = [
        Pattern(
            "cn_resident_id_18",
            r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9A-Za-z])",
            0.6,
        ),
        # The old 15-digit form: never valid on its own (no check character); it only makes the classifier
        # look, for ``_shape_only`` to find it under an ID field name or context word.
        Pattern("cn_resident_id_15", r"(?<![0-9A-Za-z])[1-9]\d{14}(?![0-9A-Za-z])", 0.6),
        # Written in groups, one space or one dash throughout: 6-8-4 (440103 19900909 5702), 6-4-4-4
        # (440103 1990 0909 5702) with its check character; the old 6-6-3 form only makes it look.
        Pattern("cn_resident_id_grouped", _GROUPED, 0.6),
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
        "id_no",
        "sfz",
    )

    def validate_result(self, pattern_text: str) -> bool:
        return is_resident_id(pattern_text.translate(_SEPARATORS))

    def analyze_triggered(self, text: str, flags: int, prefiltered: bool = False) -> list[RecognizerResult]:
        """The valid IDs, and the old 15-digit and wrong-check forms (``detectors.leniency``)."""
        results = super().analyze_triggered(text, flags, prefiltered)
        return results + self._shape_only(text, results)

    def _shape_only(self, text: str, results: list[RecognizerResult]) -> list[RecognizerResult]:
        """IDs of the 15-digit form, or of the 18-character form with a wrong check character, scored
        ``leniency.SHAPE_ONLY``, raised by a context word before them (or by an ID field name)."""
        spans = []
        for match in outside([(r.start, r.end) for r in results], _SHAPES.finditer(text)):
            start, end = match.span()
            number = match.group().translate(_SEPARATORS)
            if is_resident_id(number):
                continue
            if not resident_id_shape(number, PROVINCES):
                continue
            score = shape_only_score(text, start, self._context_lower, self._negative_lower)
            if score > 0:
                spans.append((start, end, score))
        return self.results(spans) if spans else []


# A 15-digit or an 18-character ID standing alone, plain or grouped: its province, birth date and check
# are checked apart.
_SHAPES = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:\d{9}|\d{11}[0-9Xx])(?![0-9A-Za-z])|" + _GROUPED)


@lru_cache(maxsize=4096)  # asked of one number by the ID, card and bank card recognizers in turn
def is_resident_id(text: str) -> bool:
    """``text`` is a valid 18-character resident ID or residence permit number (other recognizers defer)."""
    number = text.upper()
    if len(number) != 18 or not number[:17].isdigit() or number[:2] not in PROVINCES:
        return False
    return bool(ric.calc_check_digit(number) == number[17]) and resident_id_birth_date_valid(number)
