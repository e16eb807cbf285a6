"""Shared fixtures for the recognizer tests: one classifier per session (building it costs ~1 s)."""

from __future__ import annotations

import pytest

from detectors.classify import Classifier


@pytest.fixture(scope="session")
def classifier() -> Classifier:
    return Classifier()
