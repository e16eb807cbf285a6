"""Helpers for tests against a real Kafka broker: worker processes, committed reads, offsets."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from confluent_kafka import Consumer, Message, TopicPartition

from customs.settings import Settings

REPO = Path(__file__).resolve().parents[1]
KAFKA = REPO / "deploy" / "kafka" / "kafka"
CUSTOMS = Path(sys.executable).parent / "customs"


def free_port_pair() -> int:
    for _ in range(50):
        with socket.socket() as a:
            a.bind(("127.0.0.1", 0))
            port = a.getsockname()[1]
        if port >= 65535:
            continue
        with socket.socket() as b:
            try:
                b.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return int(port)
    raise RuntimeError("no free port pair on 127.0.0.1")


def settings_env(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "CUSTOMS_BOOTSTRAP_SERVERS": settings.bootstrap_servers,
        "CUSTOMS_APP_ID": settings.app_id,
        "CUSTOMS_TOPIC_PREFIX": settings.topic_prefix,
        "CUSTOMS_PARTITIONS": str(settings.partitions),
        "CUSTOMS_PSEUDONYM_KEY": "test-only-pseudonym-key",
        "CUSTOMS_SESSION_TIMEOUT": str(settings.session_timeout),
        "CUSTOMS_COMMIT_INTERVAL": str(settings.commit_interval),
        "CUSTOMS_POLICY": settings.policy,
        "CUSTOMS_STREAM_ENGINE": settings.stream_engine,
    }


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
