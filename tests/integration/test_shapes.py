"""Numeric, full-width and zero-width phones and a phone in a key, through a real worker on a real broker
under mask-all: the masked output holds none of them in clear; the key's record is held as pii_in_key."""

from __future__ import annotations

import json

import pytest
from confluent_kafka import Producer

from customs import headers as h
from customs.settings import Settings
from streams.topics import create_topics
from tests.kafka_support import WorkerProcess, routed_by_id

pytestmark = pytest.mark.integration

PHONE = "13812345678"
RECORDS = {
    "numeric": {"id": "numeric", "phone": 13812345678, "callbacks": [13812345678]},
    "full-width": {"id": "full-width", "phone": "１３８１２３４５６７８"},
    "zero-width": {"id": "zero-width", "note": "请致电138\u200b1234\u200b5678"},
    "key": {"id": "key", "contacts": {PHONE: {"relation": "self"}}},
}


def _digits(text: str) -> str:
    return "".join(str(int(c)) for c in text if c.isdigit())


def test_numbers_full_width_and_keys_leave_no_phone_in_clear(
    customs_settings: Settings, worker: WorkerProcess
) -> None:
    worker.settings = customs_settings.model_copy(update={"policy": "mask-all"})
    create_topics(customs_settings)
    producer = Producer({"bootstrap.servers": customs_settings.bootstrap_servers})
    inbound = customs_settings.inbound_topic_names[0]
    for record in RECORDS.values():
        producer.produce(inbound, json.dumps(record, ensure_ascii=False).encode())
    assert producer.flush(30) == 0
    worker.start()

    topics = customs_settings.output_topic_names
    by_id = routed_by_id(customs_settings, len(RECORDS), timeout=180)
    assert by_id.keys() == RECORDS.keys(), worker.log()[-3000:]

    for name in ("numeric", "full-width", "zero-width"):
        topic, headers, value = by_id[name]
        assert topic == topics["mask"] and headers[h.DECISION] == "mask", (name, headers)
        assert PHONE not in _digits(value.decode()), (name, value)
    masked = json.loads(by_id["numeric"][2])
    assert masked["phone"] == "<PHONE_NUMBER>" and masked["callbacks"] == ["<PHONE_NUMBER>"]

    topic, headers, _ = by_id["key"]
    assert topic == topics["quarantine"] and headers[h.REASONS] == "pii_in_key"
    assert PHONE not in worker.log()
