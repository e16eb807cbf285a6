"""Builds the inspection pipeline from settings: the one place that wires policy, detectors and codecs."""

from __future__ import annotations

from customs.inspection import Inspector
from customs.settings import Settings
from detectors.classify import DEFAULT_THRESHOLD, Classifier
from rules.policy import Policy, load_policy
from streams.codec import Codec, SchemaStore


def build_codec(settings: Settings) -> Codec:
    return Codec(SchemaStore(settings.schemas_dir), settings.max_record_bytes, settings.max_depth)


def build_inspector(settings: Settings, policy: Policy | None = None) -> Inspector:
    active = policy or load_policy(settings.policy)
    threshold = settings.score_threshold if settings.score_threshold is not None else DEFAULT_THRESHOLD
    classifier = Classifier(threshold=min(threshold, active.score_threshold))
    return Inspector(classifier, build_codec(settings), lambda: active, settings.pseudonym_secret)
