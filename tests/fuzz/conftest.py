"""The fuzzing tier's shared pipeline: one inspector on the ``mask-all`` preset (everything found is masked),
built once for the session (the NER model loads once)."""

from __future__ import annotations

import pytest

from customs.factory import build_inspector
from customs.inspection import Inspector
from customs.settings import Settings
from detectors.classify import Classifier
from rules.policy import load_policy


@pytest.fixture(scope="session")
def mask_all_inspector() -> Inspector:
    return build_inspector(Settings(pseudonym_key="fuzz-only-key"), load_policy("mask-all"))  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def classifier(mask_all_inspector: Inspector) -> Classifier:
    return mask_all_inspector.classifier
