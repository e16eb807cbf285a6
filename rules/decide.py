"""``decide``: the pure heart of the gateway. No IO, no clock, no globals.

The stream agent, the offline ``scan`` command and the review service all call this one function.
"""

from __future__ import annotations

from collections.abc import Sequence

from detectors.entities import SENSITIVE_CATEGORIES, Category, category_of
from detectors.finding import Finding
from detectors.walker import JsonValue
from rules.decision import Action, Decision, FlowContext, MaskInstruction
from rules.jurisdiction import PERMITTED_BY_CONTRACT
from rules.minor import is_minor_id
from rules.policy import Flow, Policy, Rule
from rules.reasons import Reason


def _categories(record: JsonValue, finding: Finding, context: FlowContext) -> frozenset[Category]:
    category = category_of(finding.entity)
    if is_minor_id(record, finding, context.record_date):
        return frozenset({category, Category.MINOR})
    return frozenset({category})


def _flow_reasons(
    flow: Flow, context: FlowContext, policy: Policy, categories: frozenset[Category]
) -> list[str]:
    reasons: list[str] = []
    if not flow.contract.in_force_on(context.record_date):
        reasons.append(Reason.CONTRACT_NOT_IN_FORCE)
    permitted = PERMITTED_BY_CONTRACT[flow.contract.kind]
    parties = (policy.organisations[flow.source], policy.organisations[flow.destination])
    if any(party.jurisdiction not in permitted for party in parties):
        reasons.append(Reason.DESTINATION_OUTSIDE_GBA)
    if categories - set(flow.categories):
        reasons.append(Reason.CATEGORY_NOT_PERMITTED)
    if categories & SENSITIVE_CATEGORIES and not (flow.consent_for_sensitive and flow.impact_assessment):
        reasons.append(Reason.SENSITIVE_WITHOUT_CONSENT)
    return reasons


def _rule_for(
    finding: Finding, categories: frozenset[Category], flow_id: str | None, rules: Sequence[Rule]
) -> Rule | None:
    for rule in rules:
        if rule.flows and flow_id not in rule.flows:
            continue
        if finding.score < rule.min_score:
            continue
        if finding.entity in rule.entities or categories.intersection(rule.categories):
            return rule
    return None


def decide(record: JsonValue, findings: Sequence[Finding], context: FlowContext, policy: Policy) -> Decision:
    """Route one decoded record to allow, mask or quarantine, with the reasons and rules that decided it."""
    findings = [f for f in findings if f.score >= policy.score_threshold]
    categorised = [(f, _categories(record, f, context)) for f in findings]
    present: frozenset[Category] = frozenset().union(*(c for _, c in categorised))
    flow = policy.find_flow(context.source, context.destination, context.purpose)
    flow_id = flow.id if flow else None

    def held(reasons: Sequence[str], rule_ids: Sequence[str] = ()) -> Decision:
        return Decision(
            Action.QUARANTINE, tuple(dict.fromkeys(reasons)), tuple(rule_ids), policy.version, flow_id=flow_id
        )

    if context.important_data:
        return held([Reason.IMPORTANT_DATA])
    if policy.require_flow:
        if flow is None:
            return held([Reason.NO_FLOW])
        flow_reasons = _flow_reasons(flow, context, policy, present)
        if flow_reasons:
            return held(flow_reasons)

    reasons: list[str] = []
    quarantine_rules: list[str] = []
    mask_rules: list[str] = []
    masks: list[MaskInstruction] = []
    for finding, categories in categorised:
        rule = _rule_for(finding, categories, flow_id, policy.rules)
        action = rule.action if rule else Action(policy.default_action)
        rule_id = rule.id if rule else "default"
        if action is Action.QUARANTINE:
            reasons.append(Reason.RULE_QUARANTINE)
            quarantine_rules.append(rule_id)
        elif action is Action.MASK:
            spec = rule.operator if rule and rule.operator else policy.default_operator
            masks.append(MaskInstruction(finding, spec.name, tuple(sorted(spec.params.items()))))
            mask_rules.append(rule_id)
    if quarantine_rules:
        return held(reasons, list(dict.fromkeys(quarantine_rules)))
    if masks:
        return Decision(
            Action.MASK,
            (Reason.RULE_MASK,),
            tuple(dict.fromkeys(mask_rules)),
            policy.version,
            tuple(masks),
            flow_id,
        )
    return Decision(Action.ALLOW, (), (), policy.version, flow_id=flow_id)
