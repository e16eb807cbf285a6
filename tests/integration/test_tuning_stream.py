"""The policy's tuning keys through a real worker on a real broker: an allow-listed switchboard number passes,
a deny-list term is masked as its entity, a custom recognizer's member number (with a Luhn check) is masked
under its context word and held as low confidence without one while a near miss with a bad check digit
passes, and a context word lifts a phone (a JSON number) over the threshold. All values synthetic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from confluent_kafka import Producer

from customs import headers as h
from customs.settings import Settings
from streams.topics import create_topics
from tests.kafka_support import WorkerProcess, routed_by_id
from tests.tuning_example import TUNING

pytestmark = pytest.mark.integration

POLICY = (
    """\
name: tuned-stream
require_flow: false
ner: false
score_threshold: 0.8
review_threshold: 0.45
default_action: mask
default_operator: {name: type_tag}
rules:
  - id: members
    entities: [MEMBER_NUMBER]
    action: mask
    operator: {name: partial, params: {keep_first: 2}}
    on_low_confidence: quarantine
"""
    + TUNING
)
RECORDS: list[dict[str, object]] = [
    {"id": "switchboard", "contact": "电话 0755-83920000"},  # allow_list
    {"id": "ward", "contact": "电话 0755-83921111"},  # the same shape, not allow-listed
    {"id": "deny", "note": "Referred under project NIGHTINGALE"},  # deny_list, any case
    {"id": "member", "member": "MB20240511"},  # Luhn passes, context word in the field name
    {"id": "member-full-width", "member": "会员ＭＢ２０２４０５１１"},  # context word in the text
    {"id": "member-no-context", "ref": "MB20240511"},  # 0.5: in the review band, the rule holds it
    {"id": "member-typo", "member": "MB20240512"},  # bad check digit: no finding
    {"id": "after-hours", "after_hours": 13800138000},  # context word: 0.6 + 0.35
    {"id": "plain", "x": "13800138000"},  # no context word: below this policy's 0.8
]
EXPECTED = {
    "switchboard": ("allow", None),
    "ward": ("mask", {"id": "ward", "contact": "电话 <PHONE_NUMBER>"}),
    "deny": ("mask", {"id": "deny", "note": "Referred under <CASE_CODE>"}),
    "member": ("mask", {"id": "member", "member": "MB********"}),
    "member-full-width": ("mask", {"id": "member-full-width", "member": "会员ＭＢ********"}),
    "member-no-context": ("quarantine", None),
    "member-typo": ("allow", None),
    "after-hours": ("mask", {"id": "after-hours", "after_hours": "<PHONE_NUMBER>"}),
    "plain": ("allow", None),
}


def test_allow_deny_custom_recognizer_and_context_words_in_the_stream(
    customs_settings: Settings, worker: WorkerProcess, tmp_path: Path
) -> None:
    policy = tmp_path / "tuned.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    worker.settings = customs_settings.model_copy(update={"policy": str(policy), "ner": False})
    create_topics(customs_settings)
    producer = Producer({"bootstrap.servers": customs_settings.bootstrap_servers})
    inbound = customs_settings.inbound_topic_names[0]
    sent = {str(r["id"]): json.dumps(r, ensure_ascii=False).encode() for r in RECORDS}
    for value in sent.values():
        producer.produce(inbound, value)
    assert producer.flush(30) == 0
    worker.start()

    topics = customs_settings.output_topic_names
    by_id = routed_by_id(customs_settings, len(RECORDS), timeout=120)
    assert by_id.keys() == EXPECTED.keys(), worker.log()[-3000:]

    for name, (decision, masked) in EXPECTED.items():
        topic, headers, value = by_id[name]
        assert (topic, headers[h.DECISION]) == (topics[decision], decision), (name, headers)
        if masked is None:
            assert value == sent[name], name  # allowed or held: unchanged
        else:
            assert json.loads(value) == masked, name
    assert by_id["member-no-context"][1][h.REASONS] == "low_confidence"
    log = worker.log()
    assert "20240511" not in log and "Nightingale".casefold() not in log.casefold()
