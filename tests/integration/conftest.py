"""The integration tier: its fixtures live in tests/conftest.py; its helpers in tests/kafka_support.py."""

from tests.kafka_support import (
    CUSTOMS,
    REPO,
    ROUTED,
    WorkerProcess,
    assert_exactly_once,
    collect_outputs,
    committed_offsets,
    end_offsets,
    headers_of,
    origin_of,
    paced_feed,
    read_committed,
    routed_at_least,
    routed_by_id,
    settings_env,
    wait_for_commits,
)

__all__ = [
    "CUSTOMS",
    "REPO",
    "ROUTED",
    "WorkerProcess",
    "assert_exactly_once",
    "collect_outputs",
    "committed_offsets",
    "end_offsets",
    "headers_of",
    "origin_of",
    "paced_feed",
    "read_committed",
    "routed_at_least",
    "routed_by_id",
    "settings_env",
    "wait_for_commits",
]
