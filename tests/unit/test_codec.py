"""Codecs: JSON and Confluent-framed Avro decode; every kind of bad input gets a clear, value-free reason."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from customs.codec import Codec, DecodeError, SchemaStore, compact_json, encode_avro
from customs.settings import REPO_ROOT, Settings
from streams.peek import display_codec, readable

SCHEMAS = SchemaStore(REPO_ROOT / "schemas")
BANK = {
    "id": "b-1",
    "application_date": "2026-01-02",
    "customer": {
        "name": "测试",
        "id_number": "11010519491231002X",
        "phone": "13812345678",
        "email": "a@example.cn",
    },
    "card_number": "6222021234567894",
    "credit_limit": 50000,
    "overdue_months": 0,
    "branch": "香港中環分行",
    "currency": "HKD",
    "remarks": "ok",
}


@pytest.fixture()
def codec() -> Codec:
    return Codec(SCHEMAS, max_bytes=10_000, max_depth=8)


def test_json_object_decodes(codec: Codec) -> None:
    decoded = codec.decode(json.dumps({"a": [1, {"b": "中文"}]}, ensure_ascii=False).encode())
    assert decoded.format == "json" and decoded.record == {"a": [1, {"b": "中文"}]}


def test_avro_round_trip_keeps_schema(codec: Codec) -> None:
    schema_id = SCHEMAS.id_of("bank_credit")
    raw = encode_avro(BANK, schema_id, SCHEMAS.get(schema_id))
    assert raw[0] == 0 and struct.unpack(">I", raw[1:5])[0] == schema_id
    decoded = codec.decode(raw)
    assert decoded.format == "avro" and decoded.schema_id == schema_id and decoded.record == BANK
    changed = {**BANK, "remarks": "<CN_RESIDENT_ID>"}
    assert codec.decode(codec.encode(changed, decoded)).record == changed


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty value"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"a": ', "not JSON"),
        (b"[1, 2]", "not an object"),
        (b'"text"', "not an object"),
        (b"x" * 10_001, "too large"),
        (json.dumps({"a": [[[[[[[[[1]]]]]]]]]}).encode(), "too deeply nested"),
        (b"\x00\x00\x00", "bad Avro: shorter"),
        (b"\x00\x00\x00\x03\xe7\x01\x02", "bad Avro: unknown schema id 999"),
        (b"\x00\x00\x00\x00\x02\xff\xff\xff", "bad Avro"),
    ],
)
def test_bad_input_is_refused_with_a_reason(codec: Codec, raw: bytes, reason: str) -> None:
    with pytest.raises(DecodeError) as caught:
        codec.decode(raw)
    assert caught.value.detail.startswith(reason)


def test_avro_with_trailing_garbage_is_refused(codec: Codec) -> None:
    schema_id = SCHEMAS.id_of("bank_credit")
    raw = encode_avro(BANK, schema_id, SCHEMAS.get(schema_id)) + b"\x00junk"
    with pytest.raises(DecodeError, match="trailing bytes"):
        codec.decode(raw)


def test_decode_errors_never_echo_the_value(codec: Codec) -> None:
    secret = "11010519491231002X"
    for raw in (f'{{"id": "{secret}"'.encode(), f'["{secret}"]'.encode(), secret.encode()):
        with pytest.raises(DecodeError) as caught:
            codec.decode(raw)
        assert secret not in caught.value.detail


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ('{"note": "陈**"}'.encode(), '{"note": "陈**"}'),
        (encode_avro(BANK, SCHEMAS.id_of("bank_credit"), SCHEMAS.get(SCHEMAS.id_of("bank_credit"))), None),
        (b"\xff\xfenot a record", repr(b"\xff\xfenot a record")),
    ],
)
def test_operators_see_records_as_json(raw: bytes, shown: str | None) -> None:
    """``customs peek`` and the demo's latest masked record: Avro decoded to JSON, never raw bytes."""
    codec = display_codec(Settings())
    assert readable(codec, raw) == (shown or json.dumps(BANK, ensure_ascii=False))


SECRET_KEY = "11010519491231002X"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b'{"id": "a", "phone": "13812345678", "phone": "none"}', "duplicate_key"),
        (b'{"a": [{"b": {"x": 1, "x": 1}}]}', "duplicate_key"),
        (f'{{"{SECRET_KEY}": 1, "{SECRET_KEY}": 2}}'.encode(), "duplicate_key"),
        (b'{"a": NaN}', "non_standard_number"),
        (b'{"a": [Infinity]}', "non_standard_number"),
        (b'{"a": {"b": -Infinity}}', "non_standard_number"),
        (b'{"a": 1e400}', "non_standard_number"),
        (b'{"a": -1.5e999}', "non_standard_number"),
        (b'{"id": "\\ud800"}', "invalid_unicode"),
        (b'{"a": ["x\\uDFFFy"]}', "invalid_unicode"),
        (b'{"\\udc00": 1}', "invalid_unicode"),
        (b'{"a": {"b\\ud83d": "c"}}', "invalid_unicode"),
        (b'{"a": "\\ude00\\ud83d"}', "invalid_unicode"),  # low before high: two lone halves
        (b'{"a": ' + b"9" * 4301 + b"}", "number_too_long"),
        (b'{"a": [-' + b"1" * 5000 + b"]}", "number_too_long"),
        (b'{"a": ' + b"7" * 100_000 + b"}", "number_too_long"),
    ],
)
def test_strict_json_refuses_what_parsers_read_differently(raw: bytes, code: str) -> None:
    """Duplicate keys, NaN/Infinity, lone surrogates and integers too long to convert: each a
    ``decode_error`` with a machine-readable code, never another exception, never the value or the key."""
    codec = Codec(SCHEMAS, max_bytes=200_000, max_depth=8)
    with pytest.raises(DecodeError) as caught:
        codec.decode(raw)
    assert caught.value.detail.startswith(f"{code}: "), caught.value.detail
    for secret in (SECRET_KEY, "13812345678", "phone"):
        assert secret not in caught.value.detail


@pytest.mark.parametrize(
    ("raw", "record"),
    [
        (b'{"a": "\\ud83d\\ude00"}', {"a": "\U0001f600"}),  # a surrogate pair is one character
        (b'{"a": "\\\\ud800"}', {"a": "\\ud800"}),  # an escaped backslash, then text
        (b'{"a": ' + b"9" * 4300 + b"}", {"a": int("9" * 4300)}),
        (b'{"a": -' + b"9" * 4300 + b"}", {"a": -int("9" * 4300)}),
        (b'{"a": 1.5e300, "b": -0.0}', {"a": 1.5e300, "b": -0.0}),
        (b'{"a": {"x": 1}, "b": {"x": 1}}', {"a": {"x": 1}, "b": {"x": 1}}),  # same key, two objects
    ],
)
def test_strict_json_keeps_what_is_standard(raw: bytes, record: object) -> None:
    assert Codec(SCHEMAS, max_bytes=20_000, max_depth=8).decode(raw).record == record


def test_any_failure_while_decoding_is_a_decode_error(codec: Codec, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr("customs.codec.walk", broken)
    with pytest.raises(DecodeError) as caught:
        codec.decode(b'{"a": 1}')
    assert caught.value.detail == "undecodable: ValueError"


def test_avro_strings_cannot_hold_lone_surrogates(codec: Codec) -> None:
    """A surrogate encoded as if it were UTF-8 (CESU-8, "\\xed\\xa0\\x80") is not UTF-8: refused."""
    schema_id = SCHEMAS.id_of("bank_credit")
    raw = encode_avro({**BANK, "remarks": "ok"}, schema_id, SCHEMAS.get(schema_id))
    forged = raw.replace(b"\x04ok", b"\x06\xed\xa0\x80")
    assert forged != raw
    with pytest.raises(DecodeError, match=r"^bad Avro"):
        codec.decode(forged)


def test_avro_with_a_duplicate_map_key_is_refused(codec: Codec) -> None:
    """Avro maps are pairs on the wire: a key twice lets the inspected and the forwarded record differ."""
    schema_id = SCHEMAS.id_of("audit_event")
    event = {
        "type": "decision",
        "decision": "mask",
        "reasons": [],
        "rules": [],
        "policy_version": "v",
        "flow": None,
        "detail": None,
        "origin": {"topic": "t", "partition": 0, "offset": 1},
        "timestamp_ms": None,
        "source": None,
        "destination": None,
        "purpose": None,
        "entities": {"PHONE": 1, "EMAIL": 2},
        "digest_in": "x",
        "digest_out": "y",
        "subjects": ["z"],
        "chain": "gateway:t:0",
        "seq": 0,
        "prev": "0" * 64,
        "hash": "h",
    }
    raw = encode_avro(event, schema_id, SCHEMAS.get(schema_id))
    assert codec.decode(raw).record == event
    with pytest.raises(DecodeError, match=r"^bad Avro: not the canonical encoding"):
        codec.decode(raw.replace(b"EMAIL", b"PHONE"))


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
def test_compact_json_never_writes_non_standard_numbers(value: float) -> None:
    with pytest.raises(ValueError):
        compact_json({"a": value})
    with pytest.raises(UnicodeEncodeError):
        compact_json({"a": "\ud800"})


def test_avro_floats_must_be_finite(tmp_path: Path) -> None:
    """NaN and Infinity are valid Avro but not JSON, which operators and the review see records as."""
    schema = {"type": "record", "name": "M", "fields": [{"name": "x", "type": ["null", "double"]}]}
    (tmp_path / "m.avsc").write_text(json.dumps(schema))
    (tmp_path / "ids.yaml").write_text("7: m.avsc\n")
    store = SchemaStore(tmp_path)
    codec = Codec(store, max_bytes=1000, max_depth=4)
    assert codec.decode(encode_avro({"x": 1.5}, 7, store.get(7))).record == {"x": 1.5}
    for value in (float("nan"), float("inf"), -float("inf")):
        with pytest.raises(DecodeError, match=r"^non_standard_number: "):
            codec.decode(encode_avro({"x": value}, 7, store.get(7)))
