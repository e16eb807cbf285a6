"""``phonenumbers.parse`` for compact digit strings, built straight from ``phonenumbers``' metadata.

``phonenumbers.parse`` handles any text a person may type (letters, extensions, RFC 3966, full-width
digits ...) and costs tens of microseconds. The phone recognizer only hands it compact numbers: ASCII
digits, perhaps after one ``+``. For those, ``parse`` reduces to: the country code (the shortest known
calling code after ``+``, else the region's), and the rest as the national number. ``quick_parse``
builds that ``PhoneNumber`` directly and gives up (None) wherever ``parse`` would do anything more —
an international dialling prefix, a national prefix or carrier code, the region's own calling code at
the start, a leading zero, an unusual length — so that ``parse_number`` can fall back to ``parse``.
Either way the result equals ``parse``'s (tests compare the two).

``business_number`` tells the numbers that reach a company rather than a person: toll-free, premium-rate,
shared-cost and universal access numbers (mainland 400/800/950…, Hong Kong 800 and 900, Macau 0800).

``valid_number`` is ``phonenumbers.is_valid_number``: a number is valid when it matches its region's
general pattern and the pattern of one of its number types. ``is_valid_number`` tries the types one by
one (to name the type); here the types possible for the number's length are joined into one pattern.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata, PhoneNumber
from phonenumbers.phonemetadata import REGION_CODE_FOR_NON_GEO_ENTITY, PhoneNumberDesc

MIN_NATIONAL = 2  # phonenumbers' _MIN_LENGTH_FOR_NSN
MAX_NATIONAL = 17  # phonenumbers' _MAX_LENGTH_FOR_NSN
MAX_COUNTRY_CODE = 3  # phonenumbers' _MAX_LENGTH_COUNTRY_CODE
# The number types ``is_valid_number`` tries after the general pattern (its _number_type_helper).
NUMBER_TYPES = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
    "mobile",
)


def _ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


@lru_cache(maxsize=64)  # the prefix patterns of the few regions seen
def _pattern(source: str) -> re.Pattern[str]:
    return re.compile(source)


def _starts_with(pattern: str | None, digits: str) -> bool:
    return pattern is not None and _pattern(pattern).match(digits) is not None


def _calling_code(digits: str) -> int | None:
    """The shortest known calling code ``digits`` start with, as ``parse`` reads it after a ``+``."""
    if digits.startswith("0"):
        return None
    for length in range(1, min(len(digits), MAX_COUNTRY_CODE) + 1):
        code = int(digits[:length])
        if code in COUNTRY_CODE_TO_REGION_CODE:
            return code
    return None


def quick_parse(compact: str, region: str | None) -> PhoneNumber | None:
    """``phonenumbers.parse(compact, region)`` when ``compact`` is plain enough to build directly;
    None when it is not (then nothing is known: parse it)."""
    if compact.startswith("+"):
        digits = compact[1:]
        if not _ascii_digits(digits) or len(digits) <= MIN_NATIONAL:
            return None
        code = _calling_code(digits)
        if code is None:
            return None
        national = digits[len(str(code)) :]
        metadata = PhoneMetadata.metadata_for_region_or_calling_code(
            code, phonenumbers.region_code_for_country_code(code)
        )
    else:
        if region is None or not _ascii_digits(compact):
            return None
        metadata = PhoneMetadata.metadata_for_region(region.upper(), None)
        if metadata is None or metadata.country_code is None:
            return None
        if _starts_with(metadata.international_prefix, compact):
            return None  # an international dialling prefix: parse reads the calling code after it
        if compact.startswith(str(metadata.country_code)):
            return None  # parse may take these digits as the region's calling code
        code = metadata.country_code
        national = compact
    if metadata is None or _starts_with(metadata.national_prefix_for_parsing, national):
        return None  # a national prefix or carrier code parse may strip
    if not MIN_NATIONAL <= len(national) <= MAX_NATIONAL or national.startswith("0"):
        return None  # parse raises, or records leading zeros
    return PhoneNumber(country_code=code, national_number=int(national))


def parse_number(compact: str, region: str | None) -> PhoneNumber | None:
    """``phonenumbers.parse(compact, region)``, or None where it raises ``NumberParseException``."""
    number = quick_parse(compact, region)
    if number is not None:
        return number
    try:
        return phonenumbers.parse(compact, region)
    except phonenumbers.NumberParseException:
        return None


def _matches(desc: PhoneNumberDesc | None, national: str) -> bool:
    """phonenumbers' _is_number_matching_desc: a possible length, and the whole pattern."""
    if desc is None or not desc.national_number_pattern:
        return False
    if desc.possible_length and len(national) not in desc.possible_length:
        return False
    return _pattern(desc.national_number_pattern).fullmatch(national) is not None


@lru_cache(maxsize=256)  # per calling code, region and length: a handful
def _typed_pattern(country_code: int, region: str, length: int) -> re.Pattern[str] | None:
    """One pattern for every number type of the region a number of ``length`` digits may be (None: no
    type has that length)."""
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
    if metadata is None:
        return None
    names = NUMBER_TYPES[:-1] if metadata.same_mobile_and_fixed_line_pattern else NUMBER_TYPES
    sources = []
    for name in names:
        desc: PhoneNumberDesc | None = getattr(metadata, name)
        if desc is None or not desc.national_number_pattern:
            continue
        if desc.possible_length and length not in desc.possible_length:
            continue
        sources.append(f"(?:{desc.national_number_pattern})")
    return re.compile("|".join(sources)) if sources else None


# The number types that reach a business, never a person (the phone recognizer reports none of them).
BUSINESS_TYPES = ("toll_free", "premium_rate", "shared_cost", "uan")


def business_number(number: PhoneNumber) -> bool:
    """``number`` (a valid one) is a toll-free, premium-rate, shared-cost or universal access number:
    ``phonenumbers.number_type`` is one of those."""
    region = phonenumbers.region_code_for_number(number)
    code = number.country_code
    if region is None or code is None:
        return False
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(code, region.upper())
    if metadata is None:
        return False
    national = phonenumbers.national_significant_number(number)
    return any(_matches(getattr(metadata, name), national) for name in BUSINESS_TYPES)


def valid_number(number: PhoneNumber) -> bool:
    """``phonenumbers.is_valid_number(number)``."""
    region = phonenumbers.region_code_for_number(number)
    code = number.country_code
    if region is None or code is None:  # no region without a calling code
        return False
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(code, region.upper())
    if metadata is None or (
        region != REGION_CODE_FOR_NON_GEO_ENTITY
        and code != phonenumbers.country_code_for_valid_region(region)
    ):
        return False
    national = phonenumbers.national_significant_number(number)
    if not _matches(metadata.general_desc, national):
        return False
    typed = _typed_pattern(code, region.upper(), len(national))
    return typed is not None and typed.fullmatch(national) is not None
