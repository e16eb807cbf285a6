"""Walk a decoded structured record (JSON or Avro) field by field."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

JsonValue = Any  # a tree of dict / list / str / int / float / bool / None


def join_path(prefix: str, key: object) -> str:
    """Append ``key`` to a dot-joined path; dots and backslashes inside keys are escaped with ``\\``."""
    part = key if type(key) is str else str(key)
    if "." in part or "\\" in part:
        part = part.replace("\\", "\\\\").replace(".", "\\.")
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


Field = tuple[str, str, str]  # path, text, hint: what ``walk_strings`` yields


@dataclass(frozen=True, slots=True)
class Walk:
    fields: tuple[Field, ...]  # ``walk_strings``' fields, in its order
    depth: int  # the nesting depth: exact up to the limit, else the limit + 1


def walk(value: JsonValue, limit: int | None = None) -> Walk:
    """``walk_strings`` and the nesting depth in one pass (the codec checks the depth of every record and the
    classifier then needs its strings). Past ``limit`` levels it stops: the fields are then incomplete,
    which does not matter, as such a record is refused.

    An explicit stack, depth first in ``walk_strings``' order: no recursion limit, and no closure that
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
            for key, child in reversed(node.items()):
                if isinstance(child, containers):
                    push((child, join_path(path, key), str(key), deeper))
                elif deeper > deepest:  # a scalar: only its level counts
                    deepest = deeper
        elif isinstance(node, list):
            for index in range(len(node) - 1, -1, -1):
                child = node[index]
                if isinstance(child, containers):
                    push((child, join_path(path, index), hint, deeper))
                elif deeper > deepest:
                    deepest = deeper
        if deepest == too_deep:  # a scalar child one level too deep (``walk_strings`` order no longer kept)
            break
    return Walk(tuple(fields), deepest)


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
