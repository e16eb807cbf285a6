"""Reaching Kafka from the confluent-kafka clients (feed, peek, topics, review, demo), and saying so when
it cannot be reached: one line naming the address and what to check, never a traceback.

Every client built from :func:`client_config` sends librdkafka's own log lines to the ``customs.kafka``
logger instead of stderr, where a line repeated with other numbers in it ("after 1002ms", "5 identical
errors suppressed") counts as the same line, written once per ``REPEAT_WINDOW``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from confluent_kafka import Consumer, KafkaException, TopicPartition
from confluent_kafka.admin import AdminClient

from customs.logs import RepeatFilter

KAFKA_LOGGER = "customs.kafka"

_NUMBERS = re.compile(r"\d+")


def unreachable_message(bootstrap: str) -> str:
    return (
        f"cannot reach Kafka at {bootstrap}: check that the broker runs (deploy/kafka/kafka status) "
        "and that CUSTOMS_BOOTSTRAP_SERVERS names it"
    )


class KafkaUnreachable(Exception):
    """Kafka did not answer at ``bootstrap`` within the time given."""

    def __init__(self, bootstrap: str) -> None:
        super().__init__(unreachable_message(bootstrap))
        self.bootstrap = bootstrap


class _LibrdkafkaRepeats(RepeatFilter):
    """librdkafka's lines differ by counters and timings: those do not make a new line."""

    def key(self, record: logging.LogRecord, message: str) -> tuple[str, int, str]:
        return (record.name, record.levelno, _NUMBERS.sub("#", message))


def kafka_logger() -> logging.Logger:
    """The logger librdkafka writes to, rate-limited on the logger itself (whatever the handlers)."""
    logger = logging.getLogger(KAFKA_LOGGER)
    if not any(isinstance(f, _LibrdkafkaRepeats) for f in logger.filters):
        logger.addFilter(_LibrdkafkaRepeats())
    return logger


def quiet_kafka_logs(level: str, quiet: bool = True) -> None:
    """For one-shot commands (and a service's start-up check), which report an unreachable broker
    themselves in one line: librdkafka's lines are kept for ``debug``. ``quiet=False`` lets them through
    again at the level of the other loggers."""
    if not quiet:
        kafka_logger().setLevel(logging.NOTSET)
        return
    kafka_logger().setLevel(logging.CRITICAL if level.lower() != "debug" else logging.DEBUG)


def client_config(bootstrap: str, security: Mapping[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """The configuration of a confluent-kafka client: its bootstrap servers, its TLS and SASL settings
    (``security``, from :func:`streams.kafka_security.confluent_security`), librdkafka's logging through
    ours, and ``extra``."""
    return {"bootstrap.servers": bootstrap, **(security or {}), "logger": kafka_logger(), **extra}


def check_reachable(bootstrap: str, timeout: float, security: Mapping[str, Any] | None = None) -> None:
    """Raise :class:`KafkaUnreachable` unless a broker answers a metadata request within ``timeout``."""
    admin = AdminClient(client_config(bootstrap, security))
    try:
        admin.list_topics(timeout=timeout)
    except KafkaException as exc:
        raise KafkaUnreachable(bootstrap) from exc
    finally:
        admin.poll(0)  # hand librdkafka's queued log lines to the logger


class KafkaProbe:
    """A reachability check that reuses one admin client (the review service's health checks)."""

    def __init__(self, bootstrap: str, timeout: float, security: Mapping[str, Any] | None = None) -> None:
        self.bootstrap = bootstrap
        self.timeout = timeout
        self.security = security
        self._admin: AdminClient | None = None  # made at the first check: a client connects at once
        self._reader: Consumer | None = None

    def __call__(self) -> None:
        if self._admin is None:
            self._admin = AdminClient(client_config(self.bootstrap, self.security))
        try:
            self._admin.list_topics(timeout=self.timeout)
        except KafkaException as exc:
            raise KafkaUnreachable(self.bootstrap) from exc
        finally:
            self._admin.poll(0)

    def end_offset(self, topic: str) -> int:
        """The sum of ``topic``'s partition end offsets (how far it has advanced, transaction markers
        included); raises when Kafka or the topic cannot be read."""
        if self._reader is None:
            self._reader = Consumer(
                client_config(
                    self.bootstrap,
                    self.security,
                    **{"group.id": "customs-probe", "enable.auto.commit": False},
                )
            )
        try:
            metadata = self._reader.list_topics(topic, timeout=self.timeout).topics.get(topic)
            if metadata is None or metadata.error is not None or not metadata.partitions:
                raise KafkaUnreachable(self.bootstrap)
            return sum(
                int(self._reader.get_watermark_offsets(TopicPartition(topic, p), timeout=self.timeout)[1])
                for p in metadata.partitions
            )
        except KafkaException as exc:
            raise KafkaUnreachable(self.bootstrap) from exc
