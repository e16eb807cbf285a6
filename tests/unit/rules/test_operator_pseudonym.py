"""The ``pseudonym`` operator: keyed HMAC, stable for one key, different across keys, value-free."""

from __future__ import annotations

import re

import pytest

from rules.operators import OPERATORS
from rules.operators.base import Params
from rules.operators.pseudonym import KeyedPseudonym

PSEUDONYM = OPERATORS["pseudonym"]
KEY_A = b"synthetic-key-A"
KEY_B = b"synthetic-key-B"

VALUES = [
    ("Chan Tai Man", "PERSON"),
    ("陈大文", "PERSON"),
    ("13812345678", "PHONE_NUMBER"),
    ("chan.taiman@example.com", "EMAIL_ADDRESS"),
    ("11010519491231002X", "CN_RESIDENT_ID"),
    ("A123456(7)", "HK_ID_CARD"),
]


def test_registered_under_its_name() -> None:
    assert isinstance(PSEUDONYM, KeyedPseudonym)
    assert PSEUDONYM.name == "pseudonym"


@pytest.mark.parametrize(
    ("value", "entity", "params", "pattern"),
    [
        ("Chan Tai Man", "PERSON", {}, r"PERSON_[0-9a-f]{16}"),
        ("13812345678", "PHONE_NUMBER", {"length": 8}, r"PHONE_NUMBER_[0-9a-f]{8}"),
        ("11010519491231002X", "CN_RESIDENT_ID", {"length": 64}, r"CN_RESIDENT_ID_[0-9a-f]{64}"),
        ("陈大文", "PERSON", {"length": 12}, r"PERSON_[0-9a-f]{12}"),
    ],
)
def test_operate_shape(value: str, entity: str, params: Params, pattern: str) -> None:
    PSEUDONYM.validate(params)
    assert re.fullmatch(pattern, PSEUDONYM.operate(value, entity, params, KEY_A))


@pytest.mark.parametrize(("value", "entity"), VALUES)
def test_stable_for_one_key(value: str, entity: str) -> None:
    first = PSEUDONYM.operate(value, entity, {}, KEY_A)
    assert PSEUDONYM.operate(value, entity, {}, KEY_A) == first


@pytest.mark.parametrize(("value", "entity"), VALUES)
def test_differs_across_keys(value: str, entity: str) -> None:
    assert PSEUDONYM.operate(value, entity, {}, KEY_A) != PSEUDONYM.operate(value, entity, {}, KEY_B)


@pytest.mark.parametrize(("value", "entity"), VALUES)
@pytest.mark.parametrize("length", [8, 16, 64])
def test_does_not_contain_the_value(value: str, entity: str, length: int) -> None:
    assert value not in PSEUDONYM.operate(value, entity, {"length": length}, KEY_A)


def test_different_values_get_different_pseudonyms() -> None:
    pseudonyms = {PSEUDONYM.operate(value, "PERSON", {}, KEY_A) for value, _ in VALUES}
    assert len(pseudonyms) == len(VALUES)


def test_shorter_length_is_a_prefix_of_longer() -> None:
    short = PSEUDONYM.operate("Chan Tai Man", "PERSON", {"length": 8}, KEY_A)
    long = PSEUDONYM.operate("Chan Tai Man", "PERSON", {"length": 64}, KEY_A)
    assert long.startswith(short)


@pytest.mark.parametrize(
    "params", [{"length": 7}, {"length": 65}, {"length": 0}, {"length": -16}, {"length": "16"}]
)
def test_validate_rejects_bad_length(params: Params) -> None:
    with pytest.raises(ValueError, match="operator parameter 'length'"):
        PSEUDONYM.validate(params)


@pytest.mark.parametrize("params", [{}, {"length": 8}, {"length": 64}, {"length": 32}])
def test_validate_accepts_good_length(params: Params) -> None:
    PSEUDONYM.validate(params)
