"""Record codecs: UTF-8 JSON, and Avro in the Confluent wire format with a local schema-id mapping.

Avro values start with magic byte 0 and a 4-byte big-endian schema id; the id is looked up in
``schemas/ids.yaml`` (no external registry needed). Anything that cannot be decoded raises
``DecodeError`` with a short, value-free detail.
"""

from __future__ import annotations

import io
import json
import struct
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import fastavro
import yaml

from detectors.walker import Field, JsonValue, walk

MAGIC = 0
# ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``, with one encoder for every value.
_COMPACT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def compact_json(value: JsonValue) -> bytes:
    """``value`` as compact UTF-8 JSON, non-ASCII kept: JSON records as they are published, audit events."""
    return _COMPACT_JSON.encode(value).encode("utf-8")


HEADER = struct.Struct(">bI")


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


class SchemaStore:
    """Avro schemas by local id, from ``ids.yaml`` beside the ``*.avsc`` files."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        mapping: dict[int, str] = yaml.safe_load((directory / "ids.yaml").read_text()) or {}
        self._schemas: dict[int, Any] = {}
        self._ids: dict[str, int] = {}
        named: dict[str, Any] = {}
        for schema_id, file_name in sorted(mapping.items()):
            raw = json.loads((directory / file_name).read_text())
            self._schemas[int(schema_id)] = fastavro.parse_schema(raw, named_schemas=named)
            self._ids[Path(file_name).stem] = int(schema_id)

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
            return json.loads(text)
        except RecursionError:
            raise DecodeError(f"too deeply nested: more than {self.max_depth} levels") from None
        except json.JSONDecodeError as exc:
            raise DecodeError(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None

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
        return Decoded(record, "avro", schema_id)

    def encode(self, record: JsonValue, like: Decoded) -> bytes:
        """Encode ``record`` in the same format (and Avro schema) as ``like``."""
        if like.format == "avro" and like.schema_id is not None:
            return encode_avro(record, like.schema_id, self.schemas.get(like.schema_id))
        return compact_json(record)


def encode_avro(record: JsonValue, schema_id: int, schema: Any) -> bytes:
    buffer = io.BytesIO()
    buffer.write(HEADER.pack(MAGIC, schema_id))
    fastavro.schemaless_writer(buffer, schema, record)
    return buffer.getvalue()
