"""The integration tier: its fixtures live in tests/conftest.py; its helpers in tests/kafka_support.py."""

from tests.kafka_support import (
    CUSTOMS,
    REPO,
    WorkerProcess,
    committed_offsets,
    end_offsets,
    read_committed,
    settings_env,
)

__all__ = [
    "CUSTOMS",
    "REPO",
    "WorkerProcess",
    "committed_offsets",
    "end_offsets",
    "read_committed",
    "settings_env",
]
