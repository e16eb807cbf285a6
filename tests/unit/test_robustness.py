"""Every synthetic record inspects without an internal error (policy_error): bugs surface here."""

from __future__ import annotations

from collections import Counter
from datetime import date

from customs.factory import build_inspector
from customs.headers import as_text
from customs.inspection import Origin, flow_context
from customs.samples.feed import flow_headers
from customs.samples.generator import generate
from customs.settings import Settings
from rules.policy import load_policy


def test_no_internal_errors_over_many_generated_records() -> None:
    inspector = build_inspector(Settings(pseudonym_key="robustness"), load_policy("gba-default"))  # type: ignore[arg-type]
    outcomes: Counter[str] = Counter()
    for index, sample in enumerate(generate(4000, seed=97)):
        flow = flow_context(as_text(flow_headers(sample)), date(2026, 5, 1))
        verdict = inspector.inspect(sample.payload(), flow, Origin("in", 0, index))
        assert "policy_error" not in verdict.decision.reasons, (sample.kind, verdict.detail)
        outcomes[verdict.action.value] += 1
    assert set(outcomes) == {"allow", "mask", "quarantine"}
