"""Codecs: JSON and Confluent-framed Avro decode; every kind of bad input gets a clear, value-free reason."""

from __future__ import annotations

import json
import struct

import pytest

from customs.settings import REPO_ROOT, Settings
from streams.codec import Codec, DecodeError, SchemaStore, encode_avro
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
