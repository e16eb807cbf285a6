"""``decide``: one case per reason code, rule matching, thresholds, presets and determinism."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest

from detectors.entities import ENTITIES
from detectors.finding import Finding
from detectors.walker import JsonValue
from rules.decide import decide
from rules.decision import Action, Decision, FlowContext, MaskInstruction
from rules.jurisdiction import ContractKind
from rules.policy import Policy, load_policy, parse_policy
from rules.reasons import Reason

POLICY_TEXT = """\
name: decide-test
require_flow: true
score_threshold: 0.5
default_action: mask
default_operator: {name: type_tag}
organisations:
  gz-clinic: {name: GZ clinic (synthetic), jurisdiction: guangzhou}
  hk-lab: {name: HK lab (synthetic), jurisdiction: hong_kong}
  mo-lab: {name: Macau lab (synthetic), jurisdiction: macau}
  far-lab: {name: Far lab (synthetic), jurisdiction: elsewhere}
flows:
  - id: research
    source: gz-clinic
    destination: hk-lab
    contract:
      kind: gba_standard_contract
      filing_reference: GD-HK-SC-TEST-1
      in_force_from: 2025-01-01
      in_force_until: 2025-12-31
    purposes: [research]
    categories: [name, contact, health, identity_document, location]
    impact_assessment: true
    consent_for_sensitive: true
  - id: marketing
    source: gz-clinic
    destination: hk-lab
    contract: {kind: gba_standard_contract, filing_reference: GD-HK-SC-TEST-2, in_force_from: 2025-01-01}
    purposes: [marketing]
    categories: [name, contact, health, identity_document]
    impact_assessment: true
    consent_for_sensitive: false
  - id: analytics
    source: gz-clinic
    destination: hk-lab
    contract: {kind: gba_standard_contract, filing_reference: GD-HK-SC-TEST-3, in_force_from: 2025-01-01}
    purposes: [analytics]
    categories: [name, contact, health, identity_document]
    impact_assessment: false
    consent_for_sensitive: true
  - id: to-macau
    source: gz-clinic
    destination: mo-lab
    contract: {kind: gba_standard_contract_macau, filing_reference: GD-MO-SC-T4, in_force_from: 2025-01-01}
    purposes: [research]
    categories: [name]
  - id: to-elsewhere
    source: gz-clinic
    destination: far-lab
    contract: {kind: none, in_force_from: 2025-01-01}
    purposes: [research]
    categories: [organisation]
rules:
  - id: research-emails-held
    flows: [research]
    entities: [EMAIL_ADDRESS]
    action: quarantine
  - id: confident-phones-redacted
    entities: [PHONE_NUMBER]
    min_score: 0.9
    action: mask
    operator: {name: redact}
  - id: contact-partial
    categories: [contact]
    action: mask
    operator: {name: partial, params: {keep_first: 3, keep_last: 2}}
  - id: names-pseudonymised
    entities: [PERSON]
    action: mask
    operator: {name: pseudonym, params: {length: 12}}
  - id: names-tagged
    entities: [PERSON]
    action: mask
    operator: {name: type_tag}
  - id: locations-allowed
    categories: [location]
    action: allow
"""

POLICY = parse_policy(POLICY_TEXT.encode(), "decide-test.yaml")
GBA = load_policy("gba-default")
MASK_ALL = load_policy("mask-all")


def _unchecked(policy: Policy, **flows: dict[str, object]) -> Policy:
    """``policy`` with flows changed past the loader's checks (``policy check`` refuses them), to show
    the run-time reasons that still hold such records."""
    changed = []
    for flow in policy.flows:
        update = flows.get(flow.id)
        if update is not None:
            contract = flow.contract.model_copy(update=update.pop("contract", {}))
            flow = flow.model_copy(update={**update, "contract": contract})
        changed.append(flow)
    return policy.model_copy(update={"flows": tuple(changed)})


# A Hong Kong contract for the Macau lab (contract_kind_mismatch); a research feed to Hong Kong with no
# legal basis, and one with a GBA contract but no filing reference (no_legal_basis).
UNCHECKED = _unchecked(
    POLICY,
    **{
        "to-macau": {"contract": {"kind": ContractKind.GBA_STANDARD_CONTRACT}},
        "marketing": {"contract": {"kind": ContractKind.NONE, "filing_reference": None}},
        "analytics": {"contract": {"filing_reference": None}},
    },
)
POLICIES: dict[str, Policy] = {"test": POLICY, "gba": GBA, "unchecked": UNCHECKED}

DAY = date(2025, 6, 1)
RECORD: JsonValue = {"note": "synthetic record; findings are given explicitly"}


def ctx(
    source: str | None,
    destination: str | None,
    purpose: str | None,
    day: date = DAY,
    important: bool = False,
) -> FlowContext:
    return FlowContext(source, destination, purpose, day, important)


RESEARCH = ctx("gz-clinic", "hk-lab", "research")
MARKETING = ctx("gz-clinic", "hk-lab", "marketing")
ANALYTICS = ctx("gz-clinic", "hk-lab", "analytics")
TCM = ctx("gz-tcm-hospital", "hku-tcm-lab", "clinical_research")
BANK = ctx("sz-bank", "hk-bank-branch", "credit_assessment")
CLAIMS = ctx("zh-insurer", "mo-insurer", "claims_settlement")
SUPPLY = ctx("dg-factory", "hk-trading", "supply_chain")


def f(entity: str, score: float = 0.85, path: str = "note", start: int = 0, end: int = 4) -> Finding:
    return Finding(path, entity, start, end, score)


def run(policy: Policy, context: FlowContext, findings: Sequence[Finding]) -> Decision:
    return decide(RECORD, findings, context, policy)


# --- one case per reason code ---------------------------------------------------------------------------

REASON_CASES = [
    # no_flow
    pytest.param(
        "test", ctx("gz-clinic", "hk-lab", "sales"), [f("PERSON")], Reason.NO_FLOW, id="no_flow-purpose"
    ),
    pytest.param("test", ctx("hk-lab", "gz-clinic", "research"), [], Reason.NO_FLOW, id="no_flow-reverse"),
    pytest.param("test", ctx(None, None, None), [f("PERSON")], Reason.NO_FLOW, id="no_flow-no-headers"),
    pytest.param(
        "gba", ctx("sz-bank", "hku-tcm-lab", "credit_assessment"), [], Reason.NO_FLOW, id="no_flow-gba"
    ),
    # contract_not_in_force
    pytest.param(
        "test",
        ctx("gz-clinic", "hk-lab", "research", date(2024, 12, 31)),
        [f("PERSON")],
        Reason.CONTRACT_NOT_IN_FORCE,
        id="contract-before-from",
    ),
    pytest.param(
        "test",
        ctx("gz-clinic", "hk-lab", "research", date(2026, 1, 1)),
        [f("PERSON")],
        Reason.CONTRACT_NOT_IN_FORCE,
        id="contract-after-until",
    ),
    pytest.param(
        "gba",
        ctx("gz-tcm-hospital", "hku-tcm-lab", "clinical_research", date(2025, 2, 28)),
        [],
        Reason.CONTRACT_NOT_IN_FORCE,
        id="contract-before-from-gba",
    ),
    # destination_outside_gba
    pytest.param(
        "test",
        ctx("gz-clinic", "far-lab", "research"),
        [f("CN_USCC")],
        Reason.DESTINATION_OUTSIDE_GBA,
        id="elsewhere",
    ),
    # contract_kind_mismatch: not reported as destination_outside_gba
    pytest.param(
        "unchecked",
        ctx("gz-clinic", "mo-lab", "research"),
        [f("PERSON")],
        Reason.CONTRACT_KIND_MISMATCH,
        id="hk-contract-to-macau",
    ),
    # no_legal_basis
    pytest.param("unchecked", MARKETING, [f("PERSON")], Reason.NO_LEGAL_BASIS, id="kind-none-crossing"),
    pytest.param("unchecked", ANALYTICS, [f("PERSON")], Reason.NO_LEGAL_BASIS, id="gba-without-filing"),
    # category_not_permitted
    pytest.param("test", RESEARCH, [f("CN_BANK_CARD")], Reason.CATEGORY_NOT_PERMITTED, id="category-test"),
    pytest.param("test", MARKETING, [f("LOCATION")], Reason.CATEGORY_NOT_PERMITTED, id="category-location"),
    pytest.param("gba", BANK, [f("HEALTH_DATA")], Reason.CATEGORY_NOT_PERMITTED, id="category-gba"),
    # sensitive_without_consent
    pytest.param(
        "test", MARKETING, [f("HEALTH_DATA")], Reason.SENSITIVE_WITHOUT_CONSENT, id="no-consent-health"
    ),
    pytest.param(
        "test", MARKETING, [f("CN_RESIDENT_ID")], Reason.SENSITIVE_WITHOUT_CONSENT, id="no-consent-id"
    ),
    pytest.param(
        "test", ANALYTICS, [f("HEALTH_DATA")], Reason.SENSITIVE_WITHOUT_CONSENT, id="no-impact-health"
    ),
    pytest.param("test", ANALYTICS, [f("HK_ID_CARD")], Reason.SENSITIVE_WITHOUT_CONSENT, id="no-impact-id"),
    # important_data
    pytest.param(
        "test",
        ctx("gz-clinic", "hk-lab", "research", important=True),
        [],
        Reason.IMPORTANT_DATA,
        id="important",
    ),
    pytest.param(
        "gba",
        ctx("zh-insurer", "mo-insurer", "claims_settlement", important=True),
        [f("PERSON")],
        Reason.IMPORTANT_DATA,
        id="important-gba",
    ),
    # rule_quarantine
    pytest.param("test", RESEARCH, [f("EMAIL_ADDRESS")], Reason.RULE_QUARANTINE, id="rule-quarantine"),
    # rule_mask
    pytest.param("test", RESEARCH, [f("PERSON")], Reason.RULE_MASK, id="rule-mask"),
    pytest.param("test", RESEARCH, [f("HEALTH_DATA")], Reason.RULE_MASK, id="rule-mask-default"),
    pytest.param("gba", BANK, [f("PERSON")], Reason.RULE_MASK, id="rule-mask-gba"),
    pytest.param("gba", CLAIMS, [f("PHONE_NUMBER")], Reason.RULE_MASK, id="rule-mask-gba-macau"),
    pytest.param("gba", SUPPLY, [f("CN_USCC")], Reason.RULE_MASK, id="rule-mask-gba-no-contract"),
]


@pytest.mark.parametrize(("policy", "context", "findings", "reason"), REASON_CASES)
def test_reason(policy: str, context: FlowContext, findings: list[Finding], reason: Reason) -> None:
    decision = run(POLICIES[policy], context, findings)
    assert decision.reasons == (reason,)
    expected = Action.MASK if reason is Reason.RULE_MASK else Action.QUARANTINE
    assert decision.action is expected
    assert decision.policy_version == POLICIES[policy].version
    if expected is Action.QUARANTINE:
        assert decision.masks == ()


def test_every_reason_decide_produces_is_covered() -> None:
    covered = {case.values[3] for case in REASON_CASES}
    assert covered == {
        Reason.NO_FLOW,
        Reason.CONTRACT_NOT_IN_FORCE,
        Reason.NO_LEGAL_BASIS,
        Reason.DESTINATION_OUTSIDE_GBA,
        Reason.CONTRACT_KIND_MISMATCH,
        Reason.CATEGORY_NOT_PERMITTED,
        Reason.SENSITIVE_WITHOUT_CONSENT,
        Reason.IMPORTANT_DATA,
        Reason.RULE_QUARANTINE,
        Reason.RULE_MASK,
    }


@pytest.mark.parametrize("day", [date(2025, 1, 1), date(2025, 12, 31)])
def test_contract_bounds_are_inclusive(day: date) -> None:
    decision = run(POLICY, ctx("gz-clinic", "hk-lab", "research", day), [])
    assert decision.action is Action.ALLOW


def test_flow_reasons_accumulate() -> None:
    late = ctx("gz-clinic", "hk-lab", "marketing", date(2024, 6, 1))
    decision = run(POLICY, late, [f("CN_BANK_CARD")])
    assert decision.action is Action.QUARANTINE
    assert decision.reasons == (
        Reason.CONTRACT_NOT_IN_FORCE,
        Reason.CATEGORY_NOT_PERMITTED,
        Reason.SENSITIVE_WITHOUT_CONSENT,
    )
    assert decision.rule_ids == ()
    assert decision.flow_id == "marketing"


def test_important_data_wins_over_no_flow() -> None:
    decision = run(POLICY, ctx(None, None, None, important=True), [f("PERSON")])
    assert decision.reasons == (Reason.IMPORTANT_DATA,)


def test_no_flow_has_no_flow_id() -> None:
    assert run(POLICY, ctx("x", "y", "z"), []).flow_id is None


# --- allow, thresholds, rule matching -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "context"),
    [
        ("test", RESEARCH),
        ("test", MARKETING),
        ("test", ANALYTICS),
        ("gba", TCM),
        ("gba", BANK),
        ("gba", SUPPLY),
    ],
)
def test_allow_without_findings(policy: str, context: FlowContext) -> None:
    decision = run(POLICIES[policy], context, [])
    assert decision == Decision(Action.ALLOW, (), (), POLICIES[policy].version, (), decision.flow_id)
    assert decision.flow_id is not None


def test_findings_below_threshold_are_ignored() -> None:
    weak = [f("PERSON", 0.49), f("EMAIL_ADDRESS", 0.2), f("CN_BANK_CARD", 0.1), f("HEALTH_DATA", 0.3)]
    # Ignored everywhere: no rule, no category check and no consent check sees them.
    assert run(POLICY, RESEARCH, weak).action is Action.ALLOW
    assert run(POLICY, MARKETING, weak).action is Action.ALLOW
    assert run(GBA, SUPPLY, weak).action is Action.ALLOW


def test_finding_at_threshold_counts() -> None:
    decision = run(POLICY, RESEARCH, [f("PERSON", 0.5)])
    assert decision.action is Action.MASK


def test_first_matching_rule_wins() -> None:
    decision = run(POLICY, RESEARCH, [f("PERSON")])
    assert decision.rule_ids == ("names-pseudonymised",)
    assert decision.masks == (MaskInstruction(f("PERSON"), "pseudonym", (("length", 12),)),)


def test_flow_scoped_rule_applies_on_its_flow() -> None:
    decision = run(POLICY, RESEARCH, [f("EMAIL_ADDRESS"), f("PERSON")])
    assert decision.action is Action.QUARANTINE
    assert decision.reasons == (Reason.RULE_QUARANTINE,)
    assert decision.rule_ids == ("research-emails-held",)
    assert decision.flow_id == "research"


def test_flow_scoped_rule_skipped_on_other_flows() -> None:
    decision = run(POLICY, MARKETING, [f("EMAIL_ADDRESS")])
    assert decision.action is Action.MASK
    assert decision.rule_ids == ("contact-partial",)
    assert decision.masks[0].operator == "partial"
    assert decision.masks[0].params == (("keep_first", 3), ("keep_last", 2))


def test_gba_flow_scoped_pseudonym_only_for_research() -> None:
    research = run(GBA, TCM, [f("PERSON")])
    bank = run(GBA, BANK, [f("PERSON")])
    assert research.rule_ids == ("research-names-pseudonymised",)
    assert research.masks[0].operator == "pseudonym"
    assert bank.rule_ids == ("names-masked",)
    assert bank.masks[0].operator == "partial"


@pytest.mark.parametrize(
    ("score", "rule", "operator"),
    [
        (0.95, "confident-phones-redacted", "redact"),
        (0.9, "confident-phones-redacted", "redact"),
        (0.89, "contact-partial", "partial"),
        (0.6, "contact-partial", "partial"),
    ],
)
def test_rule_min_score(score: float, rule: str, operator: str) -> None:
    decision = run(POLICY, MARKETING, [f("PHONE_NUMBER", score)])
    assert decision.rule_ids == (rule,)
    assert decision.masks[0].operator == operator


def test_default_action_and_operator_apply_without_a_rule() -> None:
    decision = run(POLICY, RESEARCH, [f("HEALTH_DATA")])
    assert decision.rule_ids == ("default",)
    assert decision.masks == (MaskInstruction(f("HEALTH_DATA"), "type_tag", ()),)


def test_allow_rule_lets_a_finding_through() -> None:
    assert run(POLICY, RESEARCH, [f("LOCATION")]).action is Action.ALLOW
    decision = run(POLICY, RESEARCH, [f("LOCATION"), f("PERSON", start=10, end=14)])
    assert decision.action is Action.MASK
    assert [m.finding.entity for m in decision.masks] == ["PERSON"]


def test_default_quarantine_records_default_rule() -> None:
    text = POLICY_TEXT.replace("default_action: mask", "default_action: quarantine")
    policy = parse_policy(text.encode(), "q.yaml")
    decision = run(policy, RESEARCH, [f("HEALTH_DATA")])
    assert decision.action is Action.QUARANTINE
    assert decision.reasons == (Reason.RULE_QUARANTINE,)
    assert decision.rule_ids == ("default",)


def test_default_allow_lets_unmatched_findings_through() -> None:
    text = POLICY_TEXT.replace("default_action: mask", "default_action: allow")
    policy = parse_policy(text.encode(), "a.yaml")
    assert run(policy, RESEARCH, [f("HEALTH_DATA")]).action is Action.ALLOW


def test_decision_carries_version_and_fired_rule_ids_in_order() -> None:
    findings = [
        f("PERSON", start=0, end=4),
        f("PHONE_NUMBER", 0.95, start=5, end=16),
        f("PERSON", start=20, end=24),
        f("HEALTH_DATA", start=50, end=55),
    ]
    decision = run(POLICY, RESEARCH, findings)
    assert decision.policy_version == POLICY.version
    assert decision.rule_ids == ("names-pseudonymised", "confident-phones-redacted", "default")
    assert decision.reasons == (Reason.RULE_MASK,)
    assert [m.finding for m in decision.masks] == findings
    assert decision.to_json() == {
        "decision": "mask",
        "reasons": ["rule_mask"],
        "rules": ["names-pseudonymised", "confident-phones-redacted", "default"],
        "policy_version": POLICY.version,
        "flow": "research",
    }


def test_quarantine_rule_ids_exclude_mask_rules() -> None:
    decision = run(POLICY, RESEARCH, [f("PERSON"), f("EMAIL_ADDRESS"), f("EMAIL_ADDRESS", start=9, end=20)])
    assert decision.rule_ids == ("research-emails-held",)
    assert decision.reasons == (Reason.RULE_QUARANTINE,)


def test_policy_version_follows_policy_content() -> None:
    other = parse_policy((POLICY_TEXT + "# edited\n").encode(), "decide-test.yaml")
    assert run(other, RESEARCH, []).policy_version == other.version != POLICY.version


# --- mask-all -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("entity", sorted(ENTITIES))
@pytest.mark.parametrize(
    "context", [ctx(None, None, None), ctx("anyone", "anywhere", "anything", date(1999, 1, 1))]
)
def test_mask_all_masks_every_entity_with_type_tag_without_a_flow(entity: str, context: FlowContext) -> None:
    finding = f(entity)
    decision = decide(RECORD, [finding], context, MASK_ALL)
    assert decision.action is Action.MASK
    assert decision.reasons == (Reason.RULE_MASK,)
    assert decision.masks == (MaskInstruction(finding, "type_tag", ()),)
    assert decision.rule_ids == ("default",)
    assert decision.policy_version == MASK_ALL.version
    assert decision.flow_id is None


def test_mask_all_masks_all_findings() -> None:
    findings = [f(entity, start=i * 10, end=i * 10 + 5) for i, entity in enumerate(sorted(ENTITIES))]
    decision = decide(RECORD, findings, ctx(None, None, None), MASK_ALL)
    assert [m.finding for m in decision.masks] == findings
    assert {m.operator for m in decision.masks} == {"type_tag"}


def test_mask_all_allows_a_clean_record_without_a_flow() -> None:
    decision = decide(RECORD, [], ctx(None, None, None), MASK_ALL)
    assert decision.action is Action.ALLOW


def test_mask_all_still_holds_important_data() -> None:
    decision = decide(RECORD, [f("PERSON")], ctx(None, None, None, important=True), MASK_ALL)
    assert decision.reasons == (Reason.IMPORTANT_DATA,)


# --- determinism ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("policy", "context", "findings", "reason"), REASON_CASES)
def test_deterministic(policy: str, context: FlowContext, findings: list[Finding], reason: Reason) -> None:
    first = decide(RECORD, findings, context, POLICIES[policy])
    second = decide(RECORD, list(findings), context, POLICIES[policy])
    assert first == second


def test_deterministic_across_policy_reloads() -> None:
    findings = [f("PERSON"), f("PHONE_NUMBER", 0.95, start=5, end=16), f("HEALTH_DATA", start=20, end=30)]
    reloaded = parse_policy(POLICY_TEXT.encode(), "elsewhere.yaml")
    assert run(POLICY, RESEARCH, findings) == run(reloaded, RESEARCH, findings)


def test_decide_does_not_mutate_inputs() -> None:
    findings = [f("PERSON"), f("HEALTH_DATA", 0.2)]
    snapshot = list(findings)
    record: JsonValue = {"note": "synthetic", "items": [1, "two"]}
    decide(record, findings, RESEARCH, POLICY)
    assert findings == snapshot
    assert record == {"note": "synthetic", "items": [1, "two"]}


@pytest.mark.parametrize("context", [TCM, CLAIMS], ids=["research", "claims"])
def test_gba_default_lets_health_data_through_on_the_flows_that_are_for_it(context: FlowContext) -> None:
    decision = run(POLICIES["gba"], context, [f("HEALTH_DATA")])
    assert decision.action is Action.ALLOW and decision.reasons == ()


def test_gba_default_holds_health_data_on_a_flow_not_filed_for_it() -> None:
    decision = run(POLICIES["gba"], BANK, [f("HEALTH_DATA")])
    assert decision.action is Action.QUARANTINE and Reason.CATEGORY_NOT_PERMITTED in decision.reasons


# --- legal bases ------------------------------------------------------------------------------------------


def test_personal_information_on_a_flow_without_a_legal_basis_is_held_not_masked() -> None:
    """The preset's supply-chain feed (Dongguan -> Hong Kong, no contract) is for organisations: a name in
    it leaves the mainland with no legal basis, and masking it would not give it one."""
    decision = run(GBA, SUPPLY, [f("PERSON")])
    assert decision.action is Action.QUARANTINE
    assert decision.reasons == (Reason.NO_LEGAL_BASIS, Reason.CATEGORY_NOT_PERMITTED)


def test_a_legal_basis_other_than_a_gba_contract_reaches_elsewhere() -> None:
    assessed = _unchecked(
        POLICY,
        **{
            "to-elsewhere": {
                "contract": {"kind": ContractKind.SECURITY_ASSESSMENT, "filing_reference": "CAC-SA-TEST-9"},
                "categories": ("name",),
            }
        },
    )
    decision = run(assessed, ctx("gz-clinic", "far-lab", "research"), [f("PERSON")])
    assert decision.reasons == (Reason.RULE_MASK,)


def test_a_mismatched_contract_is_not_reported_as_outside_the_gba() -> None:
    decision = run(UNCHECKED, ctx("gz-clinic", "mo-lab", "research"), [])
    assert decision.reasons == (Reason.CONTRACT_KIND_MISMATCH,)
    assert Reason.DESTINATION_OUTSIDE_GBA not in decision.reasons
