"""The ``partial`` operator keeps a few leading/trailing characters and never reveals more than half."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.operators import OPERATORS
from rules.operators.base import Params
from rules.operators.partial import PartialMask

KEY = b"synthetic-test-key"
PARTIAL = OPERATORS["partial"]


def test_registered_under_its_name() -> None:
    assert isinstance(PARTIAL, PartialMask)
    assert PARTIAL.name == "partial"


@pytest.mark.parametrize(
    ("value", "entity", "params", "expected"),
    [
        ("13812345678", "PHONE_NUMBER", {}, "***********"),
        ("13812345678", "PHONE_NUMBER", {"keep_first": 3, "keep_last": 2}, "138******78"),
        ("13812345678", "PHONE_NUMBER", {"keep_first": 3}, "138********"),
        ("6222021234567890123", "CN_BANK_CARD", {"keep_last": 4}, "***************0123"),
        ("Chan Tai Man", "PERSON", {"keep_first": 1}, "C***********"),
        ("Chan Tai Man", "PERSON", {"keep_first": 1, "char": "#"}, "C###########"),
        ("陈大文", "PERSON", {"keep_first": 1}, "陈**"),
        # The half budget caps whatever the parameters ask for.
        ("13812345678", "PHONE_NUMBER", {"keep_first": 20}, "13812******"),
        ("13812345678", "PHONE_NUMBER", {"keep_last": 20}, "******45678"),
        ("13812345678", "PHONE_NUMBER", {"keep_first": 4, "keep_last": 4}, "1381******8"),
        ("abcd", "PERSON", {"keep_first": 1, "keep_last": 1}, "a**d"),
        ("abc", "PERSON", {"keep_first": 1, "keep_last": 1}, "a**"),
        ("a", "PERSON", {"keep_first": 1}, "*"),
        ("", "PERSON", {"keep_first": 2, "keep_last": 2}, ""),
    ],
)
def test_operate(value: str, entity: str, params: Params, expected: str) -> None:
    PARTIAL.validate(params)
    assert PARTIAL.operate(value, entity, params, KEY) == expected


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"keep_first": -1}, "keep_first"),
        ({"keep_last": -3}, "keep_last"),
        ({"keep_first": "3"}, "keep_first"),
        ({"keep_last": "two"}, "keep_last"),
        ({"char": ""}, "char"),
        ({"char": "**"}, "char"),
        ({"char": 7}, "char"),
    ],
)
def test_validate_rejects_bad_params(params: Params, names: str) -> None:
    with pytest.raises(ValueError, match=f"operator parameter '{names}'"):
        PARTIAL.validate(params)


@pytest.mark.parametrize(
    "params", [{}, {"keep_first": 0}, {"keep_first": 3, "keep_last": 2, "char": "•"}, {"keep_last": 99}]
)
def test_validate_accepts_good_params(params: Params) -> None:
    PARTIAL.validate(params)


@settings(max_examples=200)
@given(
    value=st.text(alphabet="0123456789ABCDEFXYZ陈大文 @.", max_size=40),
    keep_first=st.integers(min_value=0, max_value=50),
    keep_last=st.integers(min_value=0, max_value=50),
)
def test_never_reveals_more_than_half(value: str, keep_first: int, keep_last: int) -> None:
    params: Params = {"keep_first": keep_first, "keep_last": keep_last, "char": "*"}
    masked = PARTIAL.operate(value, "PHONE_NUMBER", params, KEY)
    n = len(value)
    assert len(masked) == n
    if n == 0:
        assert masked == ""
        return
    # At least one character is always hidden; what is revealed is a prefix and a suffix, in place.
    first = masked.index("*")
    last = n - 1 - masked.rindex("*")
    assert masked == value[:first] + "*" * (n - first - last) + value[n - last :]
    assert first + last <= n // 2
    assert first <= keep_first
    assert last <= keep_last
