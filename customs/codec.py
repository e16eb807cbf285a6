"""Record codecs: UTF-8 JSON, and Avro in the Confluent wire format with a local schema-id mapping.

Avro values start with magic byte 0 and a 4-byte big-endian schema id; the id is looked up in
``schemas/ids.yaml`` (no external registry needed). Anything that cannot be decoded raises
``DecodeError`` with a short, value-free detail: decoding is total, no other exception leaves ``decode``.

JSON is read strictly, so that what the gateway forwards is exactly what it inspected: another parser
must not see a different record in the same bytes. Refused, each with a detail that starts with a code:
``duplicate_key`` (a key twice in one object: most parsers keep the last, some the first),
``non_standard_number`` (``NaN``, ``Infinity``, ``-Infinity``, or a number beyond a double's range),
``invalid_unicode`` (a ``\\uD800``-style escape of a lone surrogate, in a value or a key) and
``number_too_long`` (an integer of more than ``MAX_INT_DIGITS`` digits). Avro must be in its canonical
binary encoding (one encoding per record: no duplicate map keys), its floats finite
(``non_standard_number``), and its strings cannot hold lone surrogates (they are not UTF-8, so fastavro
refuses them).
"""

from __future__ import annotations

import io
import json
import math
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import fastavro
import yaml

from detectors.hints import schema_hints
from detectors.walker import Field, JsonValue, walk

MAGIC = 0
# Integers longer than this are refused (``number_too_long``): Python's own default conversion limit
# (``sys.get_int_max_str_digits``), stated here so that the decoder does not depend on the interpreter's.
MAX_INT_DIGITS = 4300
# ``json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)``, one encoder for all.
_COMPACT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def compact_json(value: JsonValue) -> bytes:
    """``value`` as compact UTF-8 JSON, non-ASCII kept: JSON records as they are published, audit events.

    Standard JSON only: NaN or Infinity raise ``ValueError`` and a lone surrogate ``UnicodeEncodeError``,
    never written out."""
    return _COMPACT_JSON.encode(value).encode("utf-8")


HEADER = struct.Struct(">bI")


class EncodeError(Exception):
    """A masked record its Avro schema cannot hold (a type tag into a ``long`` field); ``detail`` names
    the schema id and the kind of error, never a value: safe to log and to publish."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class DecodeError(Exception):
    """The record could not be decoded; ``detail`` is safe to log and to publish."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Decoded:
    record: JsonValue
    format: Literal["json", "avro"]
    schema_id: int | None = None
    # The record's string fields, walked while measuring its depth (None: not walked).
    fields: tuple[Field, ...] | None = field(default=None, compare=False, repr=False)
    # The writer schema's tagged fields, ``{field path: entity}`` (``detectors.hints``).
    hints: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)


# An escape of a surrogate code point; a pair of them is one character, a lone one is not Unicode.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _object(pairs: list[tuple[str, JsonValue]]) -> dict[str, JsonValue]:
    record = dict(pairs)
    if len(record) != len(pairs):
        repeated = len(pairs) - len(record)
        raise DecodeError(f"duplicate_key: {repeated} repeated key(s) in one object of {len(pairs)} keys")
    return record


def _constant(name: str) -> float:
    raise DecodeError(f"non_standard_number: {name} is not JSON")  # one of NaN, Infinity, -Infinity


def _float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise DecodeError("non_standard_number: a number beyond the range of a double")
    return number


def _int(text: str) -> int:
    digits = len(text) - (text[0] == "-")
    if digits > MAX_INT_DIGITS:
        raise DecodeError(f"number_too_long: an integer of {digits} digits, limit {MAX_INT_DIGITS}")
    try:
        return int(text)
    except ValueError:  # an interpreter whose limit is lower than ours
        raise DecodeError(f"number_too_long: an integer of {digits} digits") from None


_STRICT_JSON = json.JSONDecoder(
    object_pairs_hook=_object, parse_float=_float, parse_int=_int, parse_constant=_constant
)


_FLOAT_TYPE = re.compile(r'"(?:float|double)"')


def _has_non_finite(value: JsonValue) -> bool:
    """Whether a float anywhere in ``value`` is NaN or infinite (Avro may hold them, JSON may not)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, float):
            if not math.isfinite(node):
                return True
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _has_lone_surrogate(value: JsonValue) -> bool:
    """Whether a string or key anywhere in ``value`` holds a surrogate (one the JSON decoder did not pair)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if _SURROGATE.search(node):
                return True
        elif isinstance(node, dict):
            for key, child in node.items():
                if _SURROGATE.search(key):
                    return True
                stack.append(child)
        elif isinstance(node, list):
            stack.extend(node)
    return False


def strict_json(text: str) -> JsonValue:
    """``text`` parsed as strict JSON (see the module docstring); raises ``DecodeError``."""
    try:
        value = _STRICT_JSON.decode(text)
    except json.JSONDecodeError as exc:
        raise DecodeError(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    # A lone surrogate can only come from an escape (UTF-8 cannot encode one): look only then.
    if _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(value):
        raise DecodeError("invalid_unicode: a \\u escape of a lone surrogate, which is not a character")
    return value


class SchemaStore:
    """Avro schemas by local id, from ``ids.yaml`` beside the ``*.avsc`` files."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        mapping: dict[int, str] = yaml.safe_load((directory / "ids.yaml").read_text()) or {}
        self._schemas: dict[int, Any] = {}
        self._ids: dict[str, int] = {}
        self.with_floats: set[int] = set()  # ids whose records may hold a float or double: NaN?
        self.hints: dict[int, dict[str, str]] = {}  # tagged fields ("pii", "confluent:tags") by id
        named: dict[str, Any] = {}
        for schema_id, file_name in sorted(mapping.items()):
            text = (directory / file_name).read_text()
            self._schemas[int(schema_id)] = fastavro.parse_schema(json.loads(text), named_schemas=named)
            self.hints[int(schema_id)] = schema_hints(json.loads(text))
            self._ids[Path(file_name).stem] = int(schema_id)
            if _FLOAT_TYPE.search(text):
                self.with_floats.add(int(schema_id))

    def get(self, schema_id: int) -> Any:
        return self._schemas.get(schema_id)

    def id_of(self, name: str) -> int:
        return self._ids[name]


class Codec:
    def __init__(self, schemas: SchemaStore, max_bytes: int, max_depth: int) -> None:
        self.schemas = schemas
        self.max_bytes = max_bytes
        self.max_depth = max_depth

    def decode(self, raw: bytes | None) -> Decoded:
        """The record in ``raw``; raises ``DecodeError``, and nothing else, when there is none."""
        try:
            return self._decode(raw)
        except DecodeError:
            raise
        except RecursionError:
            raise DecodeError(f"too deeply nested: more than {self.max_depth} levels") from None
        except Exception as exc:  # decoding is total: whatever else fails is this record's error
            raise DecodeError(f"undecodable: {type(exc).__name__}") from None

    def _decode(self, raw: bytes | None) -> Decoded:
        if raw is None or len(raw) == 0:
            raise DecodeError("empty value")
        if len(raw) > self.max_bytes:
            raise DecodeError(f"too large: {len(raw)} bytes, limit {self.max_bytes}")
        decoded = self._decode_avro(raw) if raw[0] == MAGIC else Decoded(self._decode_json(raw), "json")
        if not isinstance(decoded.record, dict):
            raise DecodeError(f"not an object: top-level {type(decoded.record).__name__}")
        walked = walk(decoded.record, self.max_depth)
        if walked.depth > self.max_depth:
            raise DecodeError(f"too deeply nested: more than {self.max_depth} levels")
        return replace(decoded, fields=walked.fields)

    def _decode_json(self, raw: bytes) -> JsonValue:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DecodeError(f"not UTF-8: {exc.reason} at byte {exc.start}") from None
        try:
            return strict_json(text)
        except RecursionError:
            raise DecodeError(f"too deeply nested: more than {self.max_depth} levels") from None

    def _decode_avro(self, raw: bytes) -> Decoded:
        if len(raw) < HEADER.size:
            raise DecodeError("bad Avro: shorter than the wire-format header")
        _, schema_id = HEADER.unpack_from(raw)
        schema = self.schemas.get(schema_id)
        if schema is None:
            raise DecodeError(f"bad Avro: unknown schema id {schema_id}")
        buffer = io.BytesIO(raw[HEADER.size :])
        try:
            record = fastavro.schemaless_reader(buffer, schema, None)
        except Exception as exc:  # fastavro raises many kinds on garbage
            raise DecodeError(f"bad Avro: {type(exc).__name__} for schema id {schema_id}") from None
        if buffer.tell() != len(raw) - HEADER.size:
            raise DecodeError(f"bad Avro: trailing bytes after a schema {schema_id} record")
        if encode_avro(record, schema_id, schema) != raw:
            # Another reader could see another record in these bytes (a map key twice: which one wins?).
            raise DecodeError(
                f"bad Avro: not the canonical encoding of a schema {schema_id} record"
                " (a duplicate map key, or a redundant encoding)"
            )
        if schema_id in self.schemas.with_floats and _has_non_finite(record):
            # Valid Avro, but not JSON: whatever shows or writes the record as JSON could not.
            raise DecodeError(f"non_standard_number: NaN or Infinity in a schema {schema_id} record")
        return Decoded(record, "avro", schema_id, hints=self.schemas.hints.get(schema_id, {}))

    def encode(self, record: JsonValue, like: Decoded) -> bytes:
        """Encode ``record`` in the same format (and Avro schema: the writer's) as ``like``. A masked Avro
        record whose schema cannot hold a masked value (a string into a ``long``) raises ``EncodeError``."""
        if like.format == "avro" and like.schema_id is not None:
            try:
                return encode_avro(record, like.schema_id, self.schemas.get(like.schema_id))
            except (TypeError, ValueError, OverflowError) as exc:  # fastavro's refusals of a value
                raise EncodeError(
                    f"mask_breaks_schema: a masked value does not fit schema {like.schema_id}"
                    f" ({type(exc).__name__})"
                ) from None
        return compact_json(record)


def encode_avro(record: JsonValue, schema_id: int, schema: Any) -> bytes:
    buffer = io.BytesIO()
    buffer.write(HEADER.pack(MAGIC, schema_id))
    fastavro.schemaless_writer(buffer, schema, record)
    return buffer.getvalue()
