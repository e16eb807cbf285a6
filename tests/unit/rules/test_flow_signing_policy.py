"""Signed flows in the policy: require_signature per flow (or by default), an organisation's way of being
verified, and refusals that name the file, line and field."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from rules.policy import PolicyError, parse_policy

PUBLIC = base64.b64encode(Ed25519PrivateKey.generate().public_key().public_bytes_raw()).decode()

# Line numbers matter: the refusals below name them.
SIGNED = f"""\
name: signed
organisations:
  gz-clinic:
    name: GZ clinic
    jurisdiction: guangzhou
    signing: hmac-sha256
  sz-bank:
    name: SZ bank
    jurisdiction: shenzhen
    signing: ed25519
    public_keys:
      sz-bank: {PUBLIC}
      sz-bank:2027: {PUBLIC}
  hk-lab: {{name: HK lab, jurisdiction: hong_kong}}
flows:
  - id: research
    source: gz-clinic
    destination: hk-lab
    contract: {{kind: gba_standard_contract, filing_reference: GD-HK-SC-T-1, in_force_from: 2025-01-01}}
    purposes: [research]
    categories: [name]
    require_signature: true
  - id: credit
    source: sz-bank
    destination: hk-lab
    contract: {{kind: gba_standard_contract, filing_reference: GD-HK-SC-T-2, in_force_from: 2025-01-01}}
    purposes: [credit]
    categories: [name]
  - id: back
    source: hk-lab
    destination: gz-clinic
    contract: {{kind: gba_standard_contract, filing_reference: GD-HK-SC-T-3, in_force_from: 2025-01-01}}
    purposes: [research]
    categories: [name]
"""


def _load(text: str) -> object:
    return parse_policy(text.encode(), "signed.yaml")


def test_a_signed_policy_loads_and_says_which_flows_require_signatures() -> None:
    policy = parse_policy(SIGNED.encode(), "signed.yaml")
    research, credit, _back = policy.flows
    assert policy.signature_required(research) and not policy.signature_required(credit)
    assert not policy.signature_required(None)
    assert policy.organisations["sz-bank"].public_key("sz-bank:2027") == base64.b64decode(PUBLIC)
    assert policy.organisations["gz-clinic"].public_key("gz-clinic") is None


def test_the_policy_default_applies_where_a_flow_says_nothing() -> None:
    text = SIGNED.replace("name: signed\n", "name: signed\nrequire_signature: true\n")
    text = text.replace(
        "    categories: [name]\n  - id: back",
        "    categories: [name]\n    require_signature: false\n  - id: back",
    )
    text += "    require_signature: false\n"
    policy = parse_policy(text.encode(), "signed.yaml")
    research, credit, _back = policy.flows
    assert policy.signature_required(research) and not policy.signature_required(credit)
    assert policy.signature_required(None)


REFUSALS = [
    pytest.param(
        SIGNED.replace("    signing: hmac-sha256\n", ""),
        "signed.yaml:21: field flows.0.require_signature: the source gz-clinic cannot be verified",
        id="required_without_a_way_to_verify",
    ),
    pytest.param(
        SIGNED.replace("name: signed\n", "name: signed\nrequire_signature: true\n"),
        "signed.yaml:30: field flows.2.require_signature: the source hk-lab cannot be verified",
        id="default_required_without_a_way_to_verify",
    ),
    pytest.param(
        SIGNED.replace(f"      sz-bank: {PUBLIC}", "      sz-bank: bm90LWEta2V5"),
        "signed.yaml:12: field organisations.sz-bank.public_keys.sz-bank: not an Ed25519 public key",
        id="bad_public_key",
    ),
    pytest.param(
        SIGNED.replace(f"      sz-bank: {PUBLIC}", "      sz-bank: '%%%'"),
        "signed.yaml:12: field organisations.sz-bank.public_keys.sz-bank: not an Ed25519 public key",
        id="public_key_not_base64",
    ),
    pytest.param(
        SIGNED.replace(f"      sz-bank:2027: {PUBLIC}", f"      gz-clinic: {PUBLIC}"),
        "signed.yaml:13: field organisations.sz-bank.public_keys.gz-clinic: a key id is sz-bank or sz-bank:",
        id="public_key_of_another_organisation",
    ),
    pytest.param(
        SIGNED.replace("    signing: ed25519\n", ""),
        "signed.yaml:10: field organisations.sz-bank.public_keys: only an organisation with signing: ed25519",
        id="public_keys_without_ed25519",
    ),
    pytest.param(
        SIGNED.replace(f"    public_keys:\n      sz-bank: {PUBLIC}\n      sz-bank:2027: {PUBLIC}\n", ""),
        "signed.yaml:7: field organisations.sz-bank.public_keys: signing ed25519 needs at least one",
        id="ed25519_without_public_keys",
    ),
    pytest.param(
        SIGNED.replace("signing: hmac-sha256", "signing: hmac-md5"),
        "signed.yaml:6: field organisations.gz-clinic.signing: Input should be 'hmac-sha256' or 'ed25519'",
        id="unknown_algorithm",
    ),
    pytest.param(
        SIGNED.replace("    require_signature: true\n", "    require_signatures: true\n"),
        "signed.yaml:22: field flows.0.require_signatures: Extra inputs are not permitted",
        id="misspelt_field",
    ),
    pytest.param(
        SIGNED.replace(
            "    signing: hmac-sha256\n", "    signing: hmac-sha256\n    secret: s3cr3t-in-the-policy\n"
        ),
        "signed.yaml:7: field organisations.gz-clinic.secret: Extra inputs are not permitted",
        id="no_secret_in_the_policy",
    ),
    pytest.param(
        SIGNED.replace("gz-clinic", "gz:clinic"),
        "field organisations.gz:clinic.signing: the id of an organisation that signs has no ':'",
        id="colon_in_a_signing_organisation",
    ),
]


@pytest.mark.parametrize(("text", "message"), REFUSALS)
def test_refusals_name_file_line_and_field(text: str, message: str) -> None:
    with pytest.raises(PolicyError) as refused:
        _load(text)
    assert message in str(refused.value)
