"""Create the customs topics, idempotently, with the confluent-kafka admin client."""

from __future__ import annotations

import time
from dataclasses import dataclass

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

from customs.settings import Settings
from streams.kafka_security import confluent_security
from streams.reach import check_reachable, client_config


@dataclass(frozen=True, slots=True)
class TopicResult:
    name: str
    created: bool
    partitions: int


def all_topic_names(settings: Settings) -> list[str]:
    return [*settings.inbound_topic_names, *settings.output_topic_names.values()]


def create_topics(settings: Settings, timeout: float = 30.0) -> list[TopicResult]:
    """Create every inbound and output topic that is missing; existing ones are left as they are.

    Outputs go to the same partition number as their input (so one Kafka transaction covers a
    record's outputs and its offset), so every customs topic must have the same partition count.
    """
    check_reachable(
        settings.bootstrap_servers, min(timeout, settings.kafka_timeout), confluent_security(settings)
    )  # one line if not
    admin = AdminClient(client_config(settings.bootstrap_servers, confluent_security(settings)))
    names = all_topic_names(settings)
    wanted = [NewTopic(n, settings.partitions, settings.replication_factor) for n in names]
    results: list[TopicResult] = []
    futures = admin.create_topics(wanted, request_timeout=timeout, operation_timeout=timeout)
    for name, future in futures.items():
        try:
            future.result(timeout=timeout)
            results.append(TopicResult(name, True, settings.partitions))
        except KafkaException as exc:
            if exc.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise
            results.append(TopicResult(name, False, settings.partitions))
    deadline = time.monotonic() + timeout
    metadata = admin.list_topics(timeout=timeout)
    while any(name not in metadata.topics for name in names) and time.monotonic() < deadline:
        time.sleep(0.1)  # a topic just created may take a moment to appear in the metadata
        metadata = admin.list_topics(timeout=timeout)
    checked = []
    for result in results:
        actual = len(metadata.topics[result.name].partitions)
        checked.append(TopicResult(result.name, result.created, actual))
    counts = {r.partitions for r in checked}
    if len(counts) > 1:
        detail = ", ".join(f"{r.name}={r.partitions}" for r in checked)
        raise RuntimeError(f"customs topics must share one partition count; found {detail}")
    return sorted(checked, key=lambda r: names.index(r.name))
