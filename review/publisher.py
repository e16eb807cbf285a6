"""The release producer's small interface: everything the review service needs from Kafka to release.

``review.kafka.KafkaPublisher`` is the real one (a transactional confluent-kafka producer); the unit
tests use an in-memory fake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

RELEASE_ID = "customs-release-id"
RELEASED_BY = "customs-released-by"
APPROVED_BY = "customs-approved-by"
RELEASE_MODE = "customs-release-mode"
RELEASE_OPERATOR = "customs-release-operator"


@dataclass(frozen=True, slots=True)
class Outbound:
    """One released record, ready to produce."""

    topic: str
    partition: int
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...]
    release_id: str


class Publisher(Protocol):
    def partitions(self, topic: str) -> int:
        """How many partitions ``topic`` has."""
        ...

    def end_offset(self, topic: str, partition: int) -> int:
        """The next offset of ``partition`` (where a search for a release may start)."""
        ...

    def publish(self, message: Outbound) -> int:
        """Produce ``message`` in its own transaction and commit it; the offset it got. Raises on failure."""
        ...

    def find(self, topic: str, partition: int, start: int, release_id: str) -> int | None:
        """The offset of a committed message from ``start`` on with this ``customs-release-id``, if any."""
        ...
