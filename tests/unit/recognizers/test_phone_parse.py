"""The direct ``PhoneNumber`` construction equals ``phonenumbers.parse``, ``valid_number`` equals
``phonenumbers.is_valid_number``, and phone validation accepts and
rejects exactly what the ``parse``-based validation did. All numbers are synthetic."""

from __future__ import annotations

import random
import re

import phonenumbers
import pytest

from detectors.phone_parse import parse_number, quick_parse, valid_number
from detectors.recognizers.phone_number import GBA_REGIONS, is_gba_number, number_and_regions

pytestmark = pytest.mark.unit


def parsed(compact: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(compact, region)
    except phonenumbers.NumberParseException:
        return None


def parse_based_is_gba_number(text: str) -> bool:
    """The phone validation as it was: ``phonenumbers.parse`` and ``is_valid_number`` for every
    candidate region (what to parse, and for which regions, is the recognizer's own)."""
    compact, candidates = number_and_regions(text)
    for region in candidates:
        number = parsed(compact, region)
        if (
            number is not None
            and phonenumbers.region_code_for_number(number) in GBA_REGIONS
            and phonenumbers.is_valid_number(number)
        ):
            return True
    return False


NUMBERS = [
    # mainland mobile, valid and not (no 12x mobiles, wrong length)
    "13812345678",
    "139-1234-5678",
    "+86 138 1234 5678",
    "0086-138-1234-5678",
    "+8613812345678",
    "86-13812345678",
    "12812345678",
    "1381234567",
    "138123456789",
    "17951234567",  # a carrier prefix (179xx) parse may strip
    "11212345678",
    # mainland fixed lines with a trunk 0 (national prefix) and an area code
    "020-12345678",
    "(0755)2345-6789",
    "010-6512 3456",
    "+86 20 1234 5678",
    "+86 (755) 2345 6789",
    "02012345678",
    "075523456789",
    "0755-2345678",
    "099912345678",
    "+86 0755 2345 6789",
    # Hong Kong and Macau, with and without a calling code
    "+852 5123 4567",
    "(852) 2123 4567",
    "+853 2812 3456",
    "+853 6612 3456",
    "00852 9123 4567",
    "(+853) 6612 3456",
    "5123 4567",
    "2123-4567",
    "6612 3456",
    "2812 3456",
    "8123 4567",
    "1123 4567",
    "0123 4567",
    "85212345",  # starts with Hong Kong's own calling code
    "85312345",
    "2025-0612",
    "9999 9999",
    # other calling codes and shapes parse rejects or reads differently
    "+1 212 555 0100",
    "+44 20 7946 0958",
    "+0 123 4567",
    "+85",
    "+86 1",
    "８６１３８１２３４５６７８",
    "+86 １３８ １２３４ ５６７８",
]


@pytest.mark.parametrize("text", NUMBERS)
def test_validation_agrees_with_parse_based_validation(text: str) -> None:
    assert is_gba_number.__wrapped__(text) == parse_based_is_gba_number(text)


@pytest.mark.parametrize("region", [None, "CN", "HK", "MO"])
@pytest.mark.parametrize("text", NUMBERS)
def test_parse_number_equals_parse(text: str, region: str | None) -> None:
    compact = re.sub(r"[ ()-]", "", text)
    assert parse_number(compact, region) == parsed(compact, region)


def test_plain_numbers_take_the_direct_path() -> None:
    assert quick_parse("13812345678", "CN") == phonenumbers.parse("13812345678", "CN")
    assert quick_parse("+85251234567", None) == phonenumbers.parse("+85251234567", None)
    assert quick_parse("21234567", "HK") is not None
    # parse does more here: a trunk 0, a carrier prefix, the region's own calling code, other digits
    assert quick_parse("02012345678", "CN") is None
    assert quick_parse("17951234567", "CN") is None
    assert quick_parse("85212345", "HK") is None
    assert quick_parse("８６１３８１２３４５６７８", "CN") is None


def _random_numbers(count: int, seed: int) -> list[tuple[str, str | None]]:
    rng = random.Random(seed)
    starts = ["1", "13", "17", "179", "12", "2", "5", "6", "8", "9", "0", "00", "86", "852", "853", "1"]
    cases: list[tuple[str, str | None]] = []
    for _ in range(count):
        digits = rng.choice(starts) + "".join(rng.choice("0123456789") for _ in range(rng.randint(5, 13)))
        if rng.random() < 0.3:
            cases.append(("+" + digits, rng.choice([None, "CN", "HK", "MO"])))
        else:
            cases.append((digits, rng.choice(["CN", "HK", "MO"])))
    return cases


def test_parse_number_equals_parse_on_random_digit_strings() -> None:
    cases = _random_numbers(20_000, seed=11)
    assert sum(quick_parse(compact, region) is not None for compact, region in cases) > len(cases) // 2
    mismatches = [(c, r) for c, r in cases if parse_number(c, r) != parsed(c, r)]
    assert mismatches == []


def test_validation_agrees_on_random_grouped_numbers() -> None:
    rng = random.Random(5)
    texts = []
    for compact, _ in _random_numbers(5_000, seed=12):
        cut = rng.randint(1, len(compact) - 1)
        texts.append(compact[:cut] + rng.choice(["", " ", "-"]) + compact[cut:])
    assert [is_gba_number.__wrapped__(t) for t in texts] == [parse_based_is_gba_number(t) for t in texts]


@pytest.mark.parametrize("text", NUMBERS)
def test_valid_number_equals_is_valid_number(text: str) -> None:
    compact = re.sub(r"[ ()-]", "", text)
    for region in (None, "CN", "HK", "MO"):
        number = parsed(compact, region)
        if number is not None:
            assert valid_number(number) == phonenumbers.is_valid_number(number)


def test_valid_number_equals_is_valid_number_on_random_numbers() -> None:
    rng = random.Random(17)
    numbers = [
        phonenumbers.PhoneNumber(
            country_code=code, national_number=rng.randrange(10**length, 10 ** (length + 1))
        )
        for code in (86, 852, 853, 1, 44, 39, 800, 7, 999)
        for length in range(3, 13)
        for _ in range(150)
    ]
    numbers += [
        number for compact, region in _random_numbers(5_000, seed=13) if (number := parsed(compact, region))
    ]
    numbers.append(
        phonenumbers.PhoneNumber(country_code=39, national_number=612345678, italian_leading_zero=True)
    )
    assert sum(map(phonenumbers.is_valid_number, numbers)) > 500
    assert [valid_number(n) for n in numbers] == [phonenumbers.is_valid_number(n) for n in numbers]
