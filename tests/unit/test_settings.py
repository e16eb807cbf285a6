"""``Settings.as_env``: a child process started with it reads back exactly the parent's settings."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from customs.settings import Settings


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"bootstrap_servers": "127.0.0.1:19300,127.0.0.1:19302", "replication_factor": 3, "partitions": 6},
        {"inbound_topics": ["clinic", "bank"], "topic_prefix": "t-1.", "stream_engine": "faust"},
        {"pseudonym_key": "test-only-key", "token_key": "test-only-token", "score_threshold": 0.35},
        {"metrics_port": "auto", "review_secure_cookies": True, "review_db": Path("/tmp/review-test.db")},
        {"metrics_port": 0, "batch_wait": 0.25, "shadow_policy": "mask-all", "log_level": "warning"},
    ],
)
def test_as_env_round_trips(values: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env file of the working directory
    for name in list(os.environ):
        if name.startswith("CUSTOMS_"):
            monkeypatch.delenv(name)
    parent = Settings(**values)
    env = parent.as_env()
    assert all(name.startswith("CUSTOMS_") for name in env)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    child = Settings()
    assert child.model_dump() == parent.model_dump()
    assert child.as_env() == env


def test_as_env_carries_secrets_in_clear_and_leaves_out_defaults(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("CUSTOMS_"):
            monkeypatch.delenv(name)
    assert Settings().as_env() == {}
    env = Settings(pseudonym_key="test-only-key", stream_engine="aiokafka").as_env()  # type: ignore[arg-type]
    # Given, so passed on even where it is the default: a child must not take another value from its
    # inherited environment.
    assert env == {"CUSTOMS_PSEUDONYM_KEY": "test-only-key", "CUSTOMS_STREAM_ENGINE": "aiokafka"}
    monkeypatch.setenv("CUSTOMS_METRICS_PORT", "9999")
    assert Settings().as_env() == {"CUSTOMS_METRICS_PORT": "9999"}
