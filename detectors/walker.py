"""Walk a decoded structured record (JSON or Avro) field by field."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

JsonValue = Any  # a tree of dict / list / str / int / float / bool / None


def join_path(prefix: str, key: object) -> str:
    """Append ``key`` to a dot-joined path; dots and backslashes inside keys are escaped with ``\\``."""
    part = str(key).replace("\\", "\\\\").replace(".", "\\.")
    return f"{prefix}.{part}" if prefix else part


def split_path(path: str) -> list[str]:
    """The keys of a path made by ``join_path`` (escapes undone)."""
    parts: list[str] = []
    current: list[str] = []
    chars = iter(path)
    for char in chars:
        if char == "\\":
            current.append(next(chars, ""))
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
    enclosing field name, which recognizers may use to raise confidence.
    """
    if isinstance(value, str):
        yield prefix, value, hint
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from walk_strings(child, join_path(prefix, key), str(key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from walk_strings(child, join_path(prefix, index), hint)


def depth(value: JsonValue, limit: int) -> int:
    """The nesting depth of ``value``, counting stops once it exceeds ``limit``."""
    stack: list[tuple[JsonValue, int]] = [(value, 1)]
    deepest = 0
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > limit:
            return deepest
        if isinstance(node, dict):
            stack.extend((child, level + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, level + 1) for child in node)
    return deepest


def text_at(value: JsonValue, path: str) -> str | None:
    """The string at a dot-joined ``path`` (as ``walk_strings`` names it), or None."""
    node = value
    for part in split_path(path) if path else []:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node if isinstance(node, str) else None
