"""The review ingest stores every quarantined record and moves on: no record may stall its partition."""

from __future__ import annotations

import pytest

from customs import headers as h
from review.ingest import Quarantined

from .conftest import Desk


def _message(desk: Desk, value: bytes, **extra: bytes) -> Quarantined:
    desk.offset += 1
    headers = {
        h.REASONS: b"decode_error",
        h.ORIGIN_TOPIC: b"t.inbound",
        h.ORIGIN_PARTITION: b"0",
        h.ORIGIN_OFFSET: str(desk.offset).encode(),
        h.SOURCE: b"gz-tcm-hospital",
        **{name.replace("_", "-"): raw for name, raw in extra.items()},
    }
    return Quarantined("t.quarantine", 0, desk.offset, None, value, tuple(headers.items()), None)


@pytest.mark.parametrize(
    ("value", "ref", "detail"),
    [
        (b'{"id": "\\ud800", "note": "x"}', None, "invalid_unicode"),  # once retried forever
        (b'{"id": "a\\u0000b\\u0007"}', "a\\u0000b\\u0007", None),  # PostgreSQL text holds no NUL
        (b'{"id": 1, "id": 2}', None, "duplicate_key"),
        (b'{"id": ' + b"9" * 5000 + b"}", None, "number_too_long"),
        (b'{"id": ' + b"9" * 4000 + b"}", "9" * 128, None),
        (b'{"id": "' + "编".encode() * 500 + b'"}', "编" * 128, None),
    ],
)
def test_a_hostile_record_is_held_and_the_partition_moves_on(
    desk: Desk, value: bytes, ref: str | None, detail: str | None
) -> None:
    held_id = desk.review.ingest.add(_message(desk, value))
    assert held_id is not None
    held = desk.review.store.held(held_id)
    assert held is not None and held.record_ref == ref
    assert (held.detail or "").startswith(detail or "") and (held.detail is None) == (detail is None)
    assert desk.review.ingest.add(_message(desk, b'{"id": "next"}')) is not None


def test_hostile_header_texts_are_stored_escaped(desk: Desk) -> None:
    message = _message(
        desk,
        b'{"id": "h"}',
        customs_source=b"gz-tcm\x00hospital",
        customs_destination=b"\xff\xfe",
        customs_policy_version=b"v1\x00",
        customs_origin_partition=b"99999999999999999999999",
        customs_detail=b"bad\x00detail",
    )
    held = desk.review.store.held(desk.review.ingest.add(message) or "")
    assert held is not None
    assert held.source == h.INVALID and held.destination == h.INVALID
    assert held.policy_version == "v1\\u0000" and held.detail == "bad\\u0000detail"
    assert held.origin.startswith("t.inbound/0@")


def test_a_failing_analysis_still_holds_the_record(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object) -> None:
        raise RuntimeError("a detector bug")

    monkeypatch.setattr(desk.review.ingest.analyst, "analyse", boom)
    held = desk.review.store.held(desk.review.ingest.add(_message(desk, b'{"id": "z"}')) or "")
    assert held is not None and held.detail == "analysis failed: RuntimeError" and held.record_ref is None
