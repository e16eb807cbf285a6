"""One record through inspection: the same verdict for the stream and scan, with no raw value leaking."""

from __future__ import annotations

import json
from datetime import date

import pytest

from customs import headers as h
from customs.factory import build_inspector
from customs.inspection import Inspector, Origin, audit_bytes, flow_context
from customs.samples.generator import generate
from customs.settings import Settings
from rules.policy import load_policy

ID = "11010519491231002X"
PHONE = "13812345678"
RESEARCH = {h.SOURCE: "gz-tcm-hospital", h.DESTINATION: "hku-tcm-lab", h.PURPOSE: "clinical_research"}
ORIGIN = Origin("customs.inbound", 2, 41, 1_780_000_000_000)


@pytest.fixture(scope="module")
def inspector() -> Inspector:
    settings = Settings(pseudonym_key="unit-test-key")  # type: ignore[arg-type]
    return build_inspector(settings, load_policy("gba-default"))


def _record() -> bytes:
    return json.dumps({"id": "v-1", "id_number": ID, "note": f"请致电{PHONE}"}, ensure_ascii=False).encode()


def test_known_flow_masks_identifiers_and_stamps_provenance(inspector: Inspector) -> None:
    verdict = inspector.inspect(_record(), flow_context(RESEARCH, date(2026, 5, 1)), ORIGIN)
    assert verdict.action.value == "mask"
    published = verdict.value.decode()
    assert ID not in published and PHONE not in published
    masked = json.loads(published)
    assert set(masked) == {"id", "id_number", "note"} and masked["id"] == "v-1"
    headers = {k: v.decode() for k, v in verdict.headers}
    assert headers[h.DECISION] == "mask"
    assert headers[h.ORIGIN_TOPIC] == "customs.inbound"
    assert headers[h.ORIGIN_PARTITION] == "2" and headers[h.ORIGIN_OFFSET] == "41"
    assert headers[h.POLICY_VERSION] == load_policy("gba-default").version
    assert "identity-documents-redacted" in headers[h.RULES]


def test_unknown_flow_is_quarantined_unchanged(inspector: Inspector) -> None:
    flow = flow_context(
        {h.SOURCE: "sh-clinic", h.DESTINATION: "sg-partner", h.PURPOSE: "x"}, date(2026, 5, 1)
    )
    verdict = inspector.inspect(_record(), flow, ORIGIN)
    assert verdict.action.value == "quarantine" and verdict.decision.reasons == ("no_flow",)
    assert verdict.value == _record()


def test_undecodable_record_is_quarantined_with_detail(inspector: Inspector) -> None:
    verdict = inspector.inspect(b"\xff\x00garbage", flow_context(RESEARCH, date(2026, 5, 1)), ORIGIN)
    assert verdict.action.value == "quarantine" and verdict.decision.reasons == ("decode_error",)
    assert verdict.detail and "UTF-8" in verdict.detail
    assert (h.DETAIL, verdict.detail.encode()) in verdict.headers


def test_a_crashing_classifier_becomes_policy_error(
    inspector: Inspector, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(record: object, *args: object, **kwargs: object) -> list[object]:
        raise RuntimeError(f"cannot classify {ID}")

    monkeypatch.setattr(inspector.classifier, "classify", boom)
    verdict = inspector.inspect(_record(), flow_context(RESEARCH, date(2026, 5, 1)), ORIGIN)
    assert verdict.decision.reasons == ("policy_error",)
    assert verdict.detail == "RuntimeError"  # the class only: the message might hold a value


def test_important_data_never_passes(inspector: Inspector) -> None:
    flow = flow_context({**RESEARCH, h.IMPORTANT_DATA: "true"}, date(2026, 5, 1))
    verdict = inspector.inspect(b'{"id": "clean"}', flow, ORIGIN)
    assert verdict.decision.reasons == ("important_data",)


def test_audit_event_holds_digests_and_counts_never_values(inspector: Inspector) -> None:
    flow = flow_context(RESEARCH, date(2026, 5, 1))
    verdict = inspector.inspect(_record(), flow, ORIGIN)
    event = verdict.audit_event(ORIGIN, flow)
    text = json.dumps(event, ensure_ascii=False)
    assert ID not in text and PHONE not in text and "请致电" not in text
    assert event["entities"] == {"CN_RESIDENT_ID": 1, "PHONE_NUMBER": 1}
    assert event["digest_in"] == verdict.digest and len(str(event["digest_out"])) == 64
    assert event["origin"] == {"topic": "customs.inbound", "partition": 2, "offset": 41}


def test_audit_event_matches_its_avro_schema(inspector: Inspector) -> None:
    from fastavro.validation import validate

    flow = flow_context(RESEARCH, date(2026, 5, 1))
    for raw in (_record(), b"not json"):
        event = inspector.inspect(raw, flow, ORIGIN).audit_event(ORIGIN, flow)
        schema = inspector.codec.schemas.get(inspector.codec.schemas.id_of("audit_event"))
        assert validate(event, schema, raise_errors=True)


def test_audit_and_masked_json_are_what_json_dumps_writes(inspector: Inspector) -> None:
    def compact(value: object) -> bytes:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    for sample in generate(120, seed=12):
        verdict = inspector.inspect(sample.payload(), flow_context(RESEARCH, date(2026, 5, 1)), ORIGIN)
        event = verdict.audit_event(ORIGIN, flow_context(RESEARCH, date(2026, 5, 1)))
        assert audit_bytes(event) == compact(event)
        if sample.record is not None:
            decoded = inspector.codec.decode(sample.payload())
            assert inspector.codec.encode(sample.record, decoded) == compact(sample.record)


def _important(*values: bytes) -> bool:
    headers = [(h.IMPORTANT_DATA, value) for value in values]
    return flow_context(h.as_text([*RESEARCH.items(), *headers]), date(2026, 5, 1)).important_data


@pytest.mark.parametrize(
    "value",
    [b"true", b"1", b"yes", b"y", b"on", "是".encode(), b"TRUE ", b"maybe", b"", b"\xff", b"fals\xe9"],
)
def test_important_data_fails_closed(value: bytes) -> None:
    """Anything but an absent header or a clear no marks important data: undecodable bytes included."""
    assert _important(value)


@pytest.mark.parametrize("value", [b"false", b"0", b"no", b"off", "否".encode(), b" False ", b"OFF"])
def test_only_a_clear_no_is_not_important_data(value: bytes) -> None:
    assert not _important(value)
    assert not _important()


def test_repeated_important_data_headers_that_disagree_mean_important() -> None:
    assert _important(b"true", b"false") and _important(b"false", b"yes")
    assert not _important(b"no", b"no")


@pytest.mark.parametrize(
    "headers",
    [
        [(h.SOURCE, b"gz-tcm-hospital\x00")],
        [(h.SOURCE, b"gz-tcm-\xffhospital")],
        [(h.SOURCE, ("x" * 129).encode())],
        [(h.SOURCE, "gz-tcm-hospital\u202e".encode())],  # a bidi override: not printable
        [(h.SOURCE, b'gz-tcm-hospital\n{"forged": 1}')],
        [(h.SOURCE, b"gz-tcm-hospital"), (h.SOURCE, b"sh-clinic")],  # which one?
    ],
)
def test_malformed_flow_values_are_never_echoed(
    inspector: Inspector, headers: list[tuple[str, bytes]]
) -> None:
    """A source that is not a short printable text holds the record (no flow) and reads as ``<invalid>``."""
    flow = flow_context(
        h.as_text([(h.DESTINATION, b"hku-tcm-lab"), (h.PURPOSE, b"clinical_research"), *headers]),
        date(2026, 5, 1),
    )
    assert flow.source == h.INVALID
    verdict = inspector.inspect(_record(), flow, ORIGIN)
    assert verdict.decision.reasons == ("no_flow",)
    event = json.loads(audit_bytes(verdict.audit_event(ORIGIN, flow)))
    assert event["source"] == "<invalid>" and event["destination"] == "hku-tcm-lab"


def test_a_flow_value_of_128_printable_characters_is_kept() -> None:
    name = "港" * 128
    flow = flow_context(h.as_text([(h.SOURCE, name.encode()), (h.PURPOSE, b"")]), date(2026, 5, 1))
    assert flow.source == name and flow.purpose is None and flow.destination is None
