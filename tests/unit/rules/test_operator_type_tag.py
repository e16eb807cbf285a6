"""The ``type_tag`` operator replaces a detected value with ``<ENTITY>``."""

from __future__ import annotations

import pytest

from detectors.entities import ENTITIES
from rules.operators import OPERATORS
from rules.operators.base import Params
from rules.operators.type_tag import TypeTag

KEY = b"synthetic-test-key"


def test_registered_under_its_name() -> None:
    assert isinstance(OPERATORS["type_tag"], TypeTag)
    assert OPERATORS["type_tag"].name == "type_tag"


@pytest.mark.parametrize(
    ("value", "entity", "params", "expected"),
    [
        ("13812345678", "PHONE_NUMBER", {}, "<PHONE_NUMBER>"),
        ("chan.taiman@example.com", "EMAIL_ADDRESS", {}, "<EMAIL_ADDRESS>"),
        ("11010519491231002X", "CN_RESIDENT_ID", {}, "<CN_RESIDENT_ID>"),
        ("陈大文", "PERSON", {}, "<PERSON>"),
        ("1", "HEALTH_DATA", {}, "<HEALTH_DATA>"),
        ("", "LOCATION", {}, "<LOCATION>"),
        ("6222021234567890123", "CN_BANK_CARD", {"ignored": "x"}, "<CN_BANK_CARD>"),
    ],
)
def test_operate(value: str, entity: str, params: Params, expected: str) -> None:
    assert OPERATORS["type_tag"].operate(value, entity, params, KEY) == expected


@pytest.mark.parametrize("entity", sorted(ENTITIES))
def test_every_entity_gets_its_own_tag(entity: str) -> None:
    assert OPERATORS["type_tag"].operate("synthetic value", entity, {}, KEY) == f"<{entity}>"


@pytest.mark.parametrize("params", [{}, {"anything": "goes"}])
def test_validate_accepts_any_params(params: Params) -> None:
    OPERATORS["type_tag"].validate(params)
