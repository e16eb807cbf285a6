"""Policy loading: presets, the content-hash version, and refusals that name file, line and field."""

from __future__ import annotations

import hashlib
import re
from importlib import resources
from pathlib import Path

import pytest

from detectors.entities import ENTITIES
from rules.decision import Action
from rules.jurisdiction import ContractKind, Jurisdiction
from rules.operators import OPERATORS
from rules.policy import MAX_DEPTH, MAX_NODES, PRESETS, Policy, PolicyError, load_policy, parse_policy

VERSION = re.compile(r"sha256:[0-9a-f]{16}")
SOURCE = "synthetic.yaml"

# Line numbers matter below: every refusal test asserts the line it expects.
BASE = """\
name: refusals
organisations:
  gz-clinic: {name: GZ clinic, jurisdiction: guangzhou}
  hk-lab: {name: HK lab, jurisdiction: hong_kong}
flows:
  - id: research
    source: gz-clinic
    destination: hk-lab
    contract: {kind: gba_standard_contract, filing_reference: GD-HK-SC-T-1, in_force_from: 2025-01-01}
    purposes: [research]
    categories: [name, contact]
rules:
  - id: names-masked
    entities: [PERSON]
    action: mask
    operator: {name: partial, params: {keep_first: 1}}
"""


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _replace_line(text: str, number: int, new: str) -> str:
    lines = _lines(text)
    lines[number - 1] = new
    return "".join(lines)


def _insert_after(text: str, number: int, new: str) -> str:
    lines = _lines(text)
    lines.insert(number, new)
    return "".join(lines)


def _delete_line(text: str, number: int) -> str:
    lines = _lines(text)
    del lines[number - 1]
    return "".join(lines)


def _refusal(text: str | bytes, source: str = SOURCE) -> str:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(PolicyError) as caught:
        parse_policy(data, source)
    return str(caught.value)


# --- presets -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("preset", PRESETS)
def test_preset_loads(preset: str) -> None:
    policy = load_policy(preset)
    assert isinstance(policy, Policy)
    assert policy.name == preset
    assert VERSION.fullmatch(policy.version)


@pytest.mark.parametrize("preset", PRESETS)
def test_preset_version_is_the_hash_of_its_bytes(preset: str) -> None:
    raw = resources.files("rules.presets").joinpath(f"{preset}.yaml").read_bytes()
    assert load_policy(preset).version == "sha256:" + hashlib.sha256(raw).hexdigest()[:16]


@pytest.mark.parametrize("preset", PRESETS)
def test_preset_loaded_from_its_path_has_the_same_version(preset: str) -> None:
    path = Path(str(resources.files("rules.presets").joinpath(f"{preset}.yaml")))
    assert load_policy(path) == load_policy(preset)


def test_presets_have_different_versions() -> None:
    assert load_policy("gba-default").version != load_policy("mask-all").version


def test_gba_default_shape() -> None:
    policy = load_policy("gba-default")
    assert policy.require_flow is True
    assert policy.default_action == "mask"
    assert policy.default_operator.name == "type_tag"
    assert {flow.id for flow in policy.flows} >= {
        "tcm-research",
        "bank-credit",
        "insurance-claims",
        "supply-chain",
    }
    for flow in policy.flows:
        assert flow.source in policy.organisations
        assert flow.destination in policy.organisations
    for rule in policy.rules:
        assert set(rule.entities) <= ENTITIES
        if rule.action is Action.MASK:
            assert rule.operator is not None
            assert rule.operator.name in OPERATORS
    assert len({rule.id for rule in policy.rules}) == len(policy.rules)


def test_gba_default_contracts_match_their_parties() -> None:
    policy = load_policy("gba-default")
    kinds = {flow.id: flow.contract.kind for flow in policy.flows}
    assert kinds["tcm-research"] is ContractKind.GBA_STANDARD_CONTRACT
    assert kinds["insurance-claims"] is ContractKind.GBA_STANDARD_CONTRACT_MACAU
    macau = [org for org in policy.organisations.values() if org.jurisdiction is Jurisdiction.MACAU]
    assert macau


def test_mask_all_shape() -> None:
    policy = load_policy("mask-all")
    assert policy.require_flow is False
    assert policy.default_action == "mask"
    assert policy.default_operator.name == "type_tag"
    assert policy.flows == ()
    assert policy.rules == ()


# --- version -------------------------------------------------------------------------------------------


def test_version_format_and_value() -> None:
    policy = parse_policy(BASE.encode(), SOURCE)
    assert VERSION.fullmatch(policy.version)
    assert policy.version == "sha256:" + hashlib.sha256(BASE.encode()).hexdigest()[:16]


def test_version_is_independent_of_source_name() -> None:
    assert parse_policy(BASE.encode(), "a.yaml").version == parse_policy(BASE.encode(), "b.yaml").version


@pytest.mark.parametrize(
    "changed",
    [
        BASE + "# a comment changes the bytes\n",
        BASE.replace("keep_first: 1", "keep_first: 2"),
        BASE.replace("name: refusals", "name: refusals-2"),
        BASE + "\n",
    ],
)
def test_version_changes_when_content_changes(changed: str) -> None:
    assert parse_policy(changed.encode(), SOURCE).version != parse_policy(BASE.encode(), SOURCE).version


def test_version_in_file_is_ignored() -> None:
    text = BASE + "version: sha256:0000000000000000\n"
    policy = parse_policy(text.encode(), SOURCE)
    assert policy.version == "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:16]


def test_base_policy_parses() -> None:
    policy = parse_policy(BASE.encode(), SOURCE)
    assert policy.name == "refusals"
    assert policy.require_flow is True
    assert policy.score_threshold == 0.5
    assert policy.default_action == "quarantine"
    assert policy.flows[0].contract.kind is ContractKind.GBA_STANDARD_CONTRACT
    rule = policy.rules[0]
    assert rule.operator is not None
    assert rule.operator.params == {"keep_first": 1}


# --- refusals ------------------------------------------------------------------------------------------

REFUSALS = [
    pytest.param(
        BASE + "colour: blue\n", 17, "colour", "Extra inputs are not permitted", id="unknown-top-key"
    ),
    pytest.param(
        _insert_after(BASE, 11, "    region: south\n"),
        12,
        "flows.0.region",
        "Extra inputs are not permitted",
        id="unknown-flow-key",
    ),
    pytest.param(
        _replace_line(BASE, 14, "    entities: [PERSON, PASSPORT_NUMBER]\n"),
        14,
        "rules.0.entities",
        "unknown entity 'PASSPORT_NUMBER'",
        id="unknown-entity",
    ),
    pytest.param(
        _replace_line(BASE, 16, "    operator: {name: blur}\n"),
        16,
        "rules.0.operator",
        "unknown operator 'blur'",
        id="unknown-operator",
    ),
    pytest.param(
        _replace_line(BASE, 16, "    operator: {name: partial, params: {keep_first: -1}}\n"),
        16,
        "rules.0.operator",
        "operator parameter 'keep_first'",
        id="bad-operator-param",
    ),
    pytest.param(
        _replace_line(BASE, 16, "    operator: {name: pseudonym, params: {length: 4}}\n"),
        16,
        "rules.0.operator",
        "operator parameter 'length'",
        id="bad-pseudonym-length",
    ),
    pytest.param(
        _delete_line(BASE, 16), 13, "rules.0", "a mask rule needs an operator", id="mask-without-operator"
    ),
    pytest.param(
        _delete_line(BASE, 14),
        13,
        "rules.0",
        "a rule needs entities or categories",
        id="rule-without-entities",
    ),
    pytest.param(
        _replace_line(BASE, 15, "    action: delete\n"),
        15,
        "rules.0.action",
        "Input should be",
        id="bad-action",
    ),
    pytest.param(
        BASE + "  - id: second\n    categories: [contact]\n    min_score: 2\n    action: quarantine\n",
        19,
        "rules.1.min_score",
        "less than or equal to 1",
        id="bad-min-score",
    ),
    pytest.param(
        _replace_line(BASE, 8, "    destination: mo-lab\n"),
        8,
        "flows.0.destination",
        "unknown organisation 'mo-lab'",
        id="flow-unknown-destination",
    ),
    pytest.param(
        _replace_line(BASE, 7, "    source: sz-bank\n"),
        7,
        "flows.0.source",
        "unknown organisation 'sz-bank'",
        id="flow-unknown-source",
    ),
    pytest.param(
        _insert_after(BASE, 14, "    flows: [marketing]\n"),
        15,
        "rules.0.flows",
        "unknown flow 'marketing'",
        id="rule-unknown-flow",
    ),
    pytest.param(
        _replace_line(BASE, 4, "  hk-lab: {name: HK lab, jurisdiction: taipei}\n"),
        4,
        "organisations.hk-lab.jurisdiction",
        "Input should be 'guangzhou'",
        id="bad-jurisdiction",
    ),
    pytest.param(
        _replace_line(BASE, 9, "    contract: {kind: handshake, in_force_from: 2025-01-01}\n"),
        9,
        "flows.0.contract.kind",
        "Input should be",
        id="bad-contract-kind",
    ),
    pytest.param(
        _replace_line(BASE, 11, "    categories: [name, contacts]\n"),
        11,
        "flows.0.categories.1",
        "Input should be",
        id="bad-flow-category",
    ),
    pytest.param(
        BASE + "score_threshold: 1.5\n", 17, "score_threshold", "less than or equal to 1", id="bad-threshold"
    ),
    pytest.param(
        BASE + "default_action: shred\n", 17, "default_action", "Input should be", id="bad-default-action"
    ),
    pytest.param(_delete_line(BASE, 1), 1, "name", "Field required", id="missing-name"),
    # The contract: a legal basis, with its reference, of the version that fits where the parties are.
    pytest.param(
        _replace_line(BASE, 9, "    contract: {kind: gba_standard_contract, in_force_from: 2025-01-01}\n"),
        9,
        "flows.0.contract.filing_reference",
        "a gba_standard_contract needs its filing reference",
        id="gba-contract-without-filing-reference",
    ),
    pytest.param(
        _replace_line(
            BASE, 9, "    contract: {kind: certification, filing_reference: ' ', in_force_from: 2025-01-01}\n"
        ),
        9,
        "flows.0.contract.filing_reference",
        "a certification needs the certificate number",
        id="certification-without-reference",
    ),
    pytest.param(
        _replace_line(BASE, 9, "    contract: {kind: none, in_force_from: 2025-01-01}\n"),
        9,
        "flows.0.contract.kind",
        "personal information (contact, name) leaves the mainland (guangzhou -> hong_kong) "
        "with no legal basis",
        id="personal-information-without-legal-basis",
    ),
    pytest.param(
        _replace_line(
            BASE,
            9,
            "    contract: {kind: gba_standard_contract, filing_reference: R-1, in_force_from: 2025-06-01,\n"
            "      in_force_until: 2025-01-01}\n",
        ),
        10,
        "flows.0.contract.in_force_until",
        "2025-01-01 is before in_force_from 2025-06-01",
        id="end-before-start",
    ),
    pytest.param(
        _insert_after(
            BASE,
            11,
            "  - id: research\n    source: gz-clinic\n    destination: gz-clinic\n"
            "    contract: {kind: none, in_force_from: 2025-01-01}\n    purposes: [audit]\n"
            "    categories: [name]\n",
        ),
        12,
        "flows.1.id",
        "duplicate id 'research' (first at flows.0)",
        id="duplicate-flow-id",
    ),
    pytest.param(
        BASE + "  - id: names-masked\n    categories: [contact]\n    action: quarantine\n",
        17,
        "rules.1.id",
        "duplicate id 'names-masked' (first at rules.0)",
        id="duplicate-rule-id",
    ),
    pytest.param(
        _replace_line(BASE, 4, "  hk-lab: {name: Macau lab, jurisdiction: macau}\n"),
        9,
        "flows.0.contract.kind",
        "gba_standard_contract does not cover the destination hk-lab in macau; "
        "a party there needs gba_standard_contract_macau",
        id="hong-kong-contract-for-a-macau-recipient",
    ),
    pytest.param(
        _replace_line(BASE, 4, "  hk-lab: {name: Far lab, jurisdiction: elsewhere}\n"),
        8,
        "flows.0.destination",
        "hk-lab is elsewhere, outside the Greater Bay Area",
        id="gba-contract-for-a-recipient-outside-the-gba",
    ),
    pytest.param(
        _replace_line(BASE, 9, "    contract: {kind: exemption, in_force_from: 2025-01-01}\n"),
        9,
        "flows.0.contract.exemption",
        "kind exemption needs the case it relies on",
        id="exemption-without-its-case",
    ),
    pytest.param(
        _replace_line(
            _replace_line(BASE, 11, "    categories: [name, health]\n"),
            9,
            "    contract: {kind: exemption, exemption: small_volume, in_force_from: 2025-01-01}\n",
        ),
        9,
        "flows.0.contract.exemption",
        "small_volume does not cover sensitive personal information (health)",
        id="small-volume-exemption-for-health-data",
    ),
]

ACCEPTED_CONTRACTS = [
    pytest.param(
        _replace_line(BASE, 11, "    categories: [organisation]\n").replace(
            "{kind: gba_standard_contract, filing_reference: GD-HK-SC-T-1,", "{kind: none,"
        ),
        id="no-contract-for-organisations-only",
    ),
    pytest.param(
        _replace_line(BASE, 4, "  hk-lab: {name: SZ lab, jurisdiction: shenzhen}\n").replace(
            "{kind: gba_standard_contract, filing_reference: GD-HK-SC-T-1,", "{kind: none,"
        ),
        id="inside-the-mainland",
    ),
    pytest.param(
        _replace_line(BASE, 4, "  hk-lab: {name: Far lab, jurisdiction: elsewhere}\n").replace(
            "kind: gba_standard_contract,", "kind: security_assessment,"
        ),
        id="security-assessment-elsewhere",
    ),
    pytest.param(
        BASE.replace(
            "{kind: gba_standard_contract, filing_reference: GD-HK-SC-T-1,",
            "{kind: exemption, exemption: contract_performance,",
        ),
        id="exemption-with-its-case",
    ),
]


@pytest.mark.parametrize("text", ACCEPTED_CONTRACTS)
def test_a_flow_with_a_fitting_legal_basis_is_accepted(text: str) -> None:
    assert parse_policy(text.encode(), SOURCE).flows[0].id == "research"


@pytest.mark.parametrize(("text", "line", "field", "message"), REFUSALS)
def test_refusal_names_file_line_and_field(text: str, line: int, field: str, message: str) -> None:
    error = _refusal(text)
    assert error.startswith(f"{SOURCE}:{line}: field {field}: "), error
    assert message in error


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param(_replace_line(BASE, 7, "    source: gz-clinic: oops\n"), 7, id="mapping-in-scalar"),
        pytest.param(_replace_line(BASE, 14, "    entities: [PERSON\n"), 15, id="unclosed-flow-sequence"),
        pytest.param(
            _replace_line(BASE, 3, '  gz-clinic: {name: "GZ clinic, jurisdiction: guangzhou}\n'),
            17,
            id="unclosed-quote",
        ),
        pytest.param(_replace_line(BASE, 10, "\tpurposes: [research]\n"), 10, id="tab-indent"),
    ],
)
def test_yaml_syntax_error_names_file_and_line(text: str, line: int) -> None:
    error = _refusal(text)
    assert error.startswith(f"{SOURCE}:{line}: YAML syntax error: "), error


def test_non_utf8_names_file_and_byte() -> None:
    raw = BASE.encode().replace(b"GZ clinic", b"GZ clinic \xff")
    offset = raw.index(b"\xff")
    error = _refusal(raw)
    assert error.startswith(f"{SOURCE}:3: not UTF-8 "), error
    assert f"at byte {offset}" in error


def test_gbk_encoded_policy_is_refused() -> None:
    raw = BASE.replace("GZ clinic", "广州诊所").encode("gbk")
    assert _refusal(raw).startswith(f"{SOURCE}:3: not UTF-8 ")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("- name: a\n- name: b\n", id="list"),
        pytest.param("[refusals]\n", id="flow-list"),
        pytest.param("just a string\n", id="scalar"),
        pytest.param("", id="empty"),
        pytest.param("# only a comment\n", id="comment-only"),
    ],
)
def test_non_mapping_policy_is_refused(text: str) -> None:
    assert _refusal(text) == f"{SOURCE}:1: a policy is a mapping with at least 'name'"


def test_utf8_text_is_accepted() -> None:
    policy = parse_policy(BASE.replace("GZ clinic", "广州诊所").encode(), SOURCE)
    assert policy.organisations["gz-clinic"].name == "广州诊所"


def test_load_policy_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "custom.yaml"
    path.write_bytes(_replace_line(BASE, 16, "    operator: {name: blur}\n").encode())
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert str(caught.value).startswith(f"{path}:16: field rules.0.operator: ")


def test_load_policy_from_file(tmp_path: Path) -> None:
    path = tmp_path / "custom.yaml"
    path.write_bytes(BASE.encode())
    assert load_policy(path) == parse_policy(BASE.encode(), "anything")
    assert load_policy(str(path)).name == "refusals"


def test_load_policy_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(PolicyError, match=r"absent\.yaml: cannot read policy"):
        load_policy(path)


def test_policy_error_is_a_value_error() -> None:
    assert issubclass(PolicyError, ValueError)


# --- once bugs, now fixed ---


def test_impossible_date_is_a_policy_error() -> None:
    text = _replace_line(BASE, 9, "    contract: {kind: gba_standard_contract, in_force_from: 2025-02-30}\n")
    error = _refusal(text)
    assert error.startswith(f"{SOURCE}:9:"), error


def test_unknown_key_with_block_value_names_the_key_line() -> None:
    text = BASE + "extras:\n  owner: compliance\n"
    assert _refusal(text).startswith(f"{SOURCE}:17: field extras: ")


# --- every loader error names the file and line (and the field where there is one) ---


@pytest.mark.parametrize(
    ("raw", "line", "code"),
    [
        pytest.param(BASE.encode().replace(b"GZ clinic", b"GZ\x01clinic"), 3, "0001", id="control-character"),
        pytest.param(BASE.encode().replace(b"research]", b"research\x00]"), 10, "0000", id="nul"),
        pytest.param(BASE.encode().replace(b"HK lab", b"HK \x1b[31mlab"), 4, "001B", id="escape-sequence"),
        pytest.param(
            BASE.encode().replace(b"HK lab", "HK lab\ufffe".encode()), 4, "FFFE", id="non-character"
        ),
    ],
)
def test_reader_error_names_file_and_line(raw: bytes, line: int, code: str) -> None:
    error = _refusal(raw)
    assert error == f"{SOURCE}:{line}: YAML syntax error: character U+{code} is not allowed in YAML"


def test_escaped_lone_surrogate_names_file_line_and_field() -> None:
    text = _replace_line(BASE, 3, '  gz-clinic: {name: "GZ \\ud800 clinic", jurisdiction: guangzhou}\n')
    assert _refusal(text).startswith(f"{SOURCE}:3: field organisations.gz-clinic.name: a lone surrogate")


@pytest.mark.parametrize(
    ("text", "line", "field", "first"),
    [
        pytest.param(BASE + "name: second\n", 17, "name", 1, id="top-level"),
        pytest.param(
            _insert_after(BASE, 4, "  gz-clinic: {name: Other clinic, jurisdiction: macau}\n"),
            5,
            "organisations.gz-clinic",
            3,
            id="organisation",
        ),
        pytest.param(
            _insert_after(BASE, 15, "    action: allow\n"), 16, "rules.0.action", 15, id="rule-action"
        ),
        pytest.param(
            _replace_line(BASE, 3, "  gz-clinic: {name: GZ, name: GZ clinic, jurisdiction: guangzhou}\n"),
            3,
            "organisations.gz-clinic.name",
            3,
            id="flow-mapping",
        ),
        pytest.param(
            _replace_line(BASE, 15, "    'action': allow\n") + "    action: mask\n",
            17,
            "rules.0.action",
            15,
            id="quoted-and-plain",
        ),
    ],
)
def test_duplicate_key_is_refused_with_file_line_and_field(
    text: str, line: int, field: str, first: int
) -> None:
    key = field.rsplit(".", 1)[-1]
    error = _refusal(text)
    assert error == f"{SOURCE}:{line}: field {field}: duplicate key {key!r} (first at line {first})", error


def test_merge_key_may_be_overridden() -> None:
    assert parse_policy(
        ("<<: {require_flow: false}\nrequire_flow: true\n" + BASE).encode(), SOURCE
    ).require_flow


@pytest.mark.parametrize(
    "nested",
    [
        pytest.param("[" * 5000 + "]" * 5000, id="flow-lists"),
        pytest.param("{a: " * 5000 + "1" + "}" * 5000, id="flow-mappings"),
        pytest.param(
            "".join("\n" + "  " * (i + 1) + f"k{i}:" for i in range(1200)) + " 1", id="block-mappings"
        ),
    ],
)
def test_deep_nesting_names_file_line_and_field(nested: str) -> None:
    error = _refusal(f"{BASE}extras: {nested}\n")
    assert error.startswith(f"{SOURCE}:"), error
    assert ": field extras.0" in error or ": field extras.a" in error or ": field extras.k0" in error
    assert error.endswith(f"nested more than {MAX_DEPTH} levels deep"), error


def test_nesting_within_the_limit_reaches_validation() -> None:
    # The document is level 1, flows 2, its first item 3, purposes 4: 60 more lists reach the limit.
    nested = "[" * (MAX_DEPTH - 4) + "research" + "]" * (MAX_DEPTH - 4)
    error = _refusal(_replace_line(BASE, 10, f"    purposes: {nested}\n"))
    assert error.startswith(f"{SOURCE}:10: field flows.0.purposes.0: Input should be a valid string"), error
    deeper = "[" + nested + "]"
    error = _refusal(_replace_line(BASE, 10, f"    purposes: {deeper}\n"))
    assert error.endswith(f"nested more than {MAX_DEPTH} levels deep"), error


def test_deep_nesting_through_aliases_is_refused() -> None:
    text = (
        BASE
        + "x-a0: &a0 "
        + "[" * 40
        + "1"
        + "]" * 40
        + "\n"
        + "x-a1: &a1 "
        + "[" * 40
        + "*a0"
        + "]" * 40
        + "\n"
    )
    error = _refusal(text)
    assert error.startswith(f"{SOURCE}:18: field x-a1.0.0.0.0.0....: nested more than {MAX_DEPTH}"), error


def _laughs(levels: int, where: str) -> str:
    """A "billion laughs" document: each level an anchored list of nine aliases to the level below."""
    lines = ['x-l0: &l0 ["ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha"]\n']
    for level in range(1, levels):
        lines.append(f"x-l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]\n")
    return "".join(lines) + BASE.replace("purposes: [research]", f"purposes: {where}")


def test_alias_bomb_is_refused_before_it_expands() -> None:
    # Six levels: 9**6 = 531,441 strings once expanded. Refused by the loader, where it grows past the
    # limit (the first alias in x-l5), whatever field it would have landed in.
    error = _refusal(_laughs(6, "*l5"))
    assert error.startswith(f"{SOURCE}:6: field x-l5.0: more than {MAX_NODES:,} values"), error


def test_billion_laughs_is_refused() -> None:
    assert "more than" in _refusal(_laughs(10, "*l9"))


def test_small_aliases_are_fine() -> None:
    text = "x-purposes: &p [research]\n" + BASE.replace("purposes: [research]", "purposes: *p")
    assert "field x-purposes: Extra inputs are not permitted" in _refusal(text)  # the alias itself passed


def test_recursive_alias_is_refused() -> None:
    error = _refusal(BASE.replace("purposes: [research]", "purposes: &p [research, *p]"))
    assert error == f"{SOURCE}:10: field flows.0.purposes.1: alias *p is inside its own anchor", error
