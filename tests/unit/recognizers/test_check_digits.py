"""The direct check-digit computations give ``stdnum``'s answers, on random numbers and on odd input."""

from __future__ import annotations

import random

import pytest
from stdnum import luhn
from stdnum.cn import ric

from detectors.check_digits import luhn_valid, resident_id_birth_date_valid
from detectors.recognizers.cn_resident_id import is_resident_id

ODD = [
    "",
    "0",
    "00",
    "4",
    "x",
    "12 34",
    "1234-5678",
    "١٢٣٤٥٦٧٨",
    "１２３４５６７８",
    "79927398713",
    "4111111111111111",
]


def _stdnum_birth_date_valid(number: str) -> bool:
    try:
        ric.get_birth_date(number)
    except Exception:
        return False
    return True


def _random_numbers(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice("0123456789") for _ in range(rng.randint(1, 20))) for _ in range(count)]


@pytest.mark.parametrize("number", ODD)
def test_luhn_valid_equals_stdnum_on_odd_input(number: str) -> None:
    assert luhn_valid(number) == luhn.is_valid(number)


def test_luhn_valid_equals_stdnum_on_random_numbers() -> None:
    numbers = _random_numbers(20_000, 13)
    numbers += [n + luhn.calc_check_digit(n) for n in numbers[:2000]]  # valid ones as well
    assert sum(map(luhn.is_valid, numbers)) > 2000
    assert [luhn_valid(n) for n in numbers] == [luhn.is_valid(n) for n in numbers]


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310029",
        "11010519491231002X",
        "110105194902300021",  # 30 February
        "110105000012310021",  # year 0
        "11010519491331002X",  # month 13
        "1101051949123",
        "",
        "11010519４9123100２X",
        "110105١٩٤٩١٢٣١002X",
        "1101051949a231002X",
        "110105 1949231002X",
    ],
)
def test_birth_date_check_equals_stdnum(number: str) -> None:
    assert resident_id_birth_date_valid(number) == _stdnum_birth_date_valid(number)


def test_birth_date_check_equals_stdnum_on_random_ids() -> None:
    rng = random.Random(7)
    numbers = [
        f"{rng.randint(11, 83)}0101{rng.randint(1800, 2100)}{rng.randint(0, 14):02d}{rng.randint(0, 32):02d}"
        f"{rng.randint(0, 999):03d}{rng.choice('0123456789X')}"
        for _ in range(5000)
    ]
    assert 0 < sum(map(_stdnum_birth_date_valid, numbers)) < len(numbers)
    expected = [_stdnum_birth_date_valid(n) for n in numbers]
    assert [resident_id_birth_date_valid(n) for n in numbers] == expected


def test_resident_id_answers_are_remembered() -> None:
    assert is_resident_id("11010519491231002X") is is_resident_id("11010519491231002X")
    assert is_resident_id.cache_info().hits > 0
