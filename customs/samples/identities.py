"""Synthetic identifier makers for the GBA: PRC ID, HKID, Macau ID, permits, UnionPay cards, phones, emails.

Every function takes a ``random.Random`` and returns a string that has the right shape and (where a
public check exists) a correct check character. The values are random, never real people's identifiers.
"""

from __future__ import annotations

import random
import re
from datetime import date

from customs.samples._rand import below, between, pick

# --- PRC resident identity number (GB 11643) ---------------------------------------------------

_PRC_CHECK = "10X98765432"

# Guangdong region codes with the first year python-stdnum's region table accepts them (0 = always).
_REGIONS: tuple[tuple[str, int], ...] = (
    ("440100", 0),  # 广州市
    ("440300", 0),  # 深圳市
    ("440400", 0),  # 珠海市
    ("440600", 0),  # 佛山市
    ("440700", 0),  # 江门市
    ("440103", 1983),  # 广州 荔湾区
    ("440104", 1983),  # 广州 越秀区
    ("440105", 1983),  # 广州 海珠区
    ("440106", 1985),  # 广州 天河区
    ("440402", 1984),  # 珠海 香洲区
    ("441900", 1988),  # 东莞市
    ("442000", 1988),  # 中山市
    ("441302", 1988),  # 惠州 惠城区
    ("441202", 1988),  # 肇庆 端州区
    ("440303", 1990),  # 深圳 罗湖区
    ("440304", 1990),  # 深圳 福田区
    ("440305", 1990),  # 深圳 南山区
    ("440306", 1992),  # 深圳 宝安区
    ("440703", 1994),  # 江门 蓬江区
    ("440604", 2002),  # 佛山 禅城区
)
_REGIONS_BY_YEAR: dict[int, tuple[str, ...]] = {
    year: tuple(code for code, start in _REGIONS if start <= year) for year in range(1900, 2101)
}

# "Now" for ages: the demo and the evaluation are anchored to 2026.
REFERENCE_YEAR = 2026
_ADULT_FIRST = date(1945, 1, 1).toordinal()
_ADULT_LAST = date(REFERENCE_YEAR - 19, 12, 31).toordinal()
_MINOR_FIRST = date(REFERENCE_YEAR - 13, 1, 1).toordinal()  # under 14 on every day of 2026
_MINOR_LAST = date(REFERENCE_YEAR - 1, 6, 30).toordinal()


def prc_id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of a PRC ID.

    The weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 are 2**(17-i) mod 11, and 13**k = 2**k (mod 11),
    so the weighted sum mod 11 is the 17 digits read in base 13, times 2, mod 11 (ISO 7064 MOD 11-2).
    """
    return _PRC_CHECK[2 * int(first17, 13) % 11]


def birth_date(rng: random.Random, *, minor: bool = False) -> date:
    """An adult's birth date (18+ in 2026) or, with ``minor``, a child's (under 14 throughout 2026)."""
    if minor:
        return date.fromordinal(between(rng, _MINOR_FIRST, _MINOR_LAST))
    return date.fromordinal(between(rng, _ADULT_FIRST, _ADULT_LAST))


def prc_id(rng: random.Random, born: date | None = None, *, male: bool | None = None) -> str:
    """An 18-digit PRC resident ID with a Guangdong region code valid for the birth year."""
    if born is None:
        born = birth_date(rng)
    if male is None:
        male = rng.random() < 0.5
    region = pick(rng, _REGIONS_BY_YEAR[born.year])
    sequence = below(rng, 499) * 2 + (1 if male else 2)  # odd = male, 001..998
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + prc_id_check_char(first17)


# --- Hong Kong identity card -------------------------------------------------------------------

_HKID_SINGLE = "ABCDEGHKMPRVYZ"
_HKID_DOUBLE = ("CA", "WX", "XA", "XB", "XC")
_HKID_RE = re.compile(r"^([A-Z]{1,2})(\d{6})\(?([0-9A])\)?$")


def _hkid_letter_value(letter: str) -> int:
    return ord(letter) - ord("A") + 10


def hkid_check_char(prefix: str, digits: str) -> str:
    """The HKID check character for a 1–2 letter prefix and 6 digits (mod 11, weights 9..2)."""
    values = [36] if len(prefix) == 1 else []
    values += [_hkid_letter_value(letter) for letter in prefix]
    values += [int(digit) for digit in digits]
    remainder = sum(value * weight for value, weight in zip(values, range(9, 1, -1), strict=True)) % 11
    if remainder == 0:
        return "0"
    check = 11 - remainder
    return "A" if check == 10 else str(check)


def is_valid_hkid(value: str) -> bool:
    """Whether ``value`` (``A123456(3)``, ``A1234563``, ``CA182361(1)``) has a correct check character."""
    match = _HKID_RE.match(value.strip().upper())
    if match is None:
        return False
    prefix, digits, check = match.groups()
    return hkid_check_char(prefix, digits) == check


def hkid(rng: random.Random, *, brackets: bool = True) -> str:
    """A synthetic HKID such as ``A123456(3)`` (or ``A1234563`` without brackets)."""
    prefix = pick(rng, _HKID_SINGLE) if rng.random() < 0.9 else pick(rng, _HKID_DOUBLE)
    digits = f"{below(rng, 1_000_000):06d}"
    check = hkid_check_char(prefix, digits)
    return f"{prefix}{digits}({check})" if brackets else f"{prefix}{digits}{check}"


# --- Macau ID, home-return permit --------------------------------------------------------------


def macau_id(rng: random.Random, *, old_form: bool = False) -> str:
    """A Macau ID shape ``1234567(8)`` (old form ``1/234567/8``); the check algorithm is not public."""
    first = pick(rng, "157")
    digits = f"{below(rng, 1_000_000):06d}"
    check = below(rng, 10)
    return f"{first}/{digits}/{check}" if old_form else f"{first}{digits}({check})"


def home_return_permit(rng: random.Random) -> str:
    """A home-return permit (回鄉證) number: ``H``/``M`` + 8 digits, sometimes + a 2-digit issue count."""
    number = f"{pick(rng, 'HM')}{below(rng, 100_000_000):08d}"
    if rng.random() < 0.2:
        number += f"{between(rng, 1, 12):02d}"
    return number


# --- UnionPay card ------------------------------------------------------------------------------

_UNIONPAY_BINS = ("622202", "622848", "621700", "621483", "622588", "621226", "622700", "625911")


def luhn_check_digit(payload: str) -> str:
    """The Luhn check digit to append to ``payload``."""
    total = 0
    for index, char in enumerate(reversed(payload)):
        digit = int(char)
        if index % 2 == 0:  # these positions are doubled once the check digit is appended
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def unionpay_card(rng: random.Random) -> str:
    """A Luhn-valid UnionPay card number: ``62`` BIN, 16–19 digits."""
    length = pick(rng, (16, 16, 16, 19, 17, 18))
    bin_ = pick(rng, _UNIONPAY_BINS)
    body_len = length - len(bin_) - 1
    payload = f"{bin_}{below(rng, 10**body_len):0{body_len}d}"
    return payload + luhn_check_digit(payload)


# --- phones -------------------------------------------------------------------------------------

# Prefixes inside the phonenumbers metadata's mobile ranges.
_CN_MOBILE_PREFIXES = (
    *(f"13{d}" for d in range(10)),
    *(f"15{d}" for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)),
    *(f"18{d}" for d in range(10)),
    "166",
    "176",
    "177",
    "178",
    "198",
    "199",
)
_HK_MOBILE_PREFIXES = (
    *(f"5{a}{b}" for a in (1, 2, 3, 4, 5, 9) for b in (0, 1, 2, 3, 4, 6, 7, 8, 9)),
    *(f"6{a}{b}" for a in (1, 3, 4, 5, 9) for b in range(10)),
    *(f"9{a}{b}" for a in (4, 6, 7) for b in range(10)),
)
_MO_MOBILE_PREFIXES = ("62", "63", "65", "661", "662", "663", "665", "668")


def cn_mobile(rng: random.Random, *, international: bool = False) -> str:
    """A mainland mobile number ``1[3-9]xxxxxxxxx`` (``+86 138 1234 5678`` when ``international``)."""
    number = f"{pick(rng, _CN_MOBILE_PREFIXES)}{below(rng, 100_000_000):08d}"
    if international:
        return f"+86 {number[:3]} {number[3:7]} {number[7:]}"
    return number


def hk_phone(rng: random.Random, *, international: bool = True) -> str:
    """A Hong Kong mobile number, ``+852 5123 4567`` (or ``51234567``)."""
    number = f"{pick(rng, _HK_MOBILE_PREFIXES)}{below(rng, 100_000):05d}"
    if international:
        return f"+852 {number[:4]} {number[4:]}"
    return number


def mo_phone(rng: random.Random, *, international: bool = True) -> str:
    """A Macau mobile number, ``+853 6612 3456`` (or ``66123456``)."""
    prefix = pick(rng, _MO_MOBILE_PREFIXES)
    rest = 8 - len(prefix)
    number = f"{prefix}{below(rng, 10**rest):0{rest}d}"
    if international:
        return f"+853 {number[:4]} {number[4:]}"
    return number


# --- email --------------------------------------------------------------------------------------

_EMAIL_DOMAINS = ("example.cn", "example.com", "example.com.hk", "example.org", "example.net")


def email(rng: random.Random, local: str) -> str:
    """An ASCII email such as ``zhang94@example.cn`` built on ``local`` (e.g. a pinyin surname)."""
    return f"{local}{below(rng, 100):02d}@{pick(rng, _EMAIL_DOMAINS)}"
