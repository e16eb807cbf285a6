"""An in-memory stand-in for the Kafka release producer (unit tier only)."""

from __future__ import annotations

from collections import defaultdict

from review.publisher import RELEASE_ID, Outbound


class FakePublisher:
    """Topics as lists per partition; ``fail_next`` makes the next publish fail (before or after 'commit')."""

    def __init__(self, partitions: int = 3) -> None:
        self._partitions = partitions
        self.log: dict[tuple[str, int], list[Outbound]] = defaultdict(list)
        self.fail_next: str | None = None  # "before": nothing is written; "after": written, then raises

    def partitions(self, topic: str) -> int:
        return self._partitions

    def end_offset(self, topic: str, partition: int) -> int:
        return len(self.log[(topic, partition)])

    def publish(self, message: Outbound) -> int:
        failure, self.fail_next = self.fail_next, None
        if failure == "before":
            raise RuntimeError("broker unreachable")
        self.log[(message.topic, message.partition)].append(message)
        if failure == "after":
            raise RuntimeError("commit acknowledgement lost")
        return len(self.log[(message.topic, message.partition)]) - 1

    def find(self, topic: str, partition: int, start: int, release_id: str) -> int | None:
        for offset, message in enumerate(self.log[(topic, partition)][start:], start):
            if (RELEASE_ID, release_id.encode()) in message.headers:
                return offset
        return None

    def messages(self, topic: str) -> list[Outbound]:
        return [m for (name, _), sent in sorted(self.log.items()) if name == topic for m in sent]
