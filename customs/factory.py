"""Builds the inspection pipeline from settings: the one place that wires policy, detectors and codecs."""

from __future__ import annotations

from customs.codec import Codec, SchemaStore
from customs.flow_keys import FlowKeys
from customs.inspection import Inspector
from customs.settings import Settings
from detectors.classify import DEFAULT_THRESHOLD, Classifier
from rules.holder import PolicyHolder
from rules.policy import Policy, load_policy
from rules.shadow import ShadowTally


def build_codec(settings: Settings) -> Codec:
    return Codec(SchemaStore(settings.schemas_dir), settings.max_record_bytes, settings.max_depth)


def token_secret(settings: Settings) -> bytes:
    """The secret of reversible tokens: ``CUSTOMS_TOKEN_KEY``, else the pseudonym key."""
    if settings.token_key is not None:
        return settings.token_key.get_secret_value().encode()
    return settings.pseudonym_secret


def classifier_threshold(settings: Settings, *policies: Policy) -> float:
    """The lowest score any policy looks at (its review band included), so no finding it needs is lost."""
    threshold = settings.score_threshold if settings.score_threshold is not None else DEFAULT_THRESHOLD
    for policy in policies:
        threshold = min(threshold, policy.score_threshold, policy.review_threshold or 1.0)
    return threshold


def build_inspector(settings: Settings, policy: Policy | None = None) -> Inspector:
    """An inspector whose policy is read from a ``PolicyHolder`` (swap it to hot-reload), with the
    shadow policy of ``CUSTOMS_SHADOW_POLICY`` beside it when set."""
    active = policy or load_policy(settings.policy)
    shadow = ShadowTally(load_policy(settings.shadow_policy)) if settings.shadow_policy else None
    candidates = (active, shadow.policy) if shadow else (active,)
    classifier = Classifier(threshold=classifier_threshold(settings, *candidates), ner=settings.ner)
    return Inspector(
        classifier,
        build_codec(settings),
        PolicyHolder(active),
        settings.pseudonym_secret,
        token_key=token_secret(settings) if settings.token_key is not None else None,
        shadow=shadow,
        budget=settings.inspection_budget_seconds or None,
        flow_keys=FlowKeys(settings.flow_keys_dir).lookup,
    )
