"""A normalised view of a text for detection, with a map back to the original's offsets.

Input methods, copy-paste and URLs hide identifiers from ASCII patterns: full-width digits
(``１３８００１３８０００``), an ideographic space between digit groups, invisible characters inside a
number (``138\\u200b0013\\u200b8000``, a soft hyphen, a variation selector), directional marks and
percent-escapes (``tel=%2B852%2091234567``, ``sun.li%40example.com``).

The view

- replaces every character whose NFKC form is ASCII by that form (full-width letters, digits and
  punctuation, the ideographic space and other spaces, circled, superscript and mathematical digits,
  ligatures such as ``ﬁ``), and a decimal digit of another script by its ASCII digit (Arabic-Indic ``١٣٨``,
  Devanagari ``१३८``: NFKC leaves those as they are);
- reads a run of at least ``MIN_NUMERAL_RUN`` (8) Chinese numerals written digit by digit as those digits
  (``一三八零零一三八零零零``; ``幺`` is one, as phone numbers are read out); shorter runs (``二〇一九`` in a
  date) stay Han;
- drops the invisible characters (``INVISIBLE``): every format character (Unicode category Cf: zero-width
  U+200B–U+200D, U+2060–U+2064, U+FEFF, the soft hyphen U+00AD, U+180E, directional marks U+200E/U+200F,
  U+202A–U+202E, U+2066–U+2069, tags …), the combining grapheme joiner U+034F, the variation selectors
  (U+FE00–U+FE0F, U+E0100–U+E01EF) and the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0);
- decodes a percent-escape of a printable ASCII character (``%20`` to ``%7E``: ``%2B`` is ``+``, ``%40`` is
  ``@``); other escapes (``%0A``, UTF-8 ``%E7…``) stay as they are.

Every other character, Han included, stays as it is. Each view character comes from one original
character or one escape (three characters), and ``View.original_span`` maps a span found in the view back
to all the original characters it was read from: from the first one's start to the last one's end, the
invisible characters between them included, so masking replaces exactly those and leaves no part of an
escape behind.

Most texts need no view: ``needs_view`` is one ``str.isascii`` call and one ``in`` for ASCII text without
``%``, and a few regex searches otherwise, and only looks for the characters that matter to identifiers
(full-width letters, digits and ``+ - @ .``, spaces other than U+0020, compatibility and other scripts'
digits, invisible characters, percent-escapes, runs of numerals). Ordinary Chinese punctuation (，：（）)
alone does not call for a view; in a text that has one, it is mapped like the rest.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# (first, last) code points. Category Cf as of Unicode 14 (a test checks the list against ``unicodedata``;
# ``_mapped`` drops any other Cf character too), then the invisible characters of other categories.
_INVISIBLE_RANGES = (
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
    (0x034F, 0x034F),  # combining grapheme joiner (Mn)
    (0xFE00, 0xFE0F),  # variation selectors (Mn)
    (0xE0100, 0xE01EF),  # variation selectors supplement (Mn)
    (0x115F, 0x1160),  # Hangul choseong and jungseong fillers (Lo)
    (0x3164, 0x3164),  # Hangul filler (Lo)
    (0xFFA0, 0xFFA0),  # half-width Hangul filler (Lo)
)
INVISIBLE = frozenset(chr(code) for first, last in _INVISIBLE_RANGES for code in range(first, last + 1))
_INVISIBLE_CLASS = "".join(
    re.escape(chr(first)) if first == last else f"{re.escape(chr(first))}-{re.escape(chr(last))}"
    for first, last in _INVISIBLE_RANGES
)
# Decimal digits of other scripts (category Nd outside ASCII and the full-width block, which NFKC maps
# already): Arabic-Indic ١٣٨, Devanagari १३८, Thai ๑๓๘ … An identifier typed with them is still one.
# The zero of each such script as of Unicode 14 (a test checks the list against ``unicodedata``): a literal,
# as scanning the code points at import would cost every process start ~20 ms.
_SCRIPT_DIGIT_ZEROS = tuple(
    int(zero, 16)
    for zero in """
0660 06F0 07C0 0966 09E6 0A66 0AE6 0B66 0BE6 0C66 0CE6 0D66 0DE6 0E50 0ED0 0F20 1040 1090 17E0 1810
1946 19D0 1A80 1A90 1B50 1BB0 1C40 1C50 A620 A8D0 A900 A9D0 A9F0 AA50 ABF0 104A0 10D30 11066 110F0
11136 111D0 112F0 11450 114D0 11650 116C0 11730 118E0 11950 11C50 11D50 11DA0 16A60 16AC0 16B50
1E140 1E2F0 1E950
""".split()  # noqa: SIM905 (a table of 58 code points)
)
_SCRIPT_DIGIT_RANGES = tuple((zero, zero + 9) for zero in _SCRIPT_DIGIT_ZEROS)
_SCRIPT_DIGIT_CLASS = "".join(f"{chr(first)}-{chr(last)}" for first, last in _SCRIPT_DIGIT_RANGES)
# Chinese numerals written digit by digit (一三八零零一三八零零零, 幺 for one as phone numbers are read out):
# a run as long as the shortest number worth reading (an HK or Macau local number) reads as those digits.
# Shorter runs (二〇一九 in a date, 一二 in prose) stay as they are.
NUMERALS = {
    "〇": "0",
    "零": "0",
    "一": "1",
    "幺": "1",
    "二": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
}
MIN_NUMERAL_RUN = 8
_NUMERAL_RUN = re.compile(f"[{''.join(NUMERALS)}]{{{MIN_NUMERAL_RUN},}}")
# A percent-escape of a printable ASCII character (%20 to %7E).
_ESCAPE = re.compile(r"%(?:[2-6][0-9A-Fa-f]|7[0-9A-Ea-e])")
_VIEW_RANGES = (
    *_INVISIBLE_RANGES,
    (0x00A0, 0x00A0),
    (0x2000, 0x200A),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
    (0xFF0B, 0xFF0B),
    (0xFF0D, 0xFF0E),
    (0xFF10, 0xFF19),
    (0xFF20, 0xFF3A),
    (0xFF41, 0xFF5A),
    (0x00B2, 0x00B3),
    (0x00B9, 0x00B9),
    (0x2070, 0x2079),
    (0x2080, 0x2089),
    (0x2460, 0x249B),
    (0x24EA, 0x24FF),
    (0x2776, 0x2793),
    (0x1D400, 0x1D7FF),
    *_SCRIPT_DIGIT_RANGES,
)


def _char_class(ranges: tuple[tuple[int, int], ...]) -> str:
    return (
        "["
        + "".join(
            re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges
        )
        + "]"
    )


# What calls for a view: invisible characters, spaces other than U+0020 (no-break, en/em, ideographic),
# full-width + - . @, digits and letters (not the brackets and commas of Chinese prose), the
# compatibility digits (superscript, circled, mathematical), other scripts' digits, percent-escapes and
# a run of Chinese numerals as long as a number. The characters of the Basic Multilingual Plane are one
# class (compiled to a bitmap: one lookup a character); the others, a list of ranges searched one by one,
# are looked for only in a text that has a character beyond it.
_NEEDS_VIEW = re.compile(_char_class(tuple(r for r in _VIEW_RANGES if r[1] < 0x10000)))
_NEEDS_VIEW_ASTRAL = re.compile(_char_class(tuple(r for r in _VIEW_RANGES if r[0] >= 0x10000)))
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # one range: cheap enough to ask first


@dataclass(frozen=True, slots=True)
class View:
    """``text``: what the recognizers read; ``text[i]`` was read from the original's characters
    ``origin[i]`` to ``ends[i]`` (one character, or the three of a percent-escape)."""

    text: str
    origin: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original characters that view characters ``start`` to ``end`` (a non-empty span) came from."""
        return self.origin[start], self.ends[end - 1]


def needs_view(text: str) -> bool:
    """Whether ``text`` holds a character the view changes that matters to identifiers (the fast path:
    False for almost every text)."""
    if text.isascii():
        return "%" in text and _ESCAPE.search(text) is not None
    return (
        _NEEDS_VIEW.search(text) is not None
        or ("%" in text and _ESCAPE.search(text) is not None)
        or _NUMERAL_RUN.search(text) is not None
        or (_ASTRAL.search(text) is not None and _NEEDS_VIEW_ASTRAL.search(text) is not None)
    )


@lru_cache(maxsize=4096)
def _mapped(char: str) -> str:
    """What ``char`` becomes in the view: its NFKC form where that is ASCII, its value if a decimal digit of
    another script, "" if invisible, else itself."""
    if char in INVISIBLE or unicodedata.category(char) == "Cf":
        return ""
    normal = unicodedata.normalize("NFKC", char)
    if normal != char and normal.isascii():
        return normal
    digit = unicodedata.decimal(char, None)  # a digit of another script (NFKC leaves those as they are)
    return str(digit) if digit is not None else char


def view(text: str) -> View:
    """The normalised view of ``text`` (see the module docstring)."""
    chars: list[str] = []
    origin: list[int] = []
    ends: list[int] = []
    numerals = {i for run in _NUMERAL_RUN.finditer(text) for i in range(*run.span())}
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if numerals and index in numerals:
            chars.append(NUMERALS[char])
            origin.append(index)
            ends.append(index + 1)
            index += 1
            continue
        if char == "%" and _ESCAPE.match(text, index) is not None:
            chars.append(chr(int(text[index + 1 : index + 3], 16)))
            origin.append(index)
            ends.append(index + 3)
            index += 3
            continue
        if char.isascii():
            chars.append(char)
            origin.append(index)
            ends.append(index + 1)
        else:
            mapped = _mapped(char)
            chars.append(mapped)
            origin.extend([index] * len(mapped))
            ends.extend([index + 1] * len(mapped))
        index += 1
    return View("".join(chars), tuple(origin), tuple(ends))
