"""generalise: keep a coarser truth — a date's month or year, an age band, an address's district or city.

``to: month | year`` for dates; ``to: age_band`` for a PRC resident ID (its birth date) or a date of
birth, on the record's own date, in bands of ``band`` years (10); ``to: district | city`` for a Chinese
address, cut after its first district-level (区/區/县/縣/旗) or city-level (市, else 州/盟) name. A value that
cannot be generalised this way becomes its type tag, never itself.
"""

from __future__ import annotations

from datetime import date

from rules.minor import age_on, birth_date_of
from rules.operators.base import Operator, OperatorContext, Params, choice_param, int_param, type_tag
from rules.operators.dates import parse_date

TARGETS = ("month", "year", "age_band", "district", "city")
DISTRICT_MARKS = ("区", "區", "县", "縣", "旗")
CITY_MARKS = ("市",)
PREFECTURE_MARKS = ("州", "盟")  # 自治州, 盟: only where a name has no 市 (广州 has a 州 of its own)


def age_band(born: date, on: date, width: int) -> str | None:
    """``30-39`` for someone aged 30 to 39 on ``on``; None when born after ``on``."""
    if born > on:
        return None
    lower = age_on(born, on) // width * width
    return f"{lower}-{lower + width - 1}"


def cut_address(address: str, marks: tuple[str, ...]) -> str | None:
    """``address`` up to and including its first ``marks`` character, or None if it has none."""
    positions = [address.find(mark) for mark in marks if mark in address]
    if not positions:
        return None
    return address[: min(positions) + 1].strip()


def _city(address: str) -> str | None:
    return cut_address(address, CITY_MARKS) or cut_address(address, PREFECTURE_MARKS)


class Generalise(Operator):
    name = "generalise"
    PARAMS = frozenset({"to", "band"})

    def validate(self, params: Params) -> None:
        target = choice_param(params, "to", TARGETS)
        width = int_param(params, "band", 10)
        if not 1 <= width <= 100:
            raise ValueError("operator parameter 'band' must be between 1 and 100")
        if "band" in params and target != "age_band":
            raise ValueError("operator parameter 'band' applies only to 'to: age_band'")

    def operate_in(
        self, value: str, entity: str, params: Params, key: bytes, context: OperatorContext
    ) -> str:
        target = choice_param(params, "to", TARGETS)
        result: str | None = None
        if target in ("month", "year"):
            parsed = parse_date(value)
            if parsed is not None:
                result = parsed.month() if target == "month" else parsed.year()
        elif target == "age_band":
            born = birth_date_of(value) if entity == "CN_RESIDENT_ID" else None
            if born is None and (parsed := parse_date(value)) is not None:
                born = parsed.day
            if born is not None and context.record_date is not None:
                result = age_band(born, context.record_date, int_param(params, "band", 10))
        elif target == "district":
            result = cut_address(value, DISTRICT_MARKS) or _city(value)
        else:
            result = _city(value)
        # A cut that keeps the whole value would reveal it all: fall back to the tag.
        if result is None or result == value.strip():
            return type_tag(entity)
        return result
