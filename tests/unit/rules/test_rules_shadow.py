"""Shadow mode: the candidate policy decides beside the active one; differences counted, never routed."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

from customs import headers as h
from customs.factory import build_inspector
from customs.inspection import Origin, flow_context
from customs.settings import Settings
from detectors.finding import Finding
from rules.decision import Action, Decision
from rules.policy import load_policy
from rules.reasons import Reason
from rules.shadow import Difference, ShadowTally, compare

V = "sha256:0"


def test_compare_equal_decisions() -> None:
    a = Decision(Action.MASK, (Reason.RULE_MASK,), ("r1",), V, flow_id="f")
    b = Decision(Action.MASK, (Reason.RULE_MASK,), ("r2",), "sha256:1", flow_id="f")
    assert compare(a, b) is None  # same action and reasons: rules and versions may differ


def test_compare_reason_sets() -> None:
    a = Decision(Action.QUARANTINE, (Reason.NO_FLOW,), (), V)
    b = Decision(Action.MASK, (Reason.RULE_MASK,), (), V)
    assert compare(a, b) == Difference("quarantine[no_flow]", "mask[rule_mask]", "unknown")
    c = Decision(Action.QUARANTINE, (Reason.RULE_QUARANTINE, Reason.LOW_CONFIDENCE), (), V, flow_id="f")
    d = Decision(Action.QUARANTINE, (Reason.RULE_QUARANTINE,), (), V, flow_id="f")
    assert compare(c, d) == Difference(
        "quarantine[low_confidence,rule_quarantine]", "quarantine[rule_quarantine]", "f"
    )
    assert compare(d, d) is None


def test_tally_counts_a_known_difference_and_never_routes() -> None:
    settings = Settings(pseudonym_key="unit-test-key", shadow_policy="mask-all")
    inspector = build_inspector(settings, load_policy("gba-default"))
    tally = inspector.shadow
    assert isinstance(tally, ShadowTally)
    research = {h.SOURCE: "gz-tcm-hospital", h.DESTINATION: "hku-tcm-lab", h.PURPOSE: "clinical_research"}
    unknown = {h.SOURCE: "nowhere", h.DESTINATION: "hku-tcm-lab", h.PURPOSE: "x"}
    record = json.dumps({"id": "r", "phone": "13812345678"}).encode()
    day = date(2025, 6, 1)
    for _ in range(3):  # gba-default holds an unknown flow; mask-all would mask it
        verdict = inspector.inspect(record, flow_context(unknown, day), Origin("t", 0, 0))
        assert verdict.action is Action.QUARANTINE
    verdict = inspector.inspect(record, flow_context(research, day), Origin("t", 0, 1))
    assert verdict.action is Action.MASK  # both mask: no difference
    verdict = inspector.inspect(b"not json", flow_context(research, day), Origin("t", 0, 2))
    seen, differences = tally.snapshot()
    assert seen == 4
    assert differences == {Difference("quarantine[no_flow]", "mask[rule_mask]", "unknown"): 3}


def test_failing_shadow_never_affects_routing() -> None:
    settings = Settings(pseudonym_key="unit-test-key")
    inspector = build_inspector(settings, load_policy("mask-all"))

    def broken(*_: object) -> None:
        raise RuntimeError("boom")

    inspector.shadow = broken
    verdict = inspector.inspect(
        b'{"phone": "13812345678"}', flow_context({}, date(2025, 6, 1)), Origin("t", 0, 0)
    )
    assert verdict.action is Action.MASK


def test_findings_reach_the_shadow_unchanged() -> None:
    seen: list[tuple[Finding, ...]] = []
    settings = Settings(pseudonym_key="unit-test-key")
    inspector = build_inspector(settings, load_policy("mask-all"))
    inspector.shadow = lambda record, findings, flow, decision: seen.append(tuple(findings))
    verdict = inspector.inspect(
        b'{"phone": "13812345678"}', flow_context({}, date(2025, 6, 1)), Origin("t", 0, 0)
    )
    assert seen == [verdict.findings]


def test_shadow_differences_reach_the_metric_once_each() -> None:
    from prometheus_client import CollectorRegistry

    from streams.metrics import GatewayMetrics
    from streams.policy_watch import report_shadow

    settings = Settings(pseudonym_key="unit-test-key", shadow_policy="mask-all")
    inspector = build_inspector(settings, load_policy("gba-default"))
    tally = inspector.shadow
    assert isinstance(tally, ShadowTally)
    registry = CollectorRegistry()
    metric = GatewayMetrics(registry).shadow_differences
    unknown = {h.SOURCE: "nowhere", h.DESTINATION: "hku-tcm-lab", h.PURPOSE: "x"}
    record = json.dumps({"id": "r", "phone": "13812345678"}).encode()
    labels = {"active": "quarantine", "shadow": "mask", "flow": "unknown"}
    previous: Counter[Difference] = Counter()
    for round_ in range(2):
        for _ in range(3):
            inspector.inspect(record, flow_context(unknown, date(2025, 6, 1)), Origin("t", 0, 0))
        previous = report_shadow(tally, previous, metric)  # each report counts only what is new
        assert registry.get_sample_value("customs_shadow_differences_total", labels) == 3 * (round_ + 1)
