"""named_pattern: a name, then its identifier as the span; the names' first characters gate the search."""

from __future__ import annotations

import pytest

from detectors.named_code import named_pattern, whole_pattern

pytestmark = pytest.mark.unit

PATTERN = named_pattern(("登记号",), (r"reg(?:istration)?[ _-]?no\.?",), r"\d{4,8}+(?!\d)")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("登记号12345", "12345"),
        ("登记号码：12345", "12345"),  # a Chinese name may end in 码
        ("REG NO. 4711", "4711"),  # case-blind
        ("registration no = 20240611", "20240611"),
        ("登记号 为 12345", "12345"),
        ("reg no is 12345", "12345"),
    ],
)
def test_the_identifier_after_its_name_is_the_span(text: str, code: str) -> None:
    match = PATTERN.search(text)
    assert match is not None and match.group("code") == code


@pytest.mark.parametrize("text", ["登记12345", "preg no 12345", "reg no 123", "reg no: abc 12345", "12345"])
def test_no_name_no_identifier(text: str) -> None:
    assert PATTERN.search(text) is None


def test_an_english_name_must_start_with_a_letter() -> None:
    with pytest.raises(ValueError, match="lower-case letter"):
        named_pattern((), (r"(?:a|b)c",), r"\d+")


def test_a_whole_value_is_the_identifier_with_blanks_around() -> None:
    match = whole_pattern(r"\d{4}").fullmatch("  1234 ")
    assert match is not None and match.span(1) == (2, 6)
    assert whole_pattern(r"\d{4}").fullmatch("1234 x") is None
