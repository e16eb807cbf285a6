"""The ``tokenise`` operator: FF3-1 tokens that keep the value's format and reverse with the key."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.operators import OPERATORS
from rules.operators.base import OperatorContext
from rules.operators.tokenise import TokenError, Tokenise, reidentify, tokenise

TOKENISE = OPERATORS["tokenise"]
KEY_A = b"synthetic-key-A"
KEY_B = b"synthetic-key-B"

CASES = [
    ("13812345678", "PHONE_NUMBER", string.digits),
    ("+852 5123 4567", "PHONE_NUMBER", string.digits),
    ("6222021234567894", "CN_BANK_CARD", string.digits),
    ("11010519491231002X", "CN_RESIDENT_ID", string.digits + string.ascii_uppercase),
    ("A123456(3)", "HK_ID_CARD", string.digits + string.ascii_uppercase),
    ("H12345678", "HOME_RETURN_PERMIT", string.digits + string.ascii_uppercase),
    ("chan.taiman@example.com", "EMAIL_ADDRESS", string.digits + string.ascii_lowercase),
    ("91110000600037341L", "CN_USCC", string.digits + string.ascii_uppercase),
]


def test_registered_under_its_name() -> None:
    assert isinstance(TOKENISE, Tokenise)
    assert TOKENISE.name == "tokenise"


@pytest.mark.parametrize(("value", "entity", "alphabet"), CASES)
def test_format_preserved_and_reversible(value: str, entity: str, alphabet: str) -> None:
    token = TOKENISE.operate(value, entity, {}, KEY_A)
    assert token != value
    assert len(token) == len(value)
    for original, new in zip(value, token, strict=True):
        if original in alphabet:
            assert new in alphabet
        else:
            assert new == original  # separators stay in place
    if value.replace(" ", "").replace("+", "").isdigit():
        assert all(c.isdigit() for c in token if c not in " +")
    assert reidentify(token, entity, KEY_A) == value


@pytest.mark.parametrize(("value", "entity", "alphabet"), CASES)
def test_stable_per_key_and_different_across_keys(value: str, entity: str, alphabet: str) -> None:
    assert TOKENISE.operate(value, entity, {}, KEY_A) == TOKENISE.operate(value, entity, {}, KEY_A)
    assert TOKENISE.operate(value, entity, {}, KEY_A) != TOKENISE.operate(value, entity, {}, KEY_B)


def test_token_key_in_context_wins_over_pseudonym_key() -> None:
    context = OperatorContext(token_key=KEY_B)
    token = TOKENISE.operate_in("13812345678", "PHONE_NUMBER", {}, KEY_A, context)
    assert token == tokenise("13812345678", "PHONE_NUMBER", KEY_B)
    assert reidentify(token, "PHONE_NUMBER", KEY_B) == "13812345678"


def test_tweak_is_per_entity() -> None:
    assert tokenise("13812345678", "PHONE_NUMBER", KEY_A) != tokenise("13812345678", "CN_BANK_CARD", KEY_A)


@pytest.mark.parametrize(
    ("value", "entity"),
    [
        ("12345", "PHONE_NUMBER"),  # 5 digits: below FF3's radix-10 minimum of 6
        ("A12", "HK_ID_CARD"),  # 3 characters: below the radix-36 minimum of 4
        ("陈大文", "PERSON"),  # not ASCII letters and digits
        ("Chan Tai Man", "PERSON"),  # mixed case
        ("1" * 57, "CN_BANK_CARD"),  # beyond FF3's maximum length
        ("--", "PHONE_NUMBER"),  # separators only
    ],
)
def test_values_ff3_cannot_take_become_the_type_tag(value: str, entity: str) -> None:
    assert TOKENISE.operate(value, entity, {}, KEY_A) == f"<{entity}>"
    with pytest.raises(TokenError):
        tokenise(value, entity, KEY_A)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=string.digits + string.ascii_uppercase + "-() ", min_size=4, max_size=30))
def test_property_round_trip(value: str) -> None:
    try:
        token = tokenise(value, "HK_ID_CARD", KEY_A)
    except TokenError:
        return
    assert len(token) == len(value)
    assert reidentify(token, "HK_ID_CARD", KEY_A) == value
