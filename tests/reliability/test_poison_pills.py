"""A poison pill costs only its own record: fed live in the middle of ordinary records, each pill is
quarantined with its reason and detail, every other record is routed exactly once, and the worker stays up.

The pills: a JSON integer too long to convert (it once killed the worker on every restart), a duplicate key
(it once got personal data past the classifier), a 200 KB address-shaped record (it once froze the worker
for minutes: a quadratic pattern), and a large record that is slow by design, past a tiny inspection budget.
On the session's single broker (tests/conftest.py), with the worker as a process of its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from confluent_kafka import Producer

from customs import headers as h
from customs.samples.feed import flow_headers
from customs.samples.generator import generate
from customs.settings import Settings
from streams.topics import create_topics
from tests.kafka_support import (
    WorkerProcess,
    assert_exactly_once,
    collect_outputs,
    headers_of,
    origin_of,
    wait_for_commits,
)

BEFORE = AFTER = 25  # ordinary records on either side of the pill
PILL_OFFSET = BEFORE
COUNT = BEFORE + 1 + AFTER


@dataclass(frozen=True)
class Pill:
    value: Callable[[], bytes]
    reason: str
    detail: str | None  # how the detail starts (None: no detail)
    budget: float = 60.0  # CUSTOMS_INSPECTION_BUDGET_SECONDS of the worker


def _long_integer() -> bytes:
    return b'{"id": "pill-a", "amount": ' + b"7" * 4301 + b"}"


def _duplicate_key() -> bytes:
    return b'{"id": "pill-b", "phone": "13812345678", "phone": "none"}'


def _address_run() -> bytes:
    return json.dumps({"id": "pill-c", "address": "Flat A, 10/F, " * 14_500}).encode()  # about 200 KB


def _slow_by_design() -> bytes:
    """Linear, but long: some 250 KB of names, phones and addresses in 50 fields (seconds of work)."""
    sentence = (
        "患者陈大文，电话 13812345678，住址香港九龍旺角彌敦道 600 號 10 樓 A 室。"
        + "Flat B, 3/F, 12 Nathan Road. "
    )
    notes = [f"{n}. " + sentence * 40 for n in range(50)]  # distinct: each is classified on its own
    return json.dumps({"id": "pill-d", "notes": notes}, ensure_ascii=False).encode()


PILLS = {
    "integer_too_long": Pill(_long_integer, "decode_error", "number_too_long"),
    "duplicate_key": Pill(_duplicate_key, "decode_error", "duplicate_key"),
    # Routed like any record (no address without a street): it costs about a second, not minutes.
    "address_run": Pill(_address_run, "", None),
    "past_the_budget": Pill(_slow_by_design, "inspection_timeout", "inspection_budget", budget=0.25),
}


def _feed(settings: Settings, pill: bytes) -> None:
    """``BEFORE`` ordinary records, the pill, then ``AFTER`` more, in order, to partition 0."""
    producer = Producer({"bootstrap.servers": settings.bootstrap_servers, "enable.idempotence": True})
    topic = settings.inbound_topic_names[0]
    samples = [s for s in generate(BEFORE + AFTER + 10, seed=5) if s.record is not None][: BEFORE + AFTER]
    values = [s.payload() for s in samples[:BEFORE]] + [pill] + [s.payload() for s in samples[BEFORE:]]
    flows = [*samples[:BEFORE], samples[0], *samples[BEFORE:]]
    for value, sample in zip(values, flows, strict=True):
        producer.produce(topic, value=value, partition=0, headers=flow_headers(sample))
    assert producer.flush(30) == 0


@pytest.mark.parametrize("name", list(PILLS))
def test_a_poison_pill_costs_only_its_own_record(
    customs_settings: Settings, tmp_path: Path, name: str
) -> None:
    pill = PILLS[name]
    # One partition: the pill shares its batches and its transactions with the records beside it.
    settings = customs_settings.model_copy(update={"inspection_budget_seconds": pill.budget, "partitions": 1})
    create_topics(settings)
    _feed(settings, pill.value())
    worker = WorkerProcess(settings, tmp_path / "worker.log")
    worker.start()
    try:
        routed, audit = collect_outputs(settings, COUNT, timeout=120)
        wait_for_commits(settings, 30)
        assert worker.process is not None and worker.process.poll() is None, worker.log()[-3000:]
    finally:
        worker.stop()
    assert len(routed) >= COUNT, f"only {len(routed)} of {COUNT}; worker log:\n{worker.log()[-3000:]}"
    assert_exactly_once(settings, routed, audit, COUNT)

    by_origin = {origin_of(m): m for m in routed}
    held = headers_of(by_origin[(0, PILL_OFFSET)])
    others = [headers_of(by_origin[(0, offset)]) for offset in range(COUNT) if offset != PILL_OFFSET]
    if pill.reason:
        assert held[h.DECISION] == "quarantine" and held[h.REASONS] == pill.reason, held
        assert pill.detail is not None and held[h.DETAIL].startswith(pill.detail), held
    else:
        assert "decode_error" not in held[h.REASONS] and "inspection_timeout" not in held[h.REASONS], held
    assert not [o for o in others if o[h.REASONS] in ("decode_error", "inspection_timeout")], others
    assert "Traceback" not in worker.log()
