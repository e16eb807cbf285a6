"""Hot reload under traffic on a real broker: no record lost, every output stamped v1 or v2, one switch."""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections import defaultdict
from pathlib import Path

import pytest
from confluent_kafka import Message, Producer
from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

from customs import headers as h
from customs.samples.feed import publish
from customs.settings import Settings
from rules.policy import load_policy, parse_policy
from streams.topics import create_topics
from tests.net import wait_until

from .conftest import WorkerProcess, end_offsets, read_committed

pytestmark = pytest.mark.integration

V1 = "name: reload-v1\nrequire_flow: false\ndefault_action: mask\n"
BROKEN = "name: reload-broken\nrequire_flow: false\ndefault_action: shred\n"
V2 = "name: reload-v2\nrequire_flow: false\ndefault_action: quarantine\n"


def _replace(path: Path, text: str) -> None:
    """Write atomically, as an operator's deploy would (a half-written file would be refused anyway)."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


def _routed(settings: Settings, expected: int) -> list[Message]:
    topics = settings.output_topic_names
    names = [topics[n] for n in ("allow", "mask", "quarantine")]
    return read_committed(settings.bootstrap_servers, names, expected, timeout=240, linger=2.0)


def _stamp(message: Message) -> tuple[int, int, str]:
    headers: dict[str, str] = {}
    for item in message.headers() or []:
        key, value = item[0], item[1]
        headers[str(key)] = value.decode() if isinstance(value, bytes) else str(value)
    return int(headers[h.ORIGIN_PARTITION]), int(headers[h.ORIGIN_OFFSET]), headers[h.POLICY_VERSION]


def test_policy_file_change_under_traffic(
    customs_settings: Settings, worker: WorkerProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(V1)
    v1 = load_policy(policy).version
    monkeypatch.setenv("CUSTOMS_POLICY", str(policy))
    monkeypatch.setenv("CUSTOMS_POLICY_POLL_SECONDS", "0.5")
    worker.settings = customs_settings.model_copy(update={"policy": str(policy)})  # settings_env reads it
    create_topics(customs_settings)
    worker.start()

    assert publish(customs_settings, count=300, seed=21) == 300
    first = _routed(customs_settings, 300)
    assert len(first) == 300, worker.log()[-3000:]
    assert {_stamp(m)[2] for m in first} == {v1}

    _replace(policy, BROKEN)  # refused: v1 stays in force
    time.sleep(2.0)
    assert publish(customs_settings, count=300, seed=22) == 300
    second = _routed(customs_settings, 600)
    assert {_stamp(m)[2] for m in second} == {v1}
    assert "policy reload refused" in worker.log() and f"{policy}:3: field default_action" in worker.log()

    feed = threading.Thread(
        target=publish, args=(customs_settings,), kwargs={"count": 600, "rate": 200, "seed": 23}
    )
    feed.start()
    time.sleep(1.0)
    _replace(policy, V2)  # under traffic
    v2 = load_policy(policy).version
    feed.join(timeout=60)
    routed = _routed(customs_settings, 1200)

    stamps = [_stamp(m) for m in routed]
    inbound = customs_settings.inbound_topic_names[0]
    ends = end_offsets(customs_settings.bootstrap_servers, inbound, customs_settings.partitions)
    expected = {(p, o) for p, end in ends.items() for o in range(end)}
    assert sum(ends.values()) == 1200
    origins = [(p, o) for p, o, _ in stamps]
    assert len(origins) == len(set(origins)) == 1200 and set(origins) == expected, "a record lost or doubled"
    assert {v for _, _, v in stamps} == {v1, v2}
    by_partition: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for partition, offset, version in stamps:
        by_partition[partition].append((offset, version))
    for partition, rows in by_partition.items():
        versions = [v for _, v in sorted(rows)]
        switches = sum(1 for a, b in itertools.pairwise(versions) if a != b)
        assert switches <= 1 and versions[0] == v1, f"partition {partition} switched {switches} times"
    assert "policy reloaded from" in worker.log()


def test_policy_from_a_compacted_topic(
    customs_settings: Settings, worker: WorkerProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The newest document on the policy topic replaces the file's policy; a broken one is refused."""
    policy = tmp_path / "policy.yaml"
    policy.write_text(V1)
    topic = f"{customs_settings.topic_prefix}policy"
    admin = AdminClient({"bootstrap.servers": customs_settings.bootstrap_servers})
    compacted = NewTopic(topic, 1, 1, config={"cleanup.policy": "compact"})
    admin.create_topics([compacted])[topic].result(30)
    producer = Producer({"bootstrap.servers": customs_settings.bootstrap_servers})
    producer.produce(topic, key=b"policy", value=V2.encode())
    producer.flush(30)
    v2 = parse_policy(V2.encode(), "v2").version

    monkeypatch.setenv("CUSTOMS_POLICY", str(policy))
    monkeypatch.setenv("CUSTOMS_POLICY_TOPIC", topic)
    worker.settings = customs_settings.model_copy(update={"policy": str(policy)})
    create_topics(customs_settings)
    worker.start()
    wait_until(lambda: "policy reloaded from" in worker.log(), 60)
    assert f"policy reloaded from {topic}" in worker.log(), worker.log()[-3000:]

    assert publish(customs_settings, count=200, seed=31) == 200
    first = _routed(customs_settings, 200)
    assert len(first) == 200 and {_stamp(m)[2] for m in first} == {v2}

    producer.produce(topic, key=b"policy", value=BROKEN.encode())
    producer.flush(30)
    wait_until(lambda: "policy reload refused" in worker.log(), 30)
    assert publish(customs_settings, count=200, seed=32) == 200
    second = _routed(customs_settings, 400)
    assert len(second) == 400 and {_stamp(m)[2] for m in second} == {v2}  # the old policy stays in force
    assert "policy reload refused" in worker.log() and "field default_action" in worker.log()
