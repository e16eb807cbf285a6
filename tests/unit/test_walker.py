"""``walk`` yields exactly ``walk_strings``' fields and measures exactly what ``depth`` does."""

from __future__ import annotations

import gc
import json
import random

import pytest

from detectors.walker import JsonValue, join_path, split_path, text_at, walk, walk_strings
from load.generator import generate

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
        return rng.choice(["text", "a.b", "", "中文 13812345678", 7, 1.5, None, True, [], {}])
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
    return values


def test_walk_fields_are_walk_strings() -> None:
    for value in _values():
        assert walk(value).fields == tuple(walk_strings(value)), json.dumps(value, ensure_ascii=False)


@pytest.mark.parametrize("limit", [0, 1, 2, 3, 4, 6, 32])
def test_walk_depth_is_depth(limit: int) -> None:
    for value in _values():
        walked = walk(value, limit)
        assert walked.depth == depth(value, limit)
        if walked.depth <= limit:
            assert walked.fields == tuple(walk_strings(value))


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
