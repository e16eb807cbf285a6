"""Apply a decision's mask instructions to a record, keeping its shape, keys and types."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from detectors.walker import JsonValue, join_path, split_path
from rules.decision import MaskInstruction
from rules.operators import OPERATORS
from rules.operators.base import OperatorContext

_NESTED = (str, dict, list)  # what ``rebuild`` looks into


def _mask_text(text: str, masks: Sequence[MaskInstruction], key: bytes, context: OperatorContext) -> str:
    # Right to left, so earlier offsets stay valid; overlapping spans were resolved by the classifier.
    for mask in sorted(masks, key=lambda m: m.finding.start, reverse=True):
        start, end = mask.finding.start, mask.finding.end
        replacement = OPERATORS[mask.operator].operate_in(
            text[start:end], mask.finding.entity, dict(mask.params), key, context
        )
        text = text[:start] + replacement + text[end:]
    return text


def desensitise(
    record: JsonValue,
    masks: Sequence[MaskInstruction],
    key: bytes,
    *,
    record_date: date | None = None,
    token_key: bytes | None = None,
) -> JsonValue:
    """``record`` with every masked span replaced by its operator's output: the dicts and lists on the
    way to a masked string are new, everything else is shared with ``record`` (neither is changed).

    ``record_date`` (for age bands) and ``token_key`` (for reversible tokens, else ``key``) reach the
    operators with the original record, through an ``OperatorContext``.
    """
    context = OperatorContext(record_date=record_date, record=record, token_key=token_key)
    by_path: dict[str, list[MaskInstruction]] = defaultdict(list)
    for mask in masks:
        by_path[mask.finding.path].append(mask)
    on_the_way = _ancestors(by_path)

    def rebuild(value: JsonValue, path: str) -> JsonValue:
        if isinstance(value, str):
            return _mask_text(value, by_path[path], key, context) if path in by_path else value
        if path not in on_the_way:
            return value  # nothing masked below: shared, not copied
        # Numbers, booleans and nulls are never masked: they need no path.
        if isinstance(value, dict):
            return {
                k: rebuild(v, join_path(path, k)) if isinstance(v, _NESTED) else v for k, v in value.items()
            }
        if isinstance(value, list):
            return [
                rebuild(v, join_path(path, i)) if isinstance(v, _NESTED) else v for i, v in enumerate(value)
            ]
        return value

    return rebuild(record, "")


def _ancestors(paths: Iterable[str]) -> set[str]:
    """Every proper prefix of ``paths`` (as ``join_path`` builds them), the root ``""`` included."""
    found = set()
    for path in paths:
        prefix = ""
        found.add(prefix)
        for part in split_path(path)[:-1]:
            prefix = join_path(prefix, part)
            found.add(prefix)
    return found
