"""Detection tuning in the policy file: allow list, deny list, custom recognizers and context words.

The policy's ``tuning`` section (``Tuning``) is validated with the rest of the policy, and applied to the
findings of one record after classification and before ``decide`` (``Tuning.apply``), so that it is
hot-reloaded with the policy. In order:

1. ``recognizers``: custom pattern recognizers (an organisation's member or case numbers). Each names an
   entity (a new entity names its category), a regex, a score, optional context words (a word in the field
   name or the field's text raises the score by ``CONTEXT_BOOST``) and an optional check from
   ``VALIDATORS`` that the match must pass.
2. ``context``: per-entity context words; a finding of that entity in a field whose name or text holds
   one of them scores ``CONTEXT_BOOST`` higher (at most 1).
3. ``allow_list``: values (compared without spaces, dashes, dots and brackets, case-insensitively) or
   anchored patterns (the whole value must match) that are never findings, for every entity or for the
   entities listed (a hospital switchboard number).
4. ``deny_list``: terms always reported as the entity given (score 1), wherever they appear.

Overlapping findings in one field are then resolved as the classifier does: higher score first, then the
longer span. Custom patterns run in the ``regex`` module with a time limit per field (``MATCH_SECONDS``;
over it, the record is held as a policy error rather than the worker stalled), and are refused at load time
when longer than ``MAX_PATTERN`` characters or when a repeat holds another repeat (``(a+)+``, the shape
behind catastrophic backtracking). Patterns are compiled once per policy version (when it loads).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any, Literal

import regex
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator
from stdnum import luhn, verhoeff
from stdnum.iso7064 import mod_11_2, mod_97_10

from detectors.entities import ENTITIES, ENTITY_CATEGORY, Category
from detectors.finding import Finding
from detectors.normalise import needs_view, view
from detectors.overlaps import disjoint
from detectors.walker import Field as RecordField

CONTEXT_BOOST = 0.35  # Presidio's default context similarity factor
MAX_PATTERN = 300
MAX_TERM = 200
MATCH_SECONDS = 0.25
_ENTITY_NAME = re.compile(r"[A-Z][A-Z0-9_]{1,47}")
_SEPARATORS = re.compile(r"[\s\-.()/]+")
REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)


def _alnum(text: str) -> str:
    return "".join(c for c in text if c.isascii() and c.isalnum()).upper()


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isascii() and c.isdigit())


def _check(is_valid: Callable[[str], bool], read: Callable[[str], str] = _alnum) -> Callable[[str], bool]:
    def check(text: str) -> bool:
        try:
            return bool(is_valid(read(unicodedata.normalize("NFKC", text))))
        except Exception:  # stdnum raises on characters its scheme does not allow
            return False

    return check


# The checks a custom recognizer may ask for, by name (python-stdnum's): Luhn and Verhoeff read the
# match's digits (a prefix such as MB is skipped), ISO 7064 its letters and digits (X, or the letters of
# an IBAN-like code, count); separators are dropped.
VALIDATORS: dict[str, Callable[[str], bool]] = {
    "luhn": _check(luhn.is_valid, _digits),
    "iso7064_mod11_2": _check(mod_11_2.is_valid),
    "mod97": _check(mod_97_10.is_valid),
    "verhoeff": _check(verhoeff.is_valid, _digits),
}
Validator = Literal["luhn", "iso7064_mod11_2", "mod97", "verhoeff"]


def sub_patterns(op: Any, av: Any) -> list[Any]:
    """The sub-patterns of one node ``(op, av)`` of a pattern parsed by ``re._parser``."""
    if op in REPEATS:
        return [av[2]]
    if op is sre.SUBPATTERN:
        return [av[3]]
    if op is sre.BRANCH:
        return list(av[1])
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [av[1]]
    if op is sre.GROUPREF_EXISTS:
        return [branch for branch in av[1:] if branch is not None]
    return []


def _repeats(op: Any, av: Any) -> bool:
    return op in REPEATS and av[1] > 1


def holds_repeat(tree: Any) -> bool:
    """Whether a parsed pattern repeats anything (more than once) anywhere."""
    return any(_repeats(op, av) or any(holds_repeat(c) for c in sub_patterns(op, av)) for op, av in tree)


def nested_repeat(tree: Any) -> bool:
    """Whether a repeat (of more than one) in a parsed pattern holds another repeat of more than one anywhere
    inside it (``(a+)+``, ``(\\d{2,}-?)*``, but also the bounded ``(?:[ -]?\\d{4}){2}``): the shape
    ``safe_pattern`` refuses in a policy's custom patterns."""
    for op, av in tree:
        if _repeats(op, av) and holds_repeat(av[2]):
            return True
        if any(nested_repeat(child) for child in sub_patterns(op, av)):
            return True
    return False


def safe_pattern(pattern: str) -> str:
    """``pattern`` if it is a usable custom pattern; ``ValueError`` saying why not."""
    if len(pattern) > MAX_PATTERN:
        raise ValueError(f"pattern of {len(pattern)} characters; at most {MAX_PATTERN}")
    try:
        tree = sre_parse.parse(pattern)
        regex.compile(pattern)
    except (re.error, regex.error) as exc:
        raise ValueError(f"not a regular expression: {exc}") from None
    if nested_repeat(tree):
        raise ValueError(
            "a repeat inside a repeat (such as (a+)+ or (\\d{2,}-?)*) can backtrack catastrophically; "
            "write it without the nesting"
        )
    if re.fullmatch(pattern, ""):
        raise ValueError("the pattern matches the empty text")
    return pattern


def _compact(text: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).casefold()


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _entity_name(entity: str) -> str:
    if entity not in ENTITIES and _ENTITY_NAME.fullmatch(entity) is None:
        raise ValueError(f"entity {entity!r}: a known entity or a new name in capitals (MEMBER_NUMBER)")
    return entity


class _NamesEntity(_Model):
    """An entry that reports an entity: a known one, or a new one with its category."""

    entity: str
    category: Category | None = None

    @field_validator("entity")
    @classmethod
    def _name(cls, entity: str) -> str:
        return _entity_name(entity)

    @model_validator(mode="after")
    def _category(self) -> _NamesEntity:
        known = ENTITY_CATEGORY.get(self.entity)
        if known is None and self.category is None:
            raise ValueError(f"{self.entity} is a new entity: give its category")
        if known is not None and self.category not in (None, known):
            raise ValueError(f"{self.entity} is in category {known.value}, not {self.category}")
        return self


class AllowEntry(_Model):
    """A value (``value``) or an anchored pattern (``pattern``) that is never a finding; ``entities``:
    only for these (empty: for every entity)."""

    value: str | None = Field(default=None, min_length=1, max_length=MAX_TERM)
    pattern: str | None = None
    entities: tuple[str, ...] = ()

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, pattern: str | None) -> str | None:
        return None if pattern is None else safe_pattern(pattern)

    @model_validator(mode="after")
    def _one(self) -> AllowEntry:
        if (self.value is None) == (self.pattern is None):
            raise ValueError("an allow_list entry has either value or pattern")
        return self


class DenyEntry(_NamesEntity):
    """Terms always reported as ``entity`` (found case-insensitively, wherever they appear)."""

    terms: tuple[str, ...] = Field(min_length=1)

    @field_validator("terms")
    @classmethod
    def _terms(cls, terms: tuple[str, ...]) -> tuple[str, ...]:
        for term in terms:
            if not term.strip() or len(term) > MAX_TERM:
                raise ValueError(f"a term is 1 to {MAX_TERM} characters, not blank")
        return terms


class CustomRecognizer(_NamesEntity):
    """A pattern recognizer for ``entity``: ``pattern`` scored ``score`` (``CONTEXT_BOOST`` more with a
    context word in the field), kept only where ``validator`` passes."""

    pattern: str
    score: float = Field(default=0.6, ge=0.0, le=1.0)
    context: tuple[str, ...] = ()
    validator: Validator | None = None

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, pattern: str) -> str:
        return safe_pattern(pattern)


_Hit = tuple[int, int, float, str]  # start, end, score, entity


class Tuning(_Model):
    allow_list: tuple[AllowEntry, ...] = ()
    deny_list: tuple[DenyEntry, ...] = ()
    recognizers: tuple[CustomRecognizer, ...] = ()
    context: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    _categories: dict[str, Category] = PrivateAttr(default_factory=dict)
    _recognizers: list[tuple[Any, CustomRecognizer]] = PrivateAttr(default_factory=list)
    _deny: list[tuple[Any, str]] = PrivateAttr(default_factory=list)
    _allow_values: dict[str, frozenset[str] | None] = PrivateAttr(default_factory=dict)
    _allow_patterns: list[tuple[Any, frozenset[str]]] = PrivateAttr(default_factory=list)
    _context: dict[str, tuple[str, ...]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _entities(self) -> Tuning:
        categories: dict[str, Category] = {}
        for section, entries in (("recognizers", self.recognizers), ("deny_list", self.deny_list)):
            for index, entry in enumerate(entries):
                if entry.category is None or entry.entity in ENTITY_CATEGORY:
                    continue
                first = categories.setdefault(entry.entity, entry.category)
                if first is not entry.category:
                    at = f"tuning.{section}.{index}.category"
                    raise ValueError(f"{at}: {entry.entity} is already {first.value} elsewhere")
        known = ENTITIES | categories.keys()
        for index, allow in enumerate(self.allow_list):
            _known(allow.entities, known, f"tuning.allow_list.{index}.entities")
        for entity, words in self.context.items():
            _known((entity,), known, f"tuning.context.{entity}")
            if not words or any(not w.strip() for w in words):
                raise ValueError(f"tuning.context.{entity}: a list of non-blank words")
        return self

    def model_post_init(self, _: Any) -> None:
        """Compile once, when the policy loads."""
        for entry in (*self.recognizers, *self.deny_list):
            if entry.category is not None and entry.entity not in ENTITY_CATEGORY:
                self._categories[entry.entity] = entry.category
        self._recognizers = [(regex.compile(r.pattern), r) for r in self.recognizers]
        self._deny = [
            (regex.compile("|".join(regex.escape(t) for t in d.terms), regex.IGNORECASE), d.entity)
            for d in self.deny_list
        ]
        for allow in self.allow_list:
            scope = frozenset(allow.entities)
            if allow.value is not None:
                key = _compact(allow.value)
                before = self._allow_values.get(key, scope)
                self._allow_values[key] = None if not scope or before is None else before | scope
            elif allow.pattern is not None:
                self._allow_patterns.append((regex.compile(allow.pattern), scope))
        self._context = {e: tuple(w.casefold() for w in words) for e, words in self.context.items()}

    @property
    def new_entities(self) -> dict[str, Category]:
        """The entities this tuning adds, with their categories."""
        return dict(self._categories)

    def category_of(self, entity: str) -> Category:
        """The category of a built-in or added entity (``KeyError`` for any other)."""
        known = ENTITY_CATEGORY.get(entity)
        return known if known is not None else self._categories[entity]

    @property
    def empty(self) -> bool:
        return not (self.allow_list or self.deny_list or self.recognizers or self.context)

    def apply(self, findings: Sequence[Finding], fields: Iterable[RecordField]) -> list[Finding]:
        """``findings`` (the classifier's, over the record's ``fields``) tuned: custom recognizers' and
        deny-list findings added, context words applied, allow-listed values dropped, overlaps resolved."""
        if self.empty:
            return list(findings)
        by_path: dict[str, list[Finding]] = {}
        for finding in findings:
            by_path.setdefault(finding.path, []).append(finding)
        out: list[Finding] = []
        for path, text, hint in fields:
            found = by_path.pop(path, [])
            hits: list[_Hit] = [(f.start, f.end, f.score, f.entity) for f in found]
            words = (hint + "\n" + text).casefold()
            hits.extend(self._custom(text, words))
            hits = [self._with_context(hit, words) for hit in hits]
            hits = [hit for hit in hits if not self._allowed(text[hit[0] : hit[1]], hit[3])]
            hits.extend(_search(text, self._deny, 1.0))
            if hits != [(f.start, f.end, f.score, f.entity) for f in found]:
                ranked = sorted(hits, key=lambda h: (-h[2], -(h[1] - h[0]), h[0]))
                hits = sorted(disjoint(ranked, lambda h: (h[0], h[1])), key=lambda h: h[0])
                found = [Finding(path, entity, start, end, score) for start, end, score, entity in hits]
            out.extend(found)
        for rest in by_path.values():  # a finding on a path not walked: left as it is
            out.extend(rest)
        return out

    def _custom(self, text: str, words: str) -> list[_Hit]:
        hits: list[_Hit] = []
        for compiled, rec in self._recognizers:
            check = VALIDATORS[rec.validator] if rec.validator else None
            score = rec.score
            if rec.context and any(w.casefold() in words for w in rec.context):
                score = min(1.0, score + CONTEXT_BOOST)
            for start, end, _, entity in _search(text, [(compiled, rec.entity)], score):
                if check is None or check(text[start:end]):
                    hits.append((start, end, score, entity))
        return hits

    def _with_context(self, hit: _Hit, words: str) -> _Hit:
        context = self._context.get(hit[3])
        if context and any(w in words for w in context):
            return (hit[0], hit[1], min(1.0, hit[2] + CONTEXT_BOOST), hit[3])
        return hit

    def _allowed(self, value: str, entity: str) -> bool:
        if self._allow_values:
            scope = self._allow_values.get(_compact(value), frozenset())
            if scope is None or entity in scope:
                return True
        for compiled, only in self._allow_patterns:
            if (not only or entity in only) and compiled.fullmatch(value, timeout=MATCH_SECONDS):
                return True
        return False


def _search(text: str, patterns: Sequence[tuple[Any, str]], score: float) -> list[_Hit]:
    """Every non-empty match of each pattern in ``text``, read through its normalised view if it needs
    one (full-width digits, invisible characters), mapped back to ``text``'s offsets."""
    if not patterns or not text:
        return []
    seen = view(text) if needs_view(text) else None
    read = seen.text if seen is not None else text
    hits: list[_Hit] = []
    for compiled, entity in patterns:
        for match in compiled.finditer(read, timeout=MATCH_SECONDS):
            start, end = match.span()
            if end <= start:
                continue
            if seen is not None:
                start, end = seen.original_span(start, end)
            hits.append((start, end, score, entity))
    return hits


def _known(entities: tuple[str, ...], known: Iterable[str], where: str) -> None:
    names = set(known)
    for entity in entities:
        if entity not in names:
            raise ValueError(
                f"{where}: unknown entity {entity!r}; known: {', '.join(sorted(names))} "
                "(a new entity is declared by a recognizers or deny_list entry with its category)"
            )
