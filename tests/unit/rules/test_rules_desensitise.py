"""``desensitise``: masks spans in place, keeps the record's shape, keys and types, never mutates input."""

from __future__ import annotations

import copy
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detectors.entities import ENTITIES
from detectors.finding import Finding
from detectors.walker import JsonValue, walk_strings
from rules.decision import MaskInstruction
from rules.desensitise import desensitise
from rules.operators import OPERATORS

KEY = b"synthetic-desensitise-key"


def mask(
    path: str,
    entity: str,
    start: int,
    end: int,
    operator: str = "type_tag",
    params: Sequence[tuple[str, str | int]] = (),
) -> MaskInstruction:
    return MaskInstruction(Finding(path, entity, start, end, 0.9), operator, tuple(params))


def span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def pseudonym(value: str, entity: str, length: int = 16) -> str:
    return OPERATORS["pseudonym"].operate(value, entity, {"length": length}, KEY)


NOTE = "Patient Chan Tai Man, tel 13812345678, ID 11010519491231002X, email chan.tm@example.com."


def _note_masks() -> list[MaskInstruction]:
    return [
        mask("patient.note", "PERSON", *span(NOTE, "Chan Tai Man"), "pseudonym", (("length", 8),)),
        mask(
            "patient.note",
            "PHONE_NUMBER",
            *span(NOTE, "13812345678"),
            "partial",
            (("keep_first", 3), ("keep_last", 2)),
        ),
        mask("patient.note", "CN_RESIDENT_ID", *span(NOTE, "11010519491231002X")),
        mask("patient.note", "EMAIL_ADDRESS", *span(NOTE, "chan.tm@example.com"), "redact"),
    ]


def _expected_note() -> str:
    return f"Patient {pseudonym('Chan Tai Man', 'PERSON', 8)}, tel 138******78, ID <CN_RESIDENT_ID>, email ."


@pytest.mark.parametrize("order", ["given", "reversed", "shuffled"])
def test_several_findings_in_one_string(order: str) -> None:
    masks = _note_masks()
    if order == "reversed":
        masks.reverse()
    elif order == "shuffled":
        masks = [masks[2], masks[0], masks[3], masks[1]]
    result = desensitise({"patient": {"note": NOTE}}, masks, KEY)
    assert result == {"patient": {"note": _expected_note()}}


def test_adjacent_spans() -> None:
    text = "ChanTaiMan13812345678"
    masks = [mask("", "PHONE_NUMBER", 10, 21), mask("", "PERSON", 0, 10)]
    assert desensitise(text, masks, KEY) == "<PERSON><PHONE_NUMBER>"


def test_whole_string_and_empty_result() -> None:
    record = {"name": "Chan Tai Man", "phone": "13812345678"}
    masks = [mask("name", "PERSON", 0, 12, "redact"), mask("phone", "PHONE_NUMBER", 0, 11)]
    assert desensitise(record, masks, KEY) == {"name": "", "phone": "<PHONE_NUMBER>"}


def test_nested_dicts_and_lists() -> None:
    record: JsonValue = {
        "visit": {
            "patients": [
                {"name": "陈大文", "age": 41, "insured": True},
                {"name": "Lee Siu Ming", "age": None, "score": 0.75},
            ],
            "contacts": ["tel 13812345678", 42, ["nested chan.tm@example.com"]],
        },
        "count": 2,
    }
    masks = [
        mask("visit.patients.0.name", "PERSON", 0, 3),
        mask("visit.patients.1.name", "PERSON", 0, 12, "partial", (("keep_first", 1),)),
        mask("visit.contacts.0", "PHONE_NUMBER", 4, 15, "redact"),
        mask("visit.contacts.2.0", "EMAIL_ADDRESS", 7, 26),
    ]
    assert desensitise(record, masks, KEY) == {
        "visit": {
            "patients": [
                {"name": "<PERSON>", "age": 41, "insured": True},
                {"name": "L***********", "age": None, "score": 0.75},
            ],
            "contacts": ["tel ", 42, ["nested <EMAIL_ADDRESS>"]],
        },
        "count": 2,
    }


def test_keys_are_never_rewritten() -> None:
    record = {"Chan Tai Man": "Chan Tai Man", "13812345678": {"13812345678": "13812345678"}}
    masks = [mask("Chan Tai Man", "PERSON", 0, 12), mask("13812345678.13812345678", "PHONE_NUMBER", 0, 11)]
    result = desensitise(record, masks, KEY)
    assert result == {"Chan Tai Man": "<PERSON>", "13812345678": {"13812345678": "<PHONE_NUMBER>"}}
    assert list(result) == list(record)


def test_values_never_inspected_untouched_even_when_a_mask_points_at_them() -> None:
    record: JsonValue = {"id": 11010, "ratio": 0.5, "flag": False, "none": None, "list": [1, 2.5, True]}
    masks = [
        mask("id", "CN_RESIDENT_ID", 0, 5),
        mask("ratio", "PERSON", 0, 3),
        mask("flag", "PERSON", 0, 3),
        mask("none", "PERSON", 0, 3),
        mask("list.0", "PERSON", 0, 1),
    ]
    result = desensitise(record, masks, KEY)
    assert result == record
    assert [type(v) for v in result["list"]] == [int, float, bool]
    assert result["flag"] is False


def test_masks_for_missing_paths_are_ignored() -> None:
    record = {"name": "Chan Tai Man"}
    assert desensitise(record, [mask("other", "PERSON", 0, 3)], KEY) == record


def test_top_level_string_record() -> None:
    assert desensitise("call 13812345678", [mask("", "PHONE_NUMBER", 5, 16)], KEY) == "call <PHONE_NUMBER>"


@pytest.mark.parametrize("record", [42, 1.5, True, None, [], {}])
def test_scalars_and_empties_pass_through(record: JsonValue) -> None:
    result = desensitise(record, [mask("", "PERSON", 0, 1)], KEY)
    assert result == record
    assert type(result) is type(record)


def test_no_masks_returns_the_record_itself() -> None:
    record: JsonValue = {"a": ["Chan Tai Man", {"b": "x"}]}
    assert desensitise(record, [], KEY) is record


def test_only_the_way_to_a_masked_string_is_copied() -> None:
    record: JsonValue = {"a": ["Chan Tai Man", {"b": "x"}], "c": {"d": ["y"]}, "a.b": {"e": "z"}}
    before = copy.deepcopy(record)
    result = desensitise(record, [MaskInstruction(Finding("a.0", "PERSON", 0, 12, 0.9), "redact")], KEY)
    assert result["a"][0] != "Chan Tai Man"
    assert result is not record and result["a"] is not record["a"]
    assert result["a"][1] is record["a"][1]  # untouched: shared
    assert result["c"] is record["c"] and result["a.b"] is record["a.b"]
    assert record == before


def test_input_is_not_mutated() -> None:
    record: JsonValue = {"patient": {"note": NOTE, "tags": ["Chan Tai Man", 7]}}
    before = copy.deepcopy(record)
    masks = [*_note_masks(), mask("patient.tags.0", "PERSON", 0, 12)]
    masks_before = list(masks)
    result = desensitise(record, masks, KEY)
    assert record == before
    assert masks == masks_before
    assert result["patient"]["tags"] == ["<PERSON>", 7]
    assert result["patient"] is not record["patient"]
    assert result["patient"]["tags"] is not record["patient"]["tags"]


def test_pseudonym_is_keyed() -> None:
    record = {"name": "Chan Tai Man"}
    masks = [mask("name", "PERSON", 0, 12, "pseudonym")]
    assert desensitise(record, masks, b"k1") == desensitise(record, masks, b"k1")
    assert desensitise(record, masks, b"k1") != desensitise(record, masks, b"k2")


def test_dotted_key_does_not_collide_with_nested_path() -> None:
    # A key holding a dot is escaped in paths (``a\.b``), so it never names the nested a -> b.
    record = {"a.b": "Chan Tai Man", "a": {"b": "harmless"}}
    paths = {text: path for path, text, _ in walk_strings(record)}
    assert paths == {"Chan Tai Man": "a\\.b", "harmless": "a.b"}
    result = desensitise(record, [mask(paths["Chan Tai Man"], "PERSON", 0, 12)], KEY)
    assert result == {"a.b": "<PERSON>", "a": {"b": "harmless"}}


# --- property: shape, keys and types kept; masked text gone ----------------------------------------------

# Text characters share nothing with what operators emit (<, >, _, upper case, hex digits), and no character
# repeats within one string, so a masked span's text can only survive if desensitise failed to replace it.
TEXT_ALPHABET = "ghijklmnopqrstuvwxyz陈大文李小明广州深圳香港澳门αβγδεζηθ .,:;-"
KEY_ALPHABET = "abcdefghijklmnopqrstuvwxyz"

texts = st.integers(min_value=0, max_value=30).flatmap(
    lambda n: st.lists(st.sampled_from(TEXT_ALPHABET), unique=True, min_size=n, max_size=n).map("".join)
)
scalars = st.one_of(
    texts,
    texts,
    texts,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False),
)
records = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(alphabet=KEY_ALPHABET, min_size=1, max_size=6), children, max_size=4),
    ),
    max_leaves=12,
)
OPERATOR_NAMES = ("type_tag", "redact", "pseudonym")


@st.composite
def records_with_masks(draw: st.DrawFn) -> tuple[JsonValue, list[MaskInstruction]]:
    record = draw(
        st.one_of(
            records,
            st.dictionaries(st.text(KEY_ALPHABET, min_size=1, max_size=6), records, min_size=1, max_size=5),
        )
    )
    masks: list[MaskInstruction] = []
    for path, text, _hint in walk_strings(record):
        if not text:
            continue
        cuts = sorted(draw(st.sets(st.integers(min_value=0, max_value=len(text)), max_size=8)))
        for start, end in zip(cuts[::2], cuts[1::2], strict=False):
            if draw(st.integers(min_value=0, max_value=3)) == 0:
                continue  # leave some spans unmasked
            entity = draw(st.sampled_from(sorted(ENTITIES)))
            operator = draw(st.sampled_from(OPERATOR_NAMES))
            masks.append(mask(path, entity, start, end, operator))
    return record, draw(st.permutations(masks))


def _assert_same_shape(before: JsonValue, after: JsonValue, path: str = "") -> None:
    assert type(after) is type(before), path
    if isinstance(before, dict):
        assert list(after) == list(before), path
        for key in before:
            _assert_same_shape(before[key], after[key], f"{path}.{key}" if path else key)
    elif isinstance(before, list):
        assert len(after) == len(before), path
        for index, (b, a) in enumerate(zip(before, after, strict=True)):
            _assert_same_shape(b, a, f"{path}.{index}" if path else str(index))
    elif not isinstance(before, str):
        assert after == before, path


def _expected_text(text: str, masks: Sequence[MaskInstruction]) -> str:
    """Left-to-right reference implementation of span replacement."""
    out: list[str] = []
    cursor = 0
    for m in sorted(masks, key=lambda m: m.finding.start):
        out.append(text[cursor : m.finding.start])
        value = text[m.finding.start : m.finding.end]
        out.append(OPERATORS[m.operator].operate(value, m.finding.entity, dict(m.params), KEY))
        cursor = m.finding.end
    out.append(text[cursor:])
    return "".join(out)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records_with_masks())
def test_property_shape_kept_and_masked_text_gone(case: tuple[JsonValue, list[MaskInstruction]]) -> None:
    record, masks = case
    before = copy.deepcopy(record)
    result = desensitise(record, masks, KEY)
    assert record == before
    _assert_same_shape(record, result)

    originals = {p: t for p, t, _ in walk_strings(record)}
    masked = {p: t for p, t, _ in walk_strings(result)}
    assert set(masked) == set(originals)
    for path, text in originals.items():
        here = [m for m in masks if m.finding.path == path]
        assert masked[path] == _expected_text(text, here)
        for m in here:
            secret = text[m.finding.start : m.finding.end]
            replacement = OPERATORS[m.operator].operate(secret, m.finding.entity, dict(m.params), KEY)
            if len(secret) >= 4 and secret not in replacement:
                assert secret not in masked[path], (path, secret, masked[path])


@pytest.mark.parametrize(
    ("value", "operator", "params", "expected"),
    [
        (13812345678, "type_tag", (), "<PHONE_NUMBER>"),
        (13812345678, "partial", (("keep_first", 3),), "138********"),
        (13812345678, "redact", (), ""),
        (13812345678.0, "type_tag", (), "<PHONE_NUMBER>"),
        (-13812345678, "type_tag", (), "-<PHONE_NUMBER>"),
    ],
)
def test_a_masked_number_becomes_its_operators_string(
    value: int | float, operator: str, params: tuple[tuple[str, int], ...], expected: str
) -> None:
    start = 1 if value < 0 else 0
    record: JsonValue = {"phone": value, "calls": [value, 5], "flag": True}
    masks = [
        mask("phone", "PHONE_NUMBER", start, start + 11, operator, params),
        mask("calls.0", "PHONE_NUMBER", start, start + 11, operator, params),
    ]
    result = desensitise(record, masks, KEY)
    assert result == {"phone": expected, "calls": [expected, 5], "flag": True}
    assert record["phone"] == value  # the input is not changed


def test_a_tokenised_number_stays_a_number_of_as_many_digits() -> None:
    record: JsonValue = {"phone": 13812345678, "f": 13812345678.0}
    masks = [mask("phone", "PHONE_NUMBER", 0, 11, "tokenise"), mask("f", "PHONE_NUMBER", 0, 11, "tokenise")]
    result = desensitise(record, masks, KEY)
    token = OPERATORS["tokenise"].operate("13812345678", "PHONE_NUMBER", {}, KEY)
    assert token != "13812345678"
    if token.startswith("0"):  # a leading zero would be lost in a number: the token stays a string
        assert result == {"phone": token, "f": token}
    else:
        assert result == {"phone": int(token), "f": float(token)}
        assert type(result["phone"]) is int and type(result["f"]) is float


def test_a_mask_pointing_at_a_key_path_changes_nothing() -> None:
    """Keys are never masked (``decide`` holds such a record as pii_in_key instead)."""
    record: JsonValue = {"contacts": {"13812345678": {"name": "x"}}}
    result = desensitise(record, [mask("contacts.\\k0", "PHONE_NUMBER", 0, 11)], KEY)
    assert result == record
