"""Raw payloads that a gateway must refuse to decode: not UTF-8, not JSON, too deep, too large, not an object.

They carry no personal data: only an id and fixed filler text.
"""

from __future__ import annotations

import json
import random

from customs.samples._rand import below

REASONS = ("not_utf8", "not_json", "too_deep", "too_large", "not_object")
# Relative frequency of each reason; too_large records are ~1 MB each, so they are rarer.
REASON_WEIGHTS = (2, 2, 2, 1, 2)


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _not_utf8(rng: random.Random, ident: str) -> bytes:
    variant = below(rng, 3)
    if variant == 0:  # a legacy mainland system writing GBK
        return _dumps({"id": ident, "note": "患者病历摘要，待补充"}).encode("gbk")
    if variant == 1:  # Latin-1 text
        return _dumps({"id": ident, "consignee": "José Café Ltda"}).encode("latin-1")
    return b"\xff\xfe" + _dumps({"id": ident, "note": "复诊"}).encode("utf-16-le")  # UTF-16 with BOM


def _not_json(rng: random.Random, ident: str) -> bytes:
    variant = below(rng, 4)
    if variant == 0:  # truncated in flight
        text = _dumps({"id": ident, "note": "记录被截断", "items": [1, 2, 3]})
        return text[: len(text) // 2].encode()
    if variant == 1:
        return f"id={ident}&note=表单编码而非JSON".encode()
    if variant == 2:  # a Python repr
        return repr({"id": ident, "note": "单引号"}).encode()
    return f'{{"id":"{ident}","qty":3,}}'.encode()  # trailing comma


def _too_deep(rng: random.Random, ident: str, max_depth: int) -> bytes:
    levels = max_depth + 1 + below(rng, 8)
    if rng.random() < 0.5:
        inner = "[" * levels + '"deep"' + "]" * levels
    else:
        inner = '{"a":' * levels + '"deep"' + "}" * levels
    return f'{{"id":"{ident}","nested":{inner}}}'.encode()


def _too_large(rng: random.Random, ident: str, max_record_bytes: int) -> bytes:
    head = f'{{"id":"{ident}","attachment":"'.encode()
    tail = b'"}'
    fill = max(0, max_record_bytes - len(head) - len(tail)) + 1 + below(rng, 1024)
    return head + b"A" * fill + tail


def _not_object(rng: random.Random, ident: str) -> bytes:
    variant = below(rng, 4)
    if variant == 0:  # a batch sent as one message
        return _dumps([{"id": f"{ident}-a"}, {"id": f"{ident}-b"}]).encode()
    if variant == 1:
        return _dumps(f"{ident} 仅一个字符串").encode()
    if variant == 2:
        return str(below(rng, 1_000_000)).encode()
    return b"null"


def malformed_payload(
    rng: random.Random, reason: str, ident: str, *, max_record_bytes: int, max_depth: int
) -> bytes:
    """Raw bytes that are malformed for ``reason`` (one of :data:`REASONS`)."""
    if reason == "not_utf8":
        return _not_utf8(rng, ident)
    if reason == "not_json":
        return _not_json(rng, ident)
    if reason == "too_deep":
        return _too_deep(rng, ident, max_depth)
    if reason == "too_large":
        return _too_large(rng, ident, max_record_bytes)
    if reason == "not_object":
        return _not_object(rng, ident)
    raise ValueError(f"unknown malformed reason: {reason!r}")
