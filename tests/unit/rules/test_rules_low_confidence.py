"""Reason ``low_confidence``: findings between review_threshold and score_threshold can hold a record."""

from __future__ import annotations

import inspect
from datetime import date

import pytest

import rules.reasons as reasons_module
from detectors.finding import Finding
from rules.decide import decide, explain
from rules.decision import Action, FlowContext
from rules.policy import PolicyError, parse_policy
from rules.reasons import Reason

BASE = """\
name: low-confidence
require_flow: false
score_threshold: 0.6
review_threshold: 0.3
default_action: mask
rules:
  - id: phones-held-when-unsure
    entities: [PHONE_NUMBER]
    action: mask
    operator: {name: partial, params: {keep_last: 2}}
    on_low_confidence: quarantine
  - id: emails-relaxed
    entities: [EMAIL_ADDRESS]
    action: mask
    operator: {name: type_tag}
    on_low_confidence: ignore
"""
CONTEXT = FlowContext(None, None, None, date(2025, 6, 1))
RECORD = {"a": "x" * 40}


def _f(entity: str, score: float) -> Finding:
    return Finding("a", entity, 0, 5, score)


@pytest.mark.parametrize(
    ("extra", "findings", "action", "reasons", "rules"),
    [
        # A confident phone is masked; an uncertain one holds the record by the rule's own setting.
        ("", [_f("PHONE_NUMBER", 0.9)], Action.MASK, (Reason.RULE_MASK,), ("phones-held-when-unsure",)),
        (
            "",
            [_f("PHONE_NUMBER", 0.4)],
            Action.QUARANTINE,
            (Reason.LOW_CONFIDENCE,),
            ("phones-held-when-unsure",),
        ),
        # Below the review band: ignored altogether.
        ("", [_f("PHONE_NUMBER", 0.2)], Action.ALLOW, (), ()),
        # The rule says ignore, whatever the top level says.
        ("low_confidence_action: quarantine\n", [_f("EMAIL_ADDRESS", 0.4)], Action.ALLOW, (), ()),
        # No rule for the entity: the top-level action decides.
        ("", [_f("IP_ADDRESS", 0.4)], Action.ALLOW, (), ()),
        (
            "low_confidence_action: quarantine\n",
            [_f("IP_ADDRESS", 0.4)],
            Action.QUARANTINE,
            (Reason.LOW_CONFIDENCE,),
            ("low_confidence_action",),
        ),
        # Held with the rules' quarantine reasons too; the confident mask does not win over a hold.
        (
            "",
            [_f("EMAIL_ADDRESS", 0.9), _f("PHONE_NUMBER", 0.5)],
            Action.QUARANTINE,
            (Reason.LOW_CONFIDENCE,),
            ("phones-held-when-unsure",),
        ),
    ],
)
def test_low_confidence(
    extra: str, findings: list[Finding], action: Action, reasons: tuple[str, ...], rules: tuple[str, ...]
) -> None:
    policy = parse_policy((BASE + extra).encode(), "lc.yaml")
    decision = decide(RECORD, findings, CONTEXT, policy)
    assert decision.action is action
    assert decision.reasons == reasons
    assert decision.rule_ids == rules


def test_without_review_threshold_nothing_changes() -> None:
    policy = parse_policy(BASE.replace("review_threshold: 0.3\n", "").encode(), "lc.yaml")
    assert decide(RECORD, [_f("PHONE_NUMBER", 0.4)], CONTEXT, policy).action is Action.ALLOW


def test_explain_traces_the_low_confidence_finding() -> None:
    policy = parse_policy(BASE.encode(), "lc.yaml")
    decision, traces = explain(RECORD, [_f("PHONE_NUMBER", 0.4), _f("IP_ADDRESS", 0.1)], CONTEXT, policy)
    assert decision == decide(RECORD, [_f("PHONE_NUMBER", 0.4), _f("IP_ADDRESS", 0.1)], CONTEXT, policy)
    statuses = {t.finding.entity: (t.status, t.action) for t in traces}
    assert statuses == {
        "PHONE_NUMBER": ("low_confidence", "quarantine"),
        "IP_ADDRESS": ("below_threshold", None),
    }


def test_review_threshold_above_score_threshold_is_refused() -> None:
    with pytest.raises(PolicyError, match=r"lc\.yaml:4: field review_threshold: must not exceed"):
        parse_policy(BASE.replace("review_threshold: 0.3", "review_threshold: 0.7").encode(), "lc.yaml")


def test_every_reason_code_is_documented() -> None:
    source = inspect.getsource(reasons_module)
    for reason in Reason:
        block = source.split(f'= "{reason.value}"', 1)[1].lstrip()
        assert block.startswith('"""'), f"{reason.value} has no docstring"
