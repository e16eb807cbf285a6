"""``walk`` yields exactly ``walk_fields``' fields (strings, inspected numbers and keys; the strings exactly
``walk_strings``') and measures exactly what ``depth`` does."""

from __future__ import annotations

import gc
import json
import random

import pytest

from customs.samples.generator import generate
from detectors.walker import (
    JsonValue,
    child_hint,
    is_key_path,
    join_path,
    key_path,
    number_text,
    parse_key_path,
    split_path,
    text_at,
    walk,
    walk_fields,
    walk_strings,
)

pytestmark = pytest.mark.unit


def depth(value: JsonValue, limit: int) -> int:
    """The reference: the nesting depth of ``value``, counting stops once it exceeds ``limit``."""
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


def _random_value(rng: random.Random, level: int) -> JsonValue:
    kind = rng.random()
    if level > 7 or kind < 0.3:
        return rng.choice(
            ["text", "a.b", "", "中文 13812345678", 7, 1.5, None, True, [], {}, 13812345678, 1.38e10, -123456]
        )
    if kind < 0.65:
        return {
            rng.choice(["k", "a.b", "x\\y", "名字", "7"]) + str(i): _random_value(rng, level + 1)
            for i in range(3)
        }
    return [_random_value(rng, level + 1) for _ in range(rng.randint(0, 3))]


def _values() -> list[JsonValue]:
    rng = random.Random(9)
    values: list[JsonValue] = [_random_value(rng, 1) for _ in range(400)]
    values += [sample.record for sample in generate(300, seed=4) if sample.record is not None]
    values += ["root", 5, None, [], {}, [[[["deep"]]]], {"a": {"b": {"c": 1}}}]
    values += [  # entity-attribute-value pairs: a value's hint takes its sibling label
        {"label": "住院号", "value": "ZY2024020311", "note": {"value": ["a", 13812345678]}},
        [{"name": "phone", "val": 13812345678}, {"type": 7, "value": "x"}, {"system": "", "内容": "y"}],
    ]
    return values


def _is_string(value: JsonValue, path: str) -> bool:
    return not is_key_path(path) and text_at(value, path) is not None


def test_walk_fields_are_walk_fields_and_their_strings_walk_strings() -> None:
    for value in _values():
        fields = walk(value).fields
        assert fields == tuple(walk_fields(value)), json.dumps(value, ensure_ascii=False)
        strings = tuple(field for field in fields if _is_string(value, field[0]))
        assert strings == tuple(walk_strings(value))


@pytest.mark.parametrize("limit", [0, 1, 2, 3, 4, 6, 32])
def test_walk_depth_is_depth(limit: int) -> None:
    for value in _values():
        walked = walk(value, limit)
        assert walked.depth == depth(value, limit)
        if walked.depth <= limit:
            assert walked.fields == tuple(walk_fields(value))


def test_walk_leaves_no_reference_cycle() -> None:
    """A walk's garbage is freed at once, not kept until the collector runs (a closure calling itself was
    a cycle per record)."""
    values = _values()
    gc.collect()
    gc.disable()
    try:
        for value in values:
            walk(value, 32)
            walk(value, 2)
        assert gc.collect() == 0
    finally:
        gc.enable()


@pytest.mark.parametrize(
    ("keys", "path"),
    [
        (["patient", "name"], "patient.name"),
        (["a.b", "c"], "a\\.b.c"),
        (["x\\y", 0], "x\\\\y.0"),
        (["診斷", 12, "名字"], "診斷.12.名字"),
        ([".", "\\."], "\\..\\\\\\."),
        (["", "id", "name"], "\\e.id.name"),
        (["a", "", ""], "a.\\e.\\e"),
        (["\\e", ""], "\\\\e.\\e"),
    ],
)
def test_join_path_escapes_and_split_path_undoes_it(keys: list[object], path: str) -> None:
    joined = ""
    for key in keys:
        joined = join_path(joined, key)
    assert joined == path
    assert split_path(joined) == [str(key) for key in keys]


def test_text_at_follows_escaped_paths() -> None:
    record: JsonValue = {"a.b": [{"x\\y": "陈大文"}], "a": {"b": "other"}}
    assert text_at(record, "a\\.b.0.x\\\\y") == "陈大文"
    assert text_at(record, "a.b") == "other"
    assert text_at(record, "a.c") is None


def test_numbers_and_keys_are_fields_told_apart_by_path() -> None:
    record: JsonValue = {
        "phone": 13812345678,
        "callbacks": [13812345678.0, 5, True, 0.5],
        "contacts": {"13812345678": {"name": "x"}, "name": "y", "张伟": 1},
        "qty": 12345,
    }
    assert walk(record).fields == (
        ("phone", "13812345678", "phone"),
        ("callbacks.0", "13812345678", "callbacks"),
        ("contacts.\\k0", "13812345678", "contacts"),
        ("contacts.\\k2", "张伟", "contacts"),
        ("contacts.13812345678.name", "x", "name"),
        ("contacts.name", "y", "name"),
    )
    assert parse_key_path("contacts.\\k2") == ("contacts", 2)
    assert parse_key_path("\\k0") == ("", 0) and key_path("", 0) == "\\k0"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (13812345678, "13812345678"),
        (-123456, "-123456"),
        (12345, None),
        (99999, None),
        (100000, "100000"),
        (13812345678.0, "13812345678"),
        (1.5e10, "15000000000"),
        (123456.5, None),
        (1e22, None),
        (True, None),
        (None, None),
        (10**40, "1" + "0" * 40),
    ],
)
def test_number_text(value: object, text: str | None) -> None:
    assert number_text(value) == text


@pytest.mark.parametrize(
    "keys",
    [["a", "b"], ["x\\y", "k1"], ["\\k1"], ["a.", "\\k0"], [".\\k3"], ["k", 0, "\\"], ["", ""], ["\\", ""]],
)
def test_no_value_path_reads_as_a_key_path(keys: list[object]) -> None:
    """A value's path never has a key path's form, whatever its keys hold (backslashes, ``k`` and digits)."""
    path = ""
    for key in keys:
        path = join_path(path, key)
        assert not is_key_path(path)
        assert parse_key_path(key_path(path, 4)) == (path, 4)


@pytest.mark.parametrize(
    "record",
    [
        {"": {"id": {"name": "18742057158"}}, "id": {"name": ""}},
        {"": "18742057158", "x": {"": ""}},
        {"a": {"": {"b": "18742057158"}}, "a.": {"b": ""}},
        {"": {"": "18742057158"}, "\\e": ""},
    ],
)
def test_empty_keys_have_paths_of_their_own(record: JsonValue) -> None:
    """Every field's path is unique and leads back to that field's own text (an empty key merged with its
    parent's path once sent a finding's mask to another field)."""
    fields = list(walk_fields(record))
    paths = [path for path, _, _ in fields]
    assert len(set(paths)) == len(paths)
    for path, text, _ in fields:
        assert is_key_path(path) or text_at(record, path) == text


@pytest.mark.parametrize(
    ("node", "key", "hint"),
    [
        ({"label": "住院号", "value": "ZY2024020311"}, "value", "value 住院号"),
        ({"system": "phone", "value": "+852 9761 0042"}, "value", "value phone"),
        ({"项目": "联系电话", "值": "9761 0042"}, "值", "值 联系电话"),
        ({"type": "HKID", "name": "ID", "value": "x"}, "value", "value ID"),  # the first label key wins
        ({"label": "住院号", "value": "x"}, "label", "label"),  # the label itself keeps its own name
        ({"phone": "x", "value": "y"}, "value", "value"),  # no label key
        ({"label": 5, "value": "y"}, "value", "value"),  # a label must be text
        ({"label": "", "value": "y"}, "value", "value"),
        ({"label": "x" * 81, "value": "y"}, "value", "value"),  # a note, not a label
        ({"label": "phone", "amount": "y"}, "amount", "amount"),  # only value keys take a label
    ],
)
def test_a_value_s_hint_takes_its_sibling_label(node: dict[str, JsonValue], key: str, hint: str) -> None:
    assert child_hint(node, key) == hint
