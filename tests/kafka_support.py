"""Helpers for tests against a real Kafka broker: worker processes, committed reads, offsets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from confluent_kafka import Consumer, Message, TopicPartition

from customs import headers as h
from customs.samples.feed import publish
from customs.settings import Settings
from tests.net import wait_until

REPO = Path(__file__).resolve().parents[1]
KAFKA = REPO / "deploy" / "kafka" / "kafka"
KAFKA_CLUSTER = REPO / "deploy" / "kafka" / "cluster"
CUSTOMS = Path(sys.executable).parent / "customs"


def settings_env(settings: Settings) -> dict[str, str]:
    return {**os.environ, **settings.as_env()}


@dataclass
class WorkerProcess:
    settings: Settings
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    logs: list[Path] = field(default_factory=list)

    def start(self) -> None:
        handle = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [str(CUSTOMS), "worker"], env=settings_env(self.settings), stdout=handle, stderr=subprocess.STDOUT
        )

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def read_committed(
    bootstrap: str, topics: list[str], expected: int, timeout: float, linger: float = 3.0
) -> list[Message]:
    """Read committed messages from ``topics`` until ``expected`` arrived (or ``timeout`` passed).

    After ``expected`` messages it keeps reading for ``linger`` quiet seconds, so that a duplicate,
    if there were one, would be seen too.
    """
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"reader-{uuid.uuid4().hex}",
            "auto.offset.reset": "earliest",
            "isolation.level": "read_committed",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe(topics)
    messages: list[Message] = []
    deadline = time.monotonic() + timeout
    quiet_until = None
    try:
        while time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None:
                if len(messages) >= expected:
                    quiet_until = quiet_until or time.monotonic() + linger
                    if time.monotonic() > quiet_until:
                        break
                continue
            if message.error():
                continue
            messages.append(message)
            if linger <= 0 and len(messages) >= expected:
                break
    finally:
        consumer.close()
    return messages


def headers_of(message: Message) -> dict[str, str]:
    """A message's headers as text (a header without a value as the empty text)."""
    return {str(key): (value or b"").decode() for key, value in (message.headers() or [])}


Routed = tuple[str, dict[str, str], bytes]  # the output topic, the headers, the value


def routed_by_id(settings: Settings, expected: int, timeout: float) -> dict[str, Routed]:
    """The committed records of the allow, mask and quarantine topics, by their JSON ``id`` (``expected``
    of them, or as many as arrived in ``timeout`` seconds)."""
    topics = settings.output_topic_names
    names = [topics[decision] for decision in ("allow", "mask", "quarantine")]
    routed: dict[str, Routed] = {}
    for message in read_committed(settings.bootstrap_servers, names, expected, timeout):
        value = message.value() or b""
        record_id = json.loads(value)["id"]
        assert record_id not in routed, f"{record_id} was routed twice"
        routed[record_id] = (str(message.topic()), headers_of(message), value)
    return routed


def committed_offsets(bootstrap: str, group: str, topic: str, partitions: int) -> dict[int, int]:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
    try:
        tps = consumer.committed([TopicPartition(topic, p) for p in range(partitions)], timeout=20)
        return {tp.partition: tp.offset for tp in tps}
    finally:
        consumer.close()


def end_offsets(bootstrap: str, topic: str, partitions: int) -> dict[int, int]:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"w-{uuid.uuid4().hex}"})
    try:
        return {
            p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=20)[1]
            for p in range(partitions)
        }
    finally:
        consumer.close()


ROUTED = ("allow", "mask", "quarantine")


def origin_of(message: Message) -> tuple[int, int]:
    headers = {k: v.decode() for k, v in (message.headers() or [])}
    return int(headers[h.ORIGIN_PARTITION]), int(headers[h.ORIGIN_OFFSET])


def collect_outputs(settings: Settings, count: int, timeout: float) -> tuple[list[Message], list[Message]]:
    topics = settings.output_topic_names
    routed = read_committed(settings.bootstrap_servers, [topics[n] for n in ROUTED], count, timeout)
    audit = read_committed(settings.bootstrap_servers, [topics["audit"]], count, 60)
    return routed, audit


def assert_exactly_once(settings: Settings, routed: list[Message], audit: list[Message], count: int) -> None:
    origins = Counter(origin_of(m) for m in routed)
    duplicates = [o for o, n in origins.items() if n > 1]
    copies = [
        [(m.topic(), m.partition(), m.offset(), m.timestamp()[1]) for m in routed if origin_of(m) == o]
        for o in duplicates[:4]
    ]
    assert not duplicates, f"{len(duplicates)} records routed more than once, e.g. {duplicates[:3]} {copies}"
    inbound = settings.inbound_topic_names[0]
    ends = end_offsets(settings.bootstrap_servers, inbound, settings.partitions)
    expected = {(p, o) for p, end in ends.items() for o in range(end)}
    assert sum(ends.values()) == count
    missing = expected - set(origins)
    assert not missing, f"{len(missing)} records in no output topic, e.g. {sorted(missing)[:3]}"
    assert set(origins) == expected
    audit_origins = Counter(
        (event["origin"]["partition"], event["origin"]["offset"])
        for event in (json.loads(m.value()) for m in audit)
        if event.get("type") == "decision"  # checkpoints sign the chains between them
    )
    assert set(audit_origins) == expected and max(audit_origins.values()) == 1
    committed = committed_offsets(settings.bootstrap_servers, settings.app_id, inbound, settings.partitions)
    assert committed == ends, f"committed offsets {committed} do not cover the inputs {ends}"


WARM_UP = 300  # records a paced feed sends at once, then waits for the worker to have routed


def paced_feed(settings: Settings, count: int, seed: int, rate: float = 150.0) -> threading.Thread:
    """``count`` generated records from a background thread, already started: the first ``WARM_UP`` at
    once; once a worker has routed them (its start-up, the NER model's load, has passed, however slow the
    machine), the rest at ``rate`` a second — slow enough that a worker or broker can be disturbed while
    the feed still runs, whatever the start-up took."""
    sent = 0
    paced_from = 0.0

    def pace(_sample: object) -> None:
        nonlocal sent, paced_from
        sent += 1
        if sent == WARM_UP:
            routed_at_least(settings, WARM_UP)
            paced_from = time.monotonic()
        elif sent > WARM_UP:
            ahead = (sent - WARM_UP) / rate - (time.monotonic() - paced_from)
            if ahead > 0:
                time.sleep(ahead)

    feeder = threading.Thread(
        target=publish, args=(settings,), kwargs={"count": count, "seed": seed, "on_sent": pace}
    )
    feeder.start()
    return feeder


def routed_at_least(settings: Settings, count: int, timeout: float = 180) -> int:
    """Wait until ``count`` audit events are committed (records routed); how many were read."""
    audit = [settings.output_topic_names["audit"]]
    return len(read_committed(settings.bootstrap_servers, audit, count, timeout, linger=0))


def wait_for_commits(settings: Settings, timeout: float) -> None:
    """Offsets are committed with the last transaction; wait for it rather than race it."""
    inbound = settings.inbound_topic_names[0]
    ends = end_offsets(settings.bootstrap_servers, inbound, settings.partitions)
    wait_until(
        lambda: (
            committed_offsets(settings.bootstrap_servers, settings.app_id, inbound, settings.partitions)
            == ends
        ),
        timeout,
    )
