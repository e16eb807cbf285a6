"""Date values as records write them (``2025-03-14``, ``2025/3/14``, ``20250314``, ``2025年3月14日``).

Shared by the ``generalise`` and ``date_shift`` operators: parse a value, then write another day, a
month or a year back in the value's own style.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_SEPARATED = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})((?:[T ]\d{1,2}:\d{2}.*)?)")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_CJK = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


@dataclass(frozen=True, slots=True)
class DateText:
    """A parsed date value and how it was written."""

    day: date
    style: str  # "separated", "compact" or "cjk"
    sep: str = "-"
    padded: bool = True
    time: str = ""  # a time part after the date, kept by date_shift

    def _two(self, number: int) -> str:
        return f"{number:02d}" if self.padded else str(number)

    def render(self, day: date) -> str:
        """``day`` written in this value's style (the time part kept)."""
        if self.style == "compact":
            return f"{day.year:04d}{day.month:02d}{day.day:02d}"
        if self.style == "cjk":
            return f"{day.year:04d}年{self._two(day.month)}月{self._two(day.day)}日"
        return f"{day.year:04d}{self.sep}{self._two(day.month)}{self.sep}{self._two(day.day)}{self.time}"

    def month(self) -> str:
        if self.style == "compact":
            return f"{self.day.year:04d}{self.day.month:02d}"
        if self.style == "cjk":
            return f"{self.day.year:04d}年{self._two(self.day.month)}月"
        return f"{self.day.year:04d}{self.sep}{self._two(self.day.month)}"

    def year(self) -> str:
        return f"{self.day.year:04d}年" if self.style == "cjk" else f"{self.day.year:04d}"


def parse_date(value: str) -> DateText | None:
    """The date in ``value`` (the whole value, surrounding spaces aside), or None."""
    text = value.strip()
    try:
        if match := _SEPARATED.fullmatch(text):
            year, sep, month, day, time = match.groups()
            padded = len(month) == 2 and len(day) == 2
            return DateText(date(int(year), int(month), int(day)), "separated", sep, padded, time)
        if match := _COMPACT.fullmatch(text):
            return DateText(date(*(int(part) for part in match.groups())), "compact")
        if match := _CJK.fullmatch(text):
            year, month, day = match.groups()
            padded = len(month) == 2 and len(day) == 2
            return DateText(date(int(year), int(month), int(day)), "cjk", padded=padded)
    except ValueError:  # 2025-02-30 and the like
        return None
    return None
