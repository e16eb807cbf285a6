"""The ``redact`` operator removes a detected value entirely."""

from __future__ import annotations

import pytest

from rules.operators import OPERATORS
from rules.operators.base import Params
from rules.operators.redact import Redact

KEY = b"synthetic-test-key"


def test_registered_under_its_name() -> None:
    assert isinstance(OPERATORS["redact"], Redact)
    assert OPERATORS["redact"].name == "redact"


@pytest.mark.parametrize(
    ("value", "entity", "params", "expected"),
    [
        ("13812345678", "PHONE_NUMBER", {}, ""),
        ("chan.taiman@example.com", "EMAIL_ADDRESS", {}, ""),
        ("11010519491231002X", "CN_RESIDENT_ID", {}, ""),
        ("陈大文", "PERSON", {}, ""),
        ("", "PERSON", {}, ""),
        ("A123456(7)", "HK_ID_CARD", {"ignored": 3}, ""),
    ],
)
def test_operate(value: str, entity: str, params: Params, expected: str) -> None:
    assert OPERATORS["redact"].operate(value, entity, params, KEY) == expected


@pytest.mark.parametrize("params", [{}, {"anything": "goes"}, {"length": 4}])
def test_validate_accepts_any_params(params: Params) -> None:
    OPERATORS["redact"].validate(params)


def test_output_does_not_depend_on_key() -> None:
    op = OPERATORS["redact"]
    assert op.operate("Chan Tai Man", "PERSON", {}, b"k1") == op.operate("Chan Tai Man", "PERSON", {}, b"k2")
