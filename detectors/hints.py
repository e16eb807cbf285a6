"""Schema hints: an Avro field tagged as personal information is that entity, pattern or not.

A field of an ``.avsc`` schema may say what it holds, either as ``"pii": "PHONE_NUMBER"`` or Confluent-style
as ``"confluent:tags": ["PHONE_NUMBER"]`` (tags that are no entity name, such as ``PII``, are ignored).
``schema_hints`` reads a schema into a map from field path (nested records joined with ``.``; array items
and map values under their field's path) to entity; ``hinted`` then makes the whole value of each tagged
field a finding of its entity at ``HINT_SCORE``, in place of whatever the recognizers found in it (a
finding of the same entity over the whole value at a higher score is kept as it is).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from detectors.entities import ENTITIES
from detectors.finding import Finding
from detectors.walker import Field

HINT_SCORE = 0.9


def _entity(field: Mapping[str, Any]) -> str | None:
    tagged = field.get("pii")
    if isinstance(tagged, str) and tagged in ENTITIES:
        return tagged
    tags = field.get("confluent:tags")
    if isinstance(tags, list):
        return next((tag for tag in tags if isinstance(tag, str) and tag in ENTITIES), None)
    return None


def schema_hints(schema: Any) -> dict[str, str]:
    """``{field path: entity}`` of the tagged fields of an Avro schema (its parsed JSON)."""
    hints: dict[str, str] = {}

    def visit(node: Any, prefix: str, depth: int) -> None:
        if depth > 32:
            return
        if isinstance(node, list):  # a union
            for branch in node:
                visit(branch, prefix, depth + 1)
        elif isinstance(node, dict):
            kind = node.get("type")
            if kind == "record":
                for field in node.get("fields", ()):
                    if not isinstance(field, dict) or not isinstance(field.get("name"), str):
                        continue
                    path = f"{prefix}.{field['name']}" if prefix else field["name"]
                    entity = _entity(field)
                    if entity is not None:
                        hints[path] = entity
                    visit(field.get("type"), path, depth + 1)
            elif kind == "array":
                visit(node.get("items"), prefix, depth + 1)
            elif kind == "map":
                visit(node.get("values"), prefix, depth + 1)
            elif isinstance(kind, (dict, list)):
                visit(kind, prefix, depth + 1)

    visit(schema, "", 0)
    return hints


def _schema_path(path: str) -> str:
    """A record's value path as its schema path: list indices dropped (``cards.0`` is ``cards``)."""
    return ".".join(part for part in path.split(".") if not part.isdigit())


def hinted(findings: Sequence[Finding], fields: Iterable[Field], hints: Mapping[str, str]) -> list[Finding]:
    """``findings`` with every tagged field's whole value a finding of its entity (see the module)."""
    if not hints:
        return list(findings)
    out = list(findings)
    for path, text, _ in fields:
        entity = hints.get(_schema_path(path))
        if entity is None or not text.strip():
            continue
        whole = Finding(path, entity, 0, len(text), HINT_SCORE)
        kept = [f for f in out if f.path != path]
        same = [f for f in out if f.path == path and f.entity == entity and f.score >= HINT_SCORE]
        if any(f.start == 0 and f.end == len(text) for f in same):
            continue
        out = [*kept, whole]
    return out
