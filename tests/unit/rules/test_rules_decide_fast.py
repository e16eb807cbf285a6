"""``decide`` (the per-record path, no trace) returns exactly ``explain``'s decision: over thousands of
generated records and their real findings, on every kind of flow, date and policy, with scores spread
over the review band. All data is synthetic."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import pytest

from customs.samples.generator import generate
from detectors.classify import Classifier
from detectors.finding import Finding
from rules.decide import decide, explain
from rules.decision import FlowContext
from rules.policy import Policy, load_policy, parse_policy
from tests.unit.rules.test_rules_decide import POLICY_TEXT

pytestmark = pytest.mark.unit

REVIEW = "review_threshold: 0.4\nlow_confidence_action: quarantine\n"
ON_LOW = """\
  - id: phones-reviewed
    entities: [PHONE_NUMBER]
    min_score: 0.6
    on_low_confidence: ignore
    action: mask
    operator: {name: redact}
"""


def policies() -> list[Policy]:
    gba = load_policy("gba-default")
    mask_all = load_policy("mask-all")
    test = parse_policy(POLICY_TEXT.encode(), "decide-test.yaml")
    reviewed = POLICY_TEXT.replace("score_threshold: 0.5\n", "score_threshold: 0.5\n" + REVIEW)
    reviewed = reviewed.replace("rules:\n", "rules:\n" + ON_LOW)
    lenient = POLICY_TEXT.replace("require_flow: true", "require_flow: false").replace(
        "default_action: mask", "default_action: allow"
    )
    strict = POLICY_TEXT.replace("default_action: mask", "default_action: quarantine")
    return [
        gba,
        mask_all,
        test,
        parse_policy(reviewed.encode(), "reviewed.yaml"),
        parse_policy(lenient.encode(), "lenient.yaml"),
        parse_policy(strict.encode(), "strict.yaml"),
        gba.model_copy(update={"review_threshold": 0.3, "low_confidence_action": "quarantine"}),
        mask_all.model_copy(update={"review_threshold": 0.2}),
    ]


def _contexts(rng: random.Random, flow: tuple[str, str, str]) -> list[FlowContext]:
    day = date(rng.randint(2019, 2027), rng.randint(1, 12), rng.randint(1, 28))
    other = ("gz-clinic", "hk-lab", rng.choice(["research", "marketing", "analytics", "sales"]))
    return [
        FlowContext(*flow, day),
        FlowContext(*flow, date(2026, 6, 1), important_data=rng.random() < 0.2),
        FlowContext(*other, day),
        FlowContext(None, None, None, day),
    ]


def _jitter(rng: random.Random, findings: list[Finding]) -> list[Finding]:
    """The same findings with scores spread over and around every threshold and review band."""
    return [
        replace(f, score=rng.choice([f.score, round(rng.random(), 2), 0.3, 0.4, 0.5, 0.6, 0.9]))
        for f in findings
    ]


def test_decide_equals_explain_on_generated_records() -> None:
    rng = random.Random(2026)
    classifier = Classifier(threshold=0.2)
    candidates = policies()
    checked = 0
    actions: set[str] = set()
    for sample in generate(600, seed=41):
        if sample.record is None:
            continue
        flow = (sample.flow.source, sample.flow.destination, sample.flow.purpose)
        found = classifier.classify(sample.record)
        for findings in (found, _jitter(rng, found)):
            for context in _contexts(rng, flow):
                for policy in candidates:
                    fast = decide(sample.record, findings, context, policy)
                    assert fast == explain(sample.record, findings, context, policy)[0]
                    actions.add(fast.action.value + ":" + ",".join(fast.reasons))
                    checked += 1
    assert checked > 30_000
    assert {"allow:", "mask:rule_mask", "quarantine:rule_quarantine", "quarantine:no_flow"} <= actions
    assert {"quarantine:low_confidence", "quarantine:important_data"} <= actions
    assert any("contract_not_in_force" in action or "category_not_permitted" in action for action in actions)
