"""``decide``: the pure heart of the gateway. No IO, no clock, no globals.

The stream agent, the offline ``scan`` command and the review service all call this one function.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from detectors.entities import ENTITY_CATEGORY, SENSITIVE_CATEGORIES, Category
from detectors.finding import Finding
from detectors.walker import JsonValue, is_key_path
from rules.decision import Action, Decision, FlowContext, MaskInstruction
from rules.jurisdiction import PERSONAL_CATEGORIES, crosses_boundary, kind_mismatch, outside_gba
from rules.minor import is_minor, stated_child, with_child
from rules.policy import Flow, Policy, Rule
from rules.reasons import Reason

# Each entity's category as a set, built once (an unknown entity fails as ``category_of`` does).
_CATEGORY_SETS: dict[str, frozenset[Category]] = {
    entity: frozenset({category}) for entity, category in ENTITY_CATEGORY.items()
}
_MINOR = frozenset({Category.MINOR})


_MINOR_SIGNALS = frozenset({"CN_RESIDENT_ID", "DATE_OF_BIRTH"})  # the only entities ``is_minor`` reads
# Per rules tuple, flow, entity and categories: the rules that may apply, in order (``_first_rule``).
_CANDIDATES: dict[
    tuple[int, str | None, str, frozenset[Category]], tuple[Sequence[Rule], tuple[Rule, ...]]
] = {}
_CANDIDATES_MAX = 4096


def _categories(
    record: JsonValue, finding: Finding, context: FlowContext, policy: Policy
) -> frozenset[Category]:
    categories = _CATEGORY_SETS.get(finding.entity)
    if categories is None:  # an entity the policy's tuning adds (an unknown one fails here)
        categories = frozenset({policy.tuning.category_of(finding.entity)})
    if finding.entity in _MINOR_SIGNALS and is_minor(record, finding, context.record_date):
        return categories | _MINOR
    return categories


def _flow_reasons(
    flow: Flow, context: FlowContext, policy: Policy, categories: frozenset[Category]
) -> list[str]:
    reasons: list[str] = []
    if not flow.contract.in_force_on(context.record_date):
        reasons.append(Reason.CONTRACT_NOT_IN_FORCE)
    contract = flow.contract
    where = (
        policy.organisations[flow.source].jurisdiction,
        policy.organisations[flow.destination].jurisdiction,
    )
    if crosses_boundary(*where) and categories & PERSONAL_CATEGORIES and not contract.is_legal_basis:
        reasons.append(Reason.NO_LEGAL_BASIS)
    if outside_gba(contract.kind, where):
        reasons.append(Reason.DESTINATION_OUTSIDE_GBA)
    elif kind_mismatch(contract.kind, where) is not None:
        reasons.append(Reason.CONTRACT_KIND_MISMATCH)
    if categories - set(flow.categories):
        reasons.append(Reason.CATEGORY_NOT_PERMITTED)
    if categories & SENSITIVE_CATEGORIES and not (flow.consent_for_sensitive and flow.impact_assessment):
        reasons.append(Reason.SENSITIVE_WITHOUT_CONSENT)
    return reasons


@dataclass(frozen=True, slots=True)
class FindingTrace:
    """What ``decide`` made of one finding: its categories, the rule that matched and why."""

    finding: Finding
    categories: tuple[str, ...]
    status: str  # "acted", "low_confidence" or "below_threshold"
    action: str | None  # allow, mask, quarantine, ignore; None when the finding played no part
    rule_id: str | None
    why: str

    def to_json(self) -> dict[str, object]:
        return {
            **self.finding.to_json(),
            "categories": list(self.categories),
            "status": self.status,
            "action": self.action,
            "rule": self.rule_id,
            "why": self.why,
        }


def _first_rule(
    finding: Finding,
    categories: frozenset[Category],
    flow_id: str | None,
    rules: Sequence[Rule],
    use_min_score: bool = True,
) -> Rule | None:
    """The first rule that applies to ``finding``: on its flow, above its score, listing its entity or
    one of its categories."""
    for rule in _candidates(finding.entity, categories, flow_id, rules):
        if use_min_score and finding.score < rule.min_score:
            continue
        return rule
    return None


def _candidates(
    entity: str, categories: frozenset[Category], flow_id: str | None, rules: Sequence[Rule]
) -> tuple[Rule, ...]:
    """The rules on flow ``flow_id`` listing ``entity`` or one of ``categories``, in order (remembered
    per rules tuple: a policy's rules never change, a reloaded policy has a tuple of its own)."""
    key = (id(rules), flow_id, entity, categories)
    found = _CANDIDATES.get(key)
    if found is not None and found[0] is rules:
        return found[1]
    matching = tuple(
        rule
        for rule in rules
        if not (rule.flows and flow_id not in rule.flows)
        and (entity in rule.entities or not categories.isdisjoint(rule.categories))
    )
    if not isinstance(rules, tuple):  # a list may change under the same id: not remembered
        return matching
    if len(_CANDIDATES) >= _CANDIDATES_MAX:
        _CANDIDATES.clear()
    _CANDIDATES[key] = (rules, matching)
    return matching


def _rule_for(
    finding: Finding,
    categories: frozenset[Category],
    flow_id: str | None,
    rules: Sequence[Rule],
    use_min_score: bool = True,
) -> tuple[Rule, str] | None:
    """``_first_rule``, and why it applies."""
    rule = _first_rule(finding, categories, flow_id, rules, use_min_score)
    if rule is None:
        return None
    scope = f" on flow {flow_id}" if rule.flows else ""
    if finding.entity in rule.entities:
        return rule, f"entity {finding.entity} listed{scope}"
    matched = sorted(categories.intersection(rule.categories))
    return rule, f"category {', '.join(matched)} listed{scope}"


def _by_confidence(
    findings: Sequence[Finding], policy: Policy
) -> tuple[list[Finding], list[Finding], list[Finding]]:
    """Findings at or above the policy's threshold, those left for review below it, the rest."""
    review = policy.review_threshold
    confident: list[Finding] = []
    uncertain: list[Finding] = []
    ignored: list[Finding] = []
    for f in findings:
        if f.score >= policy.score_threshold:
            confident.append(f)
        elif review is not None and f.score >= review:
            uncertain.append(f)
        else:
            ignored.append(f)
    return confident, uncertain, ignored


def decide(record: JsonValue, findings: Sequence[Finding], context: FlowContext, policy: Policy) -> Decision:
    """Route one decoded record to allow, mask or quarantine, with the reasons and rules that decided it."""
    return _decide(record, findings, context, policy, None)


def explain(
    record: JsonValue, findings: Sequence[Finding], context: FlowContext, policy: Policy
) -> tuple[Decision, tuple[FindingTrace, ...]]:
    """``decide``, with a trace of what happened to every finding (for people: the CLI and review)."""
    traces: list[FindingTrace] = []
    decision = _decide(record, findings, context, policy, traces)
    return decision, tuple(traces)


def _decide(
    record: JsonValue,
    findings: Sequence[Finding],
    context: FlowContext,
    policy: Policy,
    traces: list[FindingTrace] | None,
) -> Decision:
    """The one decision procedure; with ``traces``, it also says there what happened to each finding
    (the per-record path passes None and builds no explanation)."""
    confident, uncertain, ignored = _by_confidence(findings, policy)
    categorised = [(f, _categories(record, f, context, policy)) for f in confident]
    child = bool(confident or uncertain) and stated_child(record)  # an age under 14: a child's data
    if child:
        categorised = [(f, with_child(c)) for f, c in categorised]
    flow = policy.find_flow(context.source, context.destination, context.purpose)
    flow_id = flow.id if flow else None
    for f in ignored:
        category = policy.tuning.category_of(f.entity)  # an unknown entity fails here, explained or not
        if traces is not None:
            traces.append(
                FindingTrace(f, (category,), "below_threshold", None, None, "score below threshold")
            )

    def held(reasons: Sequence[str], rule_ids: Sequence[str] = (), untouched: str = "") -> Decision:
        if untouched and traces is not None:
            for finding, categories in categorised:
                traces.append(
                    FindingTrace(finding, tuple(sorted(categories)), "acted", None, None, untouched)
                )
        return Decision(
            Action.QUARANTINE, tuple(dict.fromkeys(reasons)), tuple(rule_ids), policy.version, flow_id=flow_id
        )

    if context.important_data:
        return held([Reason.IMPORTANT_DATA], untouched="record is important data")
    if policy.require_flow:
        if flow is None:
            return held([Reason.NO_FLOW], untouched="no filed flow")
        present: frozenset[Category] = frozenset().union(*(c for _, c in categorised))
        flow_reasons = _flow_reasons(flow, context, policy, present)
        if flow_reasons:
            return held(flow_reasons, untouched="flow checks failed: " + ", ".join(flow_reasons))

    reasons: list[str] = []
    quarantine_rules: list[str] = []
    mask_rules: list[str] = []
    masks: list[MaskInstruction] = []
    for finding, categories in categorised:
        if traces is None:
            rule = _first_rule(finding, categories, flow_id, policy.rules)
        else:
            match = _rule_for(finding, categories, flow_id, policy.rules)
            rule, why = match if match else (None, f"no rule matched: default_action {policy.default_action}")
        action = rule.action if rule else Action(policy.default_action)
        rule_id = rule.id if rule else "default"
        if traces is not None:
            traces.append(
                FindingTrace(finding, tuple(sorted(categories)), "acted", action.value, rule_id, why)
            )
        if action is Action.QUARANTINE:
            reasons.append(Reason.RULE_QUARANTINE)
            quarantine_rules.append(rule_id)
        elif action is Action.MASK and is_key_path(finding.path):  # a key cannot be masked: held
            reasons.append(Reason.PII_IN_KEY)
            quarantine_rules.append(rule_id)
        elif action is Action.MASK:
            spec = rule.operator if rule and rule.operator else policy.default_operator
            masks.append(MaskInstruction(finding, spec.name, tuple(sorted(spec.params.items()))))
            mask_rules.append(rule_id)
    for finding in uncertain:
        categories = _categories(record, finding, context, policy)
        if child:
            categories = with_child(categories)
        if traces is None:
            rule = _first_rule(finding, categories, flow_id, policy.rules, use_min_score=False)
            why = ""
        else:
            match = _rule_for(finding, categories, flow_id, policy.rules, use_min_score=False)
            rule, why = match if match else (None, "")
        if rule and rule.on_low_confidence:
            lc_action, rule_id, why = rule.on_low_confidence, rule.id, why + ": on_low_confidence"
        else:
            lc_action, rule_id, why = policy.low_confidence_action, "low_confidence_action", "policy default"
        if traces is not None:
            traces.append(
                FindingTrace(finding, tuple(sorted(categories)), "low_confidence", lc_action, rule_id, why)
            )
        if lc_action == "quarantine":
            reasons.append(Reason.LOW_CONFIDENCE)
            quarantine_rules.append(rule_id)
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
