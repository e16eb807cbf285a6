"""Apply a decision's mask instructions to a record, keeping its shape and keys.

A masked number (its decimal text held an identifier, see ``detectors.walker.number_text``) stays a number
where its masked text is still one — an integer without a leading zero, as ``tokenise`` of a number whose
token does not start with 0; a float's stays a float — and otherwise becomes a string: ``type_tag`` gives
``"<PHONE_NUMBER>"``, ``partial`` ``"138******00"``, ``redact`` ``""``, ``pseudonym`` its pseudonym. The
record stays valid JSON either way; an Avro field that cannot hold the string refuses it at encoding
(``Reason.MASK_BREAKS_SCHEMA``). Keys are never masked (a finding in a key quarantines the record, see
``rules.decide``), nor are booleans or nulls.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from detectors.walker import JsonValue, join_path, number_text, split_path
from rules.decision import MaskInstruction
from rules.operators import OPERATORS
from rules.operators.base import OperatorContext

_MASKABLE = (str, dict, list, int, float)  # what ``rebuild`` looks into (a bool is an int: not masked)
_NUMBERS = (int, float)  # exactly these types: not bool
_WHOLE_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)")  # a masked text that may stay a number


def _mask_text(text: str, masks: Sequence[MaskInstruction], key: bytes, context: OperatorContext) -> str:
    # Right to left, so earlier offsets stay valid; overlapping spans were resolved by the classifier.
    for mask in sorted(masks, key=lambda m: m.finding.start, reverse=True):
        start, end = mask.finding.start, mask.finding.end
        replacement = OPERATORS[mask.operator].operate_in(
            text[start:end], mask.finding.entity, dict(mask.params), key, context
        )
        text = text[:start] + replacement + text[end:]
    return text


def _mask_number(
    value: int | float, masks: Sequence[MaskInstruction], key: bytes, context: OperatorContext
) -> JsonValue:
    """A number whose decimal text holds findings, masked: a number again where the masked text is a
    whole number in plain decimal (``tokenise``), else that text as a string."""
    text = number_text(value)
    if text is None:  # not inspected, so no finding can point here
        return value
    masked = _mask_text(text, masks, key, context)
    if _WHOLE_NUMBER.fullmatch(masked) is None:
        return masked
    return int(masked) if type(value) is int else float(masked)


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
    # Where ``rebuild`` may return something new: a child elsewhere is kept without the call.
    touched = on_the_way.union(by_path)

    def rebuild(value: JsonValue, path: str) -> JsonValue:
        if isinstance(value, str):
            return _mask_text(value, by_path[path], key, context) if path in by_path else value
        if type(value) in _NUMBERS:
            return _mask_number(value, by_path[path], key, context) if path in by_path else value
        if path not in on_the_way:
            return value  # nothing masked below: shared, not copied
        # Booleans and nulls are never masked: they need no path.
        if isinstance(value, dict):
            return {
                k: rebuild(v, p) if (p := join_path(path, k)) in touched and isinstance(v, _MASKABLE) else v
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [
                rebuild(v, p) if (p := join_path(path, i)) in touched and isinstance(v, _MASKABLE) else v
                for i, v in enumerate(value)
            ]
        return value

    return rebuild(record, "")


def _ancestors(paths: Iterable[str]) -> set[str]:
    """Every proper prefix of ``paths`` (as ``join_path`` builds them), the root ``""`` included."""
    found = set()
    for path in paths:
        found.add("")
        if "\\" in path:  # escapes: split and joined again
            prefix = ""
            for part in split_path(path)[:-1]:
                prefix = join_path(prefix, part)
                found.add(prefix)
            continue
        # No escape: every "." separates two keys, and the text before it is that prefix as joined.
        dot = path.find(".")
        while dot >= 0:
            found.add(path[:dot])
            dot = path.find(".", dot + 1)
    return found
