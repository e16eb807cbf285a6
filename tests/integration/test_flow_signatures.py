"""Authenticated flow headers on a real broker: on a flow that requires its source's signature, signed
records (by a producer using the helper, and by `customs feed`) are routed as usual, and unsigned, forged
and replayed ones are quarantined as flow_unauthenticated, unchanged — on both stream engines."""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest
import yaml
from confluent_kafka import Producer

from customs import headers as h
from customs.flow_keys import new_hmac_key, signing_keys
from customs.flow_signature import FlowKey, sign_headers
from customs.samples.feed import publish
from customs.settings import Settings
from streams.topics import create_topics
from tests.kafka_support import WorkerProcess, collect_outputs, headers_of

pytestmark = pytest.mark.integration

HOSPITAL = "gz-tcm-hospital"
RESEARCH = {h.SOURCE: HOSPITAL, h.DESTINATION: "hku-tcm-lab", h.PURPOSE: "clinical_research"}
BANK = {h.SOURCE: "sz-bank", h.DESTINATION: "hk-bank-branch", h.PURPOSE: "credit_assessment"}
STRANGER = FlowKey(HOSPITAL, "hmac-sha256", secret=b"an-impostor-without-the-hospital-key")
EACH = 8  # records of each kind below
FEED = 150


def _value(kind: str, n: int) -> bytes:
    return json.dumps({"id": f"{kind}-{n}", "visit": "复诊", "qty": n}, ensure_ascii=False).encode()


def _headers(kind: str, value: bytes, key: FlowKey) -> list[tuple[str, bytes]]:
    if kind == "signed":
        return sign_headers(value, RESEARCH, key)
    if kind == "unsigned":
        return [(k, v.encode()) for k, v in RESEARCH.items()]
    if kind == "forged":
        return sign_headers(value, RESEARCH, STRANGER)
    if kind == "replayed":  # signed for another value, as if copied from an earlier record
        signed = sign_headers(_value("signed", 0), RESEARCH, key)
        return signed
    if kind == "tampered":  # signed, then its purpose rewritten on the way
        return [(k, b"marketing" if k == h.PURPOSE else v) for k, v in sign_headers(value, RESEARCH, key)]
    return [(k, v.encode()) for k, v in BANK.items()]  # "bank": a flow that requires no signature


KINDS = ("signed", "unsigned", "forged", "replayed", "tampered", "bank")
EXPECTED_DETAIL = {
    "unsigned": "signature_missing",
    "forged": "signature_mismatch",
    "replayed": "signature_mismatch",
    "tampered": "signature_mismatch",
}


def _setup(settings: Settings, tmp_path: Path, engine: str) -> Settings:
    keys = tmp_path / "flow-keys"
    new_hmac_key(keys / f"{HOSPITAL}.key")
    data = yaml.safe_load(resources.files("rules.presets").joinpath("gba-default.yaml").read_text())
    data["organisations"][HOSPITAL]["signing"] = "hmac-sha256"
    [research] = [flow for flow in data["flows"] if flow["id"] == "tcm-research"]
    research["require_signature"] = True
    policy = tmp_path / "signed-policy.yaml"
    policy.write_text(yaml.safe_dump(data, allow_unicode=True))
    return settings.model_copy(
        update={"policy": str(policy), "flow_keys_dir": keys, "stream_engine": engine, "ner": False}
    )


def _record(value: bytes) -> dict[str, object]:
    try:
        record = json.loads(value)
    except ValueError:  # the feed's malformed and Avro records
        return {}
    return record if isinstance(record, dict) else {}


@pytest.mark.parametrize("engine", ["aiokafka", "faust"])
def test_signed_records_pass_and_unsigned_or_forged_ones_are_held(
    customs_settings: Settings, tmp_path: Path, engine: str
) -> None:
    settings = _setup(customs_settings, tmp_path, engine)
    create_topics(settings)
    keys = signing_keys(settings.flow_keys_dir)
    assert set(keys) == {HOSPITAL}
    producer = Producer({"bootstrap.servers": settings.bootstrap_servers, "enable.idempotence": True})
    topic = settings.inbound_topic_names[0]
    for n in range(EACH):
        for kind in KINDS:
            value = _value(kind, n)
            producer.produce(topic, value=value, headers=_headers(kind, value, keys[HOSPITAL]))
    assert producer.flush(30) == 0
    assert publish(settings, count=FEED, seed=17, flow_keys=keys) == FEED  # the feed signs the hospital's
    total = EACH * len(KINDS) + FEED

    worker = WorkerProcess(settings, tmp_path / "worker.log")
    worker.start()
    try:
        routed, audit = collect_outputs(settings, total, timeout=180)
    finally:
        worker.stop()
    assert len(routed) == total, worker.log()[-3000:]

    outcome: dict[str, Counter[tuple[str, str, str]]] = {kind: Counter() for kind in KINDS}
    fed: Counter[str] = Counter()
    for message in routed:
        headers = headers_of(message)
        record = _record(message.value())
        kind = str(record.get("id", "")).split("-")[0]
        seen = (headers[h.DECISION], headers[h.REASONS], headers.get(h.DETAIL, ""))
        if kind in outcome:
            outcome[kind][seen] += 1
            if headers[h.DECISION] == "quarantine":
                assert message.value() == _value(kind, int(str(record["qty"])))  # published unchanged
        else:
            fed[headers[h.REASONS]] += 1
    for kind, detail in EXPECTED_DETAIL.items():
        assert outcome[kind] == Counter({("quarantine", "flow_unauthenticated", detail): EACH}), kind
    for kind in ("signed", "bank"):
        assert sum(outcome[kind].values()) == EACH
        assert not any("flow_unauthenticated" in reasons for _, reasons, _ in outcome[kind]), outcome[kind]
    assert not any("flow_unauthenticated" in reasons for reasons in fed), fed
    events = [json.loads(m.value()) for m in audit if json.loads(m.value()).get("type") == "decision"]
    held = [e for e in events if "flow_unauthenticated" in e["reasons"]]
    assert len(held) == EACH * len(EXPECTED_DETAIL)
    assert {e["detail"] for e in held} == set(EXPECTED_DETAIL.values())
    secret = (settings.flow_keys_dir / f"{HOSPITAL}.key").read_text().strip()
    assert secret not in worker.log()
