"""A normalised view of a text for detection, with a map back to the original's offsets.

Input methods and copy-paste hide identifiers from ASCII patterns: full-width digits
(``１３８００１３８０００``), an ideographic space between digit groups, zero-width characters inside
a number (``138\\u200b0013\\u200b8000``) and directional marks.

The view replaces every character whose NFKC form is ASCII by that form (full-width letters, digits and
punctuation, the ideographic space and other spaces, circled, superscript and mathematical digits,
ligatures such as ``ﬁ``) and drops the invisible characters (``INVISIBLE``: zero-width U+200B–U+200D,
U+2060, U+FEFF; directional marks U+200E/U+200F, U+202A–U+202E, U+2066–U+2069). Every other character,
Han included, stays as it is. Characters are mapped one by one, so each character of the view comes from
exactly one character of the original, and a span found in the view maps back to the original characters
it was read from (``View.original_span``): masking then replaces exactly those, the invisible characters
between them included.

Most texts need no view: ``needs_view`` is one ``str.isascii`` call for ASCII text and one regex search
otherwise, and only looks for the characters that matter to identifiers (full-width letters, digits and
``+ - @ .``, spaces other than U+0020, compatibility digits, invisible characters). Ordinary Chinese
punctuation (，：（）) alone does not call for a view; in a text that has one, it is mapped like the rest.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# What calls for a view: invisible characters, spaces other than U+0020 (no-break, en/em, ideographic),
# full-width + - . @, digits and letters (not the brackets and commas of Chinese prose), and the
# compatibility digits (superscript, circled, mathematical).
_NEEDS_VIEW = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"
    "\u00a0\u2000-\u200a\u202f\u205f\u3000"
    "\uff0b\uff0d\uff0e\uff10-\uff19\uff20-\uff3a\uff41-\uff5a"
    "\u00b2\u00b3\u00b9\u2070-\u2079\u2080-\u2089\u2460-\u249b\u24ea-\u24ff\u2776-\u2793"
    "\U0001d400-\U0001d7ff]"
)


@dataclass(frozen=True, slots=True)
class View:
    """``text``: what the recognizers read; ``origin[i]``: the index in the original of ``text[i]``."""

    text: str
    origin: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original characters that view characters ``start`` to ``end`` (a non-empty span) came from."""
        return self.origin[start], self.origin[end - 1] + 1


def needs_view(text: str) -> bool:
    """Whether ``text`` holds a character the view changes that matters to identifiers (the fast path:
    False for almost every text)."""
    return not text.isascii() and _NEEDS_VIEW.search(text) is not None


@lru_cache(maxsize=4096)
def _mapped(char: str) -> str:
    """What ``char`` becomes in the view: its NFKC form where that is ASCII, "" if invisible, else itself."""
    if char in INVISIBLE:
        return ""
    normal = unicodedata.normalize("NFKC", char)
    return normal if normal != char and normal.isascii() else char


def view(text: str) -> View:
    """The normalised view of ``text`` (see the module docstring)."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char.isascii():
            chars.append(char)
            origin.append(index)
            continue
        mapped = _mapped(char)
        chars.append(mapped)
        origin.extend([index] * len(mapped))
    return View("".join(chars), tuple(origin))
