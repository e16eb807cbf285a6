"""Labelled records from a file: a team's own sample, or the challenge set, for ``customs eval --labels``.

One JSON object per line (JSON Lines, UTF-8)::

    {"kind": "tcm_note", "domain": "clinical", "language": "zh-Hans",
     "record": {"notes": "陈志强今日复诊，诉胸闷减轻"},
     "labels": [{"path": "notes", "entity": "PERSON", "text": "陈志强"},
                {"path": "notes", "entity": "HEALTH_DATA", "text": "胸闷"}],
     "herbs": []}

``record`` is the record as it is published; every label names the string it is in by the same dot-joined
path as a finding (list indices as numbers) and the personal value either by ``text`` (its first
occurrence in that string, or the n-th with ``"occurrence": n``) or by ``start``/``end`` character
offsets. ``domain`` is one of clinical, banking, insurance, free_text or clean (a clean record holds no
personal information and has no labels; default free_text), ``language`` one of zh-Hans, zh-Hant, en
(default zh-Hans), ``kind`` a free name for the case (default "labelled"). ``herbs`` optionally lists, like
labels without an entity, herb names inside prescriptions (a herb reported as a PERSON is counted). A
line that breaks these rules is refused with its file, line and field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, get_args

from customs.samples.corpus import DOMAINS, HerbSpan, LabelledRecord, LabelledSpan, Language
from detectors.entities import ENTITIES
from detectors.walker import walk

LANGUAGES: tuple[Language, ...] = get_args(Language)


class LabelError(ValueError):
    """A labelled file that cannot be read as such: where (file, line, field) and why."""

    def __init__(self, source: str, line: int, field: str, message: str) -> None:
        self.source, self.line, self.field = source, line, field
        super().__init__(f"{source}:{line}: {field}: {message}")


Fail = Callable[[str, str], LabelError]  # (field, why) -> the error to raise, with file and line


def read_labelled(path: Path) -> list[LabelledRecord]:
    """Every labelled record of the JSON Lines file ``path`` (blank lines are skipped)."""
    records: list[LabelledRecord] = []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise LabelError(str(path), 0, "file", f"not UTF-8 ({exc.reason})") from exc
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            records.append(parse_labelled(line, str(path), number))
    return records


def parse_labelled(line: str, source: str = "<labels>", number: int = 1) -> LabelledRecord:
    """One line of a labelled file as a :class:`LabelledRecord`."""

    def fail(field: str, message: str) -> LabelError:
        return LabelError(source, number, field, message)

    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise fail("line", f"not JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(item, dict):
        raise fail("line", "expected a JSON object")
    record = item.get("record")
    if not isinstance(record, dict):
        raise fail("record", "expected a JSON object: the record as it is published")
    domain = _choice(item, "domain", DOMAINS, "free_text", fail)
    language = _choice(item, "language", LANGUAGES, "zh-Hans", fail)
    kind = item.get("kind", "labelled")
    if not isinstance(kind, str) or not kind:
        raise fail("kind", "expected a non-empty string")
    strings = {path: text for path, text, _ in walk(record).fields}
    spans = []
    for index, label in enumerate(_objects(item, "labels", fail)):
        field = f"labels.{index}"
        entity = label.get("entity")
        if entity not in ENTITIES:
            raise fail(f"{field}.entity", f"{entity!r} is not one of {', '.join(sorted(ENTITIES))}")
        path, start, end = _locate(label, strings, field, fail)
        spans.append(LabelledSpan(path, entity, start, end))
    if domain == "clean" and spans:
        raise fail("labels", "a clean record holds no personal information: it has no labels")
    herbs = [
        HerbSpan(*_locate(herb, strings, f"herbs.{index}", fail))
        for index, herb in enumerate(_objects(item, "herbs", fail))
    ]
    return LabelledRecord(record, spans, language, domain, kind, herbs)


def _choice(item: Mapping[str, Any], key: str, allowed: tuple[str, ...], default: str, fail: Fail) -> Any:
    value = item.get(key, default)
    if value not in allowed:
        raise fail(key, f"{value!r} is not one of {', '.join(allowed)}")
    return value


def _objects(item: Mapping[str, Any], key: str, fail: Fail) -> list[dict[str, Any]]:
    values = item.get(key, [])
    if not isinstance(values, list) or not all(isinstance(value, dict) for value in values):
        raise fail(key, "expected a list of objects")
    return values


def _locate(
    label: Mapping[str, Any], strings: Mapping[str, str], field: str, fail: Fail
) -> tuple[str, int, int]:
    """``(path, start, end)`` of a label given by ``text`` (and ``occurrence``) or by ``start``/``end``."""
    path = label.get("path")
    if not isinstance(path, str) or path not in strings:
        raise fail(f"{field}.path", f"{path!r} is not the path of a string in the record")
    value = strings[path]
    if "text" in label:
        text, occurrence = label["text"], label.get("occurrence", 1)
        if not isinstance(text, str) or not text:
            raise fail(f"{field}.text", "expected a non-empty string")
        if not isinstance(occurrence, int) or isinstance(occurrence, bool) or occurrence < 1:
            raise fail(f"{field}.occurrence", "expected a whole number from 1")
        start = -1
        for _ in range(occurrence):
            start = value.find(text, start + 1)
            if start < 0:
                raise fail(f"{field}.text", f"occurrence {occurrence} of it is not in the string at {path}")
        return path, start, start + len(text)
    first, last = label.get("start"), label.get("end")
    if not (isinstance(first, int) and isinstance(last, int) and 0 <= first < last <= len(value)):
        raise fail(field, f"give text, or start < end within the string's {len(value)} characters")
    return path, first, last
