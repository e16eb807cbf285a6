"""Check digits of plain ASCII numbers, computed directly.

``stdnum``'s checks are generic (any alphabet, Unicode clean-up of the input, exceptions as answers) and
cost more than the patterns that find the numbers. For a string of ASCII digits (with a resident ID's
closing ``X``) the same answers take a few lines; anything else goes to ``stdnum`` itself, so an answer is
always ``stdnum``'s (tests compare the two on random and odd input).
"""

from __future__ import annotations

from datetime import date

from stdnum import luhn
from stdnum.cn import ric

_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # the digit sum of twice each digit


def luhn_valid(number: str) -> bool:
    """``stdnum.luhn.is_valid(number)``."""
    if not (number.isascii() and number.isdigit()):
        return bool(luhn.is_valid(number))
    total = sum(map(int, number[-1::-2])) + sum(_DOUBLED[int(digit)] for digit in number[-2::-2])
    return total % 10 == 0


def resident_id_birth_date_valid(number: str) -> bool:
    """Whether ``stdnum.cn.ric.get_birth_date(number)`` gives a date (digits 7-14 as YYYYMMDD) rather than
    raising."""
    if number.isascii() and number.isalnum():
        try:
            date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        except ValueError:
            return False
        return True
    try:
        ric.get_birth_date(number)
    except Exception:
        return False
    return True
