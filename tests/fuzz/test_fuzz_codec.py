"""Properties of ``Codec.decode``: total (``DecodeError`` or a record, nothing else), strict (what a lenient
parser would read differently is refused, with its code), and faithful (a record it returns is standard
JSON that re-encodes to itself)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from customs.codec import Codec, Decoded, DecodeError, compact_json
from customs.factory import build_codec
from customs.settings import Settings
from tests.fuzz.strategies import FUZZ, Document, json_documents, records

CODEC: Codec = build_codec(Settings(pseudonym_key="fuzz-only-key"))  # type: ignore[arg-type]


def _decode(raw: bytes) -> Decoded | DecodeError:
    try:
        return CODEC.decode(raw)
    except DecodeError as exc:  # anything else fails the test
        return exc


def _assert_standard(decoded: Decoded) -> None:
    """The record is what a strict reader sees in standard JSON: it re-encodes (no NaN, no lone surrogate)
    and reads back the same."""
    again = compact_json(decoded.record)
    assert json.loads(again) == decoded.record
    assert CODEC.decode(again).record == decoded.record


@FUZZ
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_decode_or_raise_decode_error(raw: bytes) -> None:
    result = _decode(raw)
    if isinstance(result, DecodeError):
        assert result.detail and isinstance(result.detail, str)
    else:
        _assert_standard(result)


@FUZZ
@given(st.binary(max_size=64), st.sampled_from([b"\x00", b"\x00\x00\x00\x00\x01", b"\x00\x00\x00\x00\x02"]))
def test_avro_framed_garbage_decodes_or_raises_decode_error(body: bytes, header: bytes) -> None:
    result = _decode(header + body)
    if isinstance(result, Decoded):
        assert result.format == "avro"
        compact_json(result.record)


@FUZZ
@given(json_documents())
def test_json_documents_with_hazards_are_refused_with_their_code(document: Document) -> None:
    result = _decode(document.text.encode("utf-8"))
    if document.hazards:
        assert isinstance(result, DecodeError), f"accepted a record with {sorted(document.hazards)}"
        assert result.detail.split(":", 1)[0] in document.hazards, (result.detail, document.hazards)
    else:
        assert isinstance(result, Decoded), result
        assert result.record == document.value
        _assert_standard(result)


@FUZZ
@given(json_documents(), st.data())
def test_mangled_json_decodes_or_raises_decode_error(document: Document, data: st.DataObject) -> None:
    raw = bytearray(document.text.encode("utf-8"))
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, max(len(raw) - 1, 0)))
        action = data.draw(st.sampled_from(("cut", "flip", "insert", "delete")))
        if action == "cut":
            del raw[at:]
        elif action == "flip" and raw:
            raw[at] ^= data.draw(st.integers(1, 255))
        elif action == "insert":
            raw[at:at] = data.draw(
                st.sampled_from([b"\xff", b"\x00", b"\\", b'"', b"{", b"]", b",", b"\xed\xa0\x80"])
            )
        elif raw:
            del raw[at]
    result = _decode(bytes(raw))
    if isinstance(result, Decoded):
        _assert_standard(result)


@FUZZ
@given(records())
def test_generated_records_round_trip(record: dict[str, object]) -> None:
    raw = json.dumps(record, ensure_ascii=False).encode("utf-8")
    decoded = CODEC.decode(raw)
    assert decoded.record == record
    _assert_standard(decoded)
