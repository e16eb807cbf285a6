"""Walk a decoded structured record (JSON or Avro) field by field.

What is inspected (``walk_fields``, the classifier's input): every string; every number that could hold an
identifier, as its decimal text (``number_text``: integers of at least ``MIN_NUMBER_DIGITS`` digits, of any
size, and floats with an integral value of as many digits, ``13800138000.0`` read as ``13800138000``; no
recognizer finds anything in fewer digits); and every object key that is not a plain name (``key_inspected``:
a key with a digit, an ``@`` or a non-ASCII character, such as ``13800138000`` or ``张伟``).

A field is ``(path, text, hint)``. A string's or a number's path is its dot-joined JSON path (``join_path``);
the value at that path tells which it is. A key's path is the path of the object that holds it, then
``\\k`` and the key's position among the object's keys (``key_path``: the 2nd key of ``contacts`` is
``contacts.\\k1``, of the top-level object ``\\k1``). ``join_path`` writes a backslash only before ``.`` or
``\\`` (and in ``\\e``, the empty key), so no value's path has that form, and the key itself is not in its
path (a path may be logged). ``parse_key_path`` reads a key path back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

JsonValue = Any  # a tree of dict / list / str / int / float / bool / None

MIN_NUMBER_DIGITS = 6  # the shortest identifier any recognizer finds has six digits
_SMALLEST = 10 ** (MIN_NUMBER_DIGITS - 1)
_FLOAT_LIMIT = 1e21  # beyond this, Python writes a float in exponent form: its digits are no identifier
KEY_MARK = "\\k"
EMPTY_KEY = "\\e"  # the path part of the empty key ("" would merge its path with its parent's)
_PLAIN_KEY = re.compile(r"[A-Za-z_ .-]*")  # field names: letters, underscores, spaces, dots, dashes


# Entity-attribute-value and FHIR-style pairs, where a value's name is data in a sibling:
# {"label": "住院号", "value": "ZY2024020311"}, {"system": "phone", "value": "+852 9761 0042"}. Such a value's
# hint is its key and the sibling's text ("value 住院号"), so field-name context reaches it.
VALUE_KEYS = frozenset({"value", "val", "content", "内容", "內容", "值"})
LABEL_KEYS = (
    "label",
    "name",
    "key",
    "field",
    "attr",
    "attribute",
    "item",
    "type",
    "system",
    "名称",
    "项目",
    "項目",
)
LABEL_MAX = 80  # longer sibling text is no label (a note, not a name)


def child_hint(node: dict[Any, Any], key: object) -> str:
    """The hint of ``node[key]``: its field name, and for a value key (``VALUE_KEYS``) the text of the
    object's first label key (``LABEL_KEYS``) that holds a short string."""
    name = str(key)
    if name not in VALUE_KEYS:
        return name
    for label_key in LABEL_KEYS:
        label = node.get(label_key)
        if type(label) is str and 0 < len(label) <= LABEL_MAX:
            return f"{name} {label}"
    return name


def number_text(value: object) -> str | None:
    """The decimal text under which a number is inspected (None: it is not: too few digits, a fraction,
    a boolean)."""
    if type(value) is int:
        return str(value) if value >= _SMALLEST or value <= -_SMALLEST else None
    if type(value) is float and value.is_integer() and _SMALLEST <= abs(value) < _FLOAT_LIMIT:
        return str(int(value))
    return None


def key_inspected(key: str) -> bool:
    """Whether an object key is inspected: not a plain ASCII field name without digits."""
    return _PLAIN_KEY.fullmatch(key) is None


def key_path(prefix: str, index: int) -> str:
    """The path of the ``index``-th key of the object at ``prefix`` (see the module docstring)."""
    return f"{prefix}.{KEY_MARK}{index}" if prefix else f"{KEY_MARK}{index}"


def parse_key_path(path: str) -> tuple[str, int] | None:
    """``(object path, key index)`` of a path made by ``key_path``; None for any other path."""
    cut = path.rfind(KEY_MARK)
    if cut < 0 or not path[cut + 2 :].isdigit() or not path[cut + 2 :].isascii():
        return None
    if cut and path[cut - 1] != ".":
        return None
    # In ``join_path``'s output a backslash escapes the next character, which is ``.`` or a backslash:
    # a ``\\k`` there follows a backslash, never a ``.`` or the start.
    return (path[: cut - 1] if cut else ""), int(path[cut + 2 :])


def is_key_path(path: str) -> bool:
    return parse_key_path(path) is not None


def join_path(prefix: str, key: object) -> str:
    """Append ``key`` to a dot-joined path; dots and backslashes inside keys are escaped with ``\\``."""
    part = key if type(key) is str else str(key)
    if not part:  # else {"": {"a": 1}} and {"a": 1} share the path "a": a finding masked in the other
        part = EMPTY_KEY
    elif "." in part or "\\" in part:
        part = part.replace("\\", "\\\\").replace(".", "\\.")
    return f"{prefix}.{part}" if prefix else part


def split_path(path: str) -> list[str]:
    """The keys of a path made by ``join_path`` (escapes undone)."""
    parts: list[str] = []
    current: list[str] = []
    chars = iter(path)
    for char in chars:
        if char == "\\":
            escaped = next(chars, "")
            if escaped != EMPTY_KEY[1]:  # the empty key adds nothing
                current.append(escaped)
        elif char == ".":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def walk_strings(value: JsonValue, prefix: str = "", hint: str = "") -> Iterator[tuple[str, str, str]]:
    """Yield ``(path, text, hint)`` for every string in ``value``.

    ``path`` is the dot-joined JSON path (list indices as numbers); ``hint`` is the nearest
    enclosing field name (``child_hint``), which recognizers may use to raise confidence.
    """
    if isinstance(value, str):
        yield prefix, value, hint
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from walk_strings(child, join_path(prefix, key), child_hint(value, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from walk_strings(child, join_path(prefix, index), hint)


def walk_fields(value: JsonValue, prefix: str = "", hint: str = "") -> Iterator[tuple[str, str, str]]:
    """Yield ``(path, text, hint)`` for every string, inspected number and inspected key in ``value`` (see
    the module docstring), depth first in document order, an object's keys before its values. A key's
    hint is the object's own field name."""
    if isinstance(value, str):
        yield prefix, value, hint
    elif isinstance(value, dict):
        for index, key in enumerate(value):
            if type(key) is str and key_inspected(key):
                yield key_path(prefix, index), key, hint
        for key, child in value.items():
            yield from walk_fields(child, join_path(prefix, key), child_hint(value, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from walk_fields(child, join_path(prefix, index), hint)
    else:
        text = number_text(value)
        if text is not None:
            yield prefix, text, hint


Field = tuple[str, str, str]  # path, text, hint: what ``walk_fields`` yields


@dataclass(frozen=True, slots=True)
class Walk:
    fields: tuple[Field, ...]  # ``walk_fields``' fields, in its order
    depth: int  # the nesting depth: exact up to the limit, else the limit + 1


def walk(value: JsonValue, limit: int | None = None) -> Walk:
    """``walk_fields`` and the nesting depth in one pass (the codec checks the depth of every record and the
    classifier then needs its fields). Past ``limit`` levels it stops: the fields are then incomplete,
    which does not matter, as such a record is refused.

    An explicit stack, depth first in ``walk_fields``' order: no recursion limit, and no closure that
    refers to itself (a reference cycle per call, kept until the garbage collector runs)."""
    fields: list[Field] = []
    too_deep = (limit if limit is not None else -1) + 1
    deepest = 0
    stack: list[tuple[JsonValue, str, str, int]] = [(value, "", "", 1)]
    push = stack.append
    containers = (str, dict, list)
    while stack:
        node, path, hint, level = stack.pop()
        if level > deepest:
            deepest = level
            if deepest == too_deep:
                break
        if isinstance(node, str):
            fields.append((path, node, hint))
            continue
        deeper = level + 1
        if isinstance(node, dict):
            for index, key in enumerate(node):
                if type(key) is str and key_inspected(key):
                    fields.append((key_path(path, index), key, hint))
            for key, child in reversed(node.items()):
                if isinstance(child, containers) or number_text(child) is not None:
                    push((child, join_path(path, key), child_hint(node, key), deeper))
                elif deeper > deepest:  # a scalar: only its level counts
                    deepest = deeper
        elif isinstance(node, list):
            for index in range(len(node) - 1, -1, -1):
                child = node[index]
                if isinstance(child, containers) or number_text(child) is not None:
                    push((child, join_path(path, index), hint, deeper))
                elif deeper > deepest:
                    deepest = deeper
        else:  # an inspected number
            text = number_text(node)
            if text is not None:
                fields.append((path, text, hint))
            continue
        if deepest == too_deep:  # a scalar child one level too deep (``walk_fields`` order no longer kept)
            break
    return Walk(tuple(fields), deepest)


_MISSING = object()


def node_at(value: JsonValue, path: str) -> object:
    """The node at a dot-joined ``path`` (as ``walk`` names it), or ``_MISSING``."""
    node = value
    for part in split_path(path) if path else []:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
    return node


def text_at(value: JsonValue, path: str) -> str | None:
    """The string at a dot-joined ``path`` (as ``walk_strings`` names it), or None."""
    node = node_at(value, path)
    return node if isinstance(node, str) else None


def inspected_text_at(value: JsonValue, path: str) -> str | None:
    """What was inspected at ``path``: the string there, or the decimal text of the number there, or None."""
    node = node_at(value, path)
    if isinstance(node, str):
        return node
    return None if node is _MISSING else number_text(node)
