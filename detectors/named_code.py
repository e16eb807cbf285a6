"""Identifiers with no shape of their own, found where a name says what they are.

A hospital's record number (``ZY2024020311``) or a WeChat id (``lin_wei88``) looks like any other code; it
is one right after its name in text (住院号ZY2024020311, 微信：lin_wei88, ``MRN: 00387712``), where the
span is the identifier and the name stays. ``named_pattern`` builds that search for a recognizer from its
names and the identifier's form, and ``NamedCodeRecognizer`` reports what it finds; ``whole_pattern``
matches a field's value that is one identifier (blanks aside), for fields whose name says so
(``detectors.field_value``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, ClassVar

from presidio_analyzer import Pattern

from detectors.lexicon.wordlist import longest_first
from detectors.recognizers.base import Span, SpanRecognizer

NAMED = 0.85  # an identifier right after its name, or the whole value of a field so named
# Between a name and its identifier: blanks, a colon, #, =, or 为/是/is (possessive: no backtracking).
BETWEEN = r"[ \t]{0,3}+(?:[:：#=＝]|为|為|是|is(?![a-z]))?+[ \t]{0,3}+"
_LETTER = re.compile(r"[a-z]")


def named_pattern(zh_names: Sequence[str], en_names: Sequence[str], code: str) -> re.Pattern[str]:
    """A case-blind search for a name, then ``BETWEEN``, then the identifier as the group ``code``.

    ``zh_names`` are literal words (each may end in 码/碼: 住院号码); ``en_names`` are regexes of whole
    words, each starting with a lower-case letter (``mrn``, ``hospital[ _-]?no\\.?``). A lookahead on the
    names' first characters comes first: most positions of a text are passed over without trying a name.
    """
    if not all(_LETTER.match(name) for name in en_names):
        raise ValueError("an English name must start with a lower-case letter")
    first = "".join(sorted({name[0] for name in (*zh_names, *en_names)}))
    alternatives = []
    if zh_names:
        alternatives.append(
            "(?:" + "|".join(map(re.escape, sorted(zh_names, key=longest_first))) + ")[码碼]?"
        )
    if en_names:
        alternatives.append("(?<![a-z])(?:" + "|".join(en_names) + ")(?![a-z])")
    names = "|".join(alternatives)
    return re.compile(f"(?=[{re.escape(first)}])(?:{names}){BETWEEN}(?P<code>{code})", re.IGNORECASE)


def whole_pattern(code: str) -> re.Pattern[str]:
    """A value that is one identifier of the form ``code`` with blanks around it (its group 1)."""
    return re.compile(rf"\s*({code})\s*", re.IGNORECASE)


class NamedCodeRecognizer(SpanRecognizer):
    """An identifier of the form ``CODE``, after one of its names (``ZH_NAMES``, ``EN_NAMES``: see
    ``named_pattern``) where ``is_code`` accepts it, at ``NAMED``; ``whole_value`` reads a field's value
    for ``detectors.field_value``. Subclasses set those, ENTITY, CONTEXT (the field names that say so) and
    TRIGGER; the search and PATTERNS (Presidio's and the prefilter's: the same search) are made here."""

    ZH_NAMES: ClassVar[tuple[str, ...]] = ()
    EN_NAMES: ClassVar[tuple[str, ...]] = ()
    CODE: ClassVar[str]
    NAMED_RE: ClassVar[re.Pattern[str]]
    WHOLE_RE: ClassVar[re.Pattern[str]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.NAMED_RE = named_pattern(cls.ZH_NAMES, cls.EN_NAMES, cls.CODE)
        cls.WHOLE_RE = whole_pattern(cls.CODE)
        cls.PATTERNS = [Pattern(f"named_{cls.ENTITY.lower()}", cls.NAMED_RE.pattern, NAMED)]

    def is_code(self, code: str, whole_field: bool = False) -> bool:
        """Whether ``code`` (of the form ``CODE``) is one; ``whole_field``: it is a field's whole value
        under a name that says so, not found after its name in text."""
        raise NotImplementedError

    def spans(self, text: str) -> list[Span]:
        return [
            (match.start("code"), match.end("code"), NAMED)
            for match in self.NAMED_RE.finditer(text)
            if self.is_code(match.group("code"))
        ]

    def whole_value(self, text: str) -> tuple[int, int] | None:
        """The identifier's span where ``text`` (blanks aside) is one, for a field named for it."""
        match = self.WHOLE_RE.fullmatch(text)
        if match is None or not self.is_code(match.group(1), whole_field=True):
            return None
        return match.span(1)
