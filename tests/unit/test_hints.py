"""Schema hints (detectors.hints): Avro fields tagged as personal information are found without a pattern."""

from __future__ import annotations

import json
from pathlib import Path

from customs.codec import Codec, SchemaStore, encode_avro
from detectors.classify import Classifier
from detectors.hints import HINT_SCORE, hinted, schema_hints

SCHEMA = {
    "type": "record",
    "name": "Member",
    "fields": [
        {"name": "id", "type": "string"},
        {"name": "hotline", "type": "string", "pii": "PHONE_NUMBER"},
        {"name": "note", "type": "string", "confluent:tags": ["PII", "PERSON"]},
        {"name": "plain", "type": "string", "confluent:tags": ["PII"]},
        {
            "name": "cards",
            "type": {
                "type": "array",
                "items": {
                    "type": "record",
                    "name": "Card",
                    "fields": [{"name": "number", "type": "string", "pii": "CREDIT_CARD"}],
                },
            },
        },
    ],
}
# A Hong Kong-style number outside any allocated range and a name the rules do not know: no pattern
# finds either; the tags do.
RECORD = {"id": "m1", "hotline": "5999 0000", "note": "Ah Kei", "plain": "x1", "cards": [{"number": "A-1"}]}


def test_schema_hints_read_pii_and_confluent_tags() -> None:
    assert schema_hints(SCHEMA) == {
        "hotline": "PHONE_NUMBER",
        "note": "PERSON",
        "cards.number": "CREDIT_CARD",
    }


def test_tagged_fields_become_findings_through_the_codec(tmp_path: Path) -> None:
    (tmp_path / "member.avsc").write_text(json.dumps(SCHEMA))
    (tmp_path / "ids.yaml").write_text("7: member.avsc\n")
    store = SchemaStore(tmp_path)
    codec = Codec(store, 1 << 20, 32)
    decoded = codec.decode(encode_avro(RECORD, 7, store.get(7)))
    assert decoded.fields is not None
    plain = Classifier(ner=False).classify(decoded.record, decoded.fields, ner=False)
    assert not any(f.path in {"note", "cards.0.number"} for f in plain)
    found = {
        f.path: (f.entity, f.start, f.end, f.score) for f in hinted(plain, decoded.fields, decoded.hints)
    }
    assert found["hotline"] == ("PHONE_NUMBER", 0, 9, HINT_SCORE)
    assert found["note"] == ("PERSON", 0, 6, HINT_SCORE)
    assert found["cards.0.number"] == ("CREDIT_CARD", 0, 3, HINT_SCORE)
    assert "plain" not in found and "id" not in found


def test_json_records_carry_no_hints(tmp_path: Path) -> None:
    (tmp_path / "ids.yaml").write_text("{}\n")
    decoded = Codec(SchemaStore(tmp_path), 1 << 20, 32).decode(json.dumps(RECORD).encode())
    assert dict(decoded.hints) == {}
