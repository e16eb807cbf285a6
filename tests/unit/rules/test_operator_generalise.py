"""The ``generalise`` operator: month or year of a date, an age band, the district or city of an address."""

from __future__ import annotations

from datetime import date

import pytest

from rules.operators import OPERATORS
from rules.operators.base import OperatorContext, Params
from rules.operators.generalise import Generalise

GENERALISE = OPERATORS["generalise"]
KEY = b"synthetic-test-key"
ON = OperatorContext(record_date=date(2025, 6, 1))


def test_registered_under_its_name() -> None:
    assert isinstance(GENERALISE, Generalise)


@pytest.mark.parametrize(
    ("value", "entity", "params", "expected"),
    [
        ("2025-03-14", "DATE_OF_BIRTH", {"to": "month"}, "2025-03"),
        ("2025-03-14", "DATE_OF_BIRTH", {"to": "year"}, "2025"),
        ("2025/3/4", "DATE_OF_BIRTH", {"to": "month"}, "2025/3"),
        ("20250314", "DATE_OF_BIRTH", {"to": "month"}, "202503"),
        ("2025年3月14日", "DATE_OF_BIRTH", {"to": "month"}, "2025年3月"),
        ("2025年03月14日", "DATE_OF_BIRTH", {"to": "year"}, "2025年"),
        ("2025-03-14T08:30:00", "DATE_OF_BIRTH", {"to": "month"}, "2025-03"),
        # Age bands on the record's date (2025-06-01), from the ID's birth date or a date of birth.
        ("11010519491231002X", "CN_RESIDENT_ID", {"to": "age_band"}, "70-79"),
        ("110105201506010012", "CN_RESIDENT_ID", {"to": "age_band"}, "10-19"),  # 10th birthday today
        ("110105201506020012", "CN_RESIDENT_ID", {"to": "age_band"}, "0-9"),  # one day short
        ("1990-07-01", "DATE_OF_BIRTH", {"to": "age_band"}, "30-39"),
        ("1990-07-01", "DATE_OF_BIRTH", {"to": "age_band", "band": 5}, "30-34"),
        # Addresses cut after the district, or the city.
        ("广东省广州市天河区体育西路123号", "LOCATION", {"to": "district"}, "广东省广州市天河区"),
        ("广东省广州市天河区体育西路123号", "LOCATION", {"to": "city"}, "广东省广州市"),
        ("深圳市南山区科技园南区8栋", "LOCATION", {"to": "district"}, "深圳市南山区"),
        ("香港灣仔區軒尼詩道1號", "LOCATION", {"to": "district"}, "香港灣仔區"),
        ("广东省惠州市博罗县罗阳镇", "LOCATION", {"to": "district"}, "广东省惠州市博罗县"),
        ("珠海市香洲路1号", "LOCATION", {"to": "district"}, "珠海市"),  # no district: the city
    ],
)
def test_operate(value: str, entity: str, params: Params, expected: str) -> None:
    GENERALISE.validate(params)
    assert GENERALISE.operate_in(value, entity, params, KEY, ON) == expected


@pytest.mark.parametrize(
    ("value", "entity", "params", "context"),
    [
        ("not a date", "DATE_OF_BIRTH", {"to": "month"}, ON),
        ("2025-02-30", "DATE_OF_BIRTH", {"to": "year"}, ON),
        ("1990-07-01", "DATE_OF_BIRTH", {"to": "age_band"}, OperatorContext()),  # no record date
        ("2030-01-01", "DATE_OF_BIRTH", {"to": "age_band"}, ON),  # born after the record
        ("Flat 3, 12 Nathan Road", "LOCATION", {"to": "district"}, ON),
        ("广州市天河区", "LOCATION", {"to": "district"}, ON),  # already that coarse: nothing to keep
    ],
)
def test_falls_back_to_type_tag(value: str, entity: str, params: Params, context: OperatorContext) -> None:
    assert GENERALISE.operate_in(value, entity, params, KEY, context) == f"<{entity}>"


def test_operate_without_context_has_no_record_date() -> None:
    assert GENERALISE.operate("1990-07-01", "DATE_OF_BIRTH", {"to": "age_band"}, KEY) == "<DATE_OF_BIRTH>"


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({}, "to"),
        ({"to": "decade"}, "to"),
        ({"to": "age_band", "band": 0}, "band"),
        ({"to": "year", "band": 5}, "band"),
    ],
)
def test_validate_rejects_bad_params(params: Params, name: str) -> None:
    with pytest.raises(ValueError, match=f"operator parameter '{name}'"):
        GENERALISE.validate(params)
