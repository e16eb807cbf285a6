"""Signed flow headers: what a signature covers, every way one fails, and the inspector holding such records
as flow_unauthenticated (synthetic keys and records only)."""

from __future__ import annotations

import json
import logging
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from customs import headers as h
from customs.factory import build_inspector
from customs.flow_keys import FlowKeys, load_flow_key, new_ed25519_key, new_hmac_key, public_key_text
from customs.flow_signature import (
    ED25519,
    HMAC_SHA256,
    FlowKey,
    Unauthenticated,
    check,
    parse,
    sign,
    sign_headers,
    signed_message,
)
from customs.inspection import Inspector, Origin, flow_context
from customs.settings import Settings
from rules.policy import Policy, parse_policy

HOSPITAL = "gz-tcm-hospital"
BANK = "sz-bank"
HOSPITAL_SECRET = b"hospital-secret-0123456789-abcdefghijkl"
OTHER_SECRET = b"factory-secret-0123456789-abcdefghijklm"
BANK_KEY = Ed25519PrivateKey.generate()
VALUE = json.dumps({"id": "v-1", "note": "复诊，舌淡苔白"}, ensure_ascii=False).encode()
RESEARCH = {h.SOURCE: HOSPITAL, h.DESTINATION: "hku-tcm-lab", h.PURPOSE: "clinical_research"}
CREDIT = {h.SOURCE: BANK, h.DESTINATION: "hk-bank-branch", h.PURPOSE: "credit_assessment"}
HMAC_KEY = FlowKey(HOSPITAL, HMAC_SHA256, secret=HOSPITAL_SECRET)
ED_KEY = FlowKey(BANK, ED25519, private_key=BANK_KEY)
ORIGIN = Origin("customs.inbound", 0, 7)
DAY = date(2026, 5, 1)


def _keys(algorithm: str, key_id: str) -> bytes | None:
    """The gateway's view: the hospital's HMAC secret, the bank's Ed25519 public key."""
    if algorithm == HMAC_SHA256 and key_id == HOSPITAL:
        return HOSPITAL_SECRET
    if algorithm == HMAC_SHA256 and key_id == "dg-factory":
        return OTHER_SECRET
    if algorithm == ED25519 and key_id == BANK:
        return BANK_KEY.public_key().public_bytes_raw()
    return None


def _signed(headers: dict[str, str], key: FlowKey, value: bytes = VALUE) -> dict[str, str]:
    return h.as_text(sign_headers(value, headers, key))


@pytest.mark.parametrize(
    ("headers", "key"), [(RESEARCH, HMAC_KEY), (CREDIT, ED_KEY)], ids=["hmac", "ed25519"]
)
def test_a_signed_record_verifies(headers: dict[str, str], key: FlowKey) -> None:
    signed = _signed(headers, key)
    assert signed[h.SIGNATURE].startswith(f"v1.{key.algorithm}.{key.key_id}.")
    assert check(signed, VALUE, True, _keys) is None
    assert check(signed, VALUE, False, _keys) is None


def _tampered(name: str, key: FlowKey, base: dict[str, str]) -> tuple[dict[str, str], bytes]:
    signed = _signed(base, key)
    value = VALUE
    if name == "destination":
        signed[h.DESTINATION] = "mo-insurer"
    elif name == "purpose":
        signed[h.PURPOSE] = "marketing"
    elif name == "important_data_added":
        signed[h.IMPORTANT_DATA] = "false"
    elif name == "value":
        value = VALUE.replace("舌淡".encode(), "舌红".encode())
    elif name == "value_one_byte_more":
        value = VALUE + b" "
    elif name == "replayed_onto_another_flow":
        signed[h.DESTINATION], signed[h.PURPOSE] = "mo-insurer", "claims_settlement"
    return signed, value


CHANGES = [
    "destination",
    "purpose",
    "important_data_added",
    "value",
    "value_one_byte_more",
    "replayed_onto_another_flow",
]


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize(("base", "key"), [(RESEARCH, HMAC_KEY), (CREDIT, ED_KEY)], ids=["hmac", "ed25519"])
def test_any_change_to_headers_or_value_breaks_the_signature(
    change: str, base: dict[str, str], key: FlowKey
) -> None:
    headers, value = _tampered(change, key, base)
    assert check(headers, value, True, _keys) is Unauthenticated.MISMATCH
    assert check(headers, value, False, _keys) is Unauthenticated.MISMATCH  # present: always checked


def test_dropping_the_important_data_header_breaks_the_signature() -> None:
    signed = _signed({**RESEARCH, h.IMPORTANT_DATA: "true"}, HMAC_KEY)
    assert check(signed, VALUE, True, _keys) is None
    del signed[h.IMPORTANT_DATA]
    assert check(signed, VALUE, True, _keys) is Unauthenticated.MISMATCH


def test_a_changed_source_names_another_organisation_than_the_key() -> None:
    signed = _signed(RESEARCH, HMAC_KEY)
    signed[h.SOURCE] = "dg-factory"
    assert check(signed, VALUE, True, _keys) is Unauthenticated.NOT_SOURCE


def test_a_key_of_another_organisation_never_vouches() -> None:
    # The factory signs with its own (valid) key a record claiming to come from the hospital.
    factory = FlowKey("dg-factory", HMAC_SHA256, secret=OTHER_SECRET)
    signature = sign(RESEARCH, VALUE, factory)
    forged = {**RESEARCH, h.SIGNATURE: signature.header()}
    assert check(forged, VALUE, True, _keys) is Unauthenticated.NOT_SOURCE
    # ... or its secret under the hospital's key id: the tag does not verify.
    wrong = FlowKey(HOSPITAL, HMAC_SHA256, secret=OTHER_SECRET)
    assert check(_signed(RESEARCH, wrong), VALUE, True, _keys) is Unauthenticated.MISMATCH
    # ... nor does another Ed25519 key under the bank's key id.
    stranger = FlowKey(BANK, ED25519, private_key=Ed25519PrivateKey.generate())
    assert check(_signed(CREDIT, stranger), VALUE, True, _keys) is Unauthenticated.MISMATCH


def test_the_producer_helper_refuses_a_key_of_another_organisation() -> None:
    with pytest.raises(ValueError, match="not a key of customs-source"):
        sign_headers(VALUE, CREDIT, HMAC_KEY)


def _garble(header: str) -> str:
    last = header[-1]
    return header[:-1] + ("A" if last != "A" else "B")


GARBLED = [
    pytest.param(lambda s: s[:-10], Unauthenticated.MALFORMED, id="truncated"),
    pytest.param(lambda s: s + "AAAA", Unauthenticated.MALFORMED, id="too_long"),
    pytest.param(
        lambda s: s.rsplit(".", 1)[0] + ".!!!not*base64", Unauthenticated.MALFORMED, id="not_base64"
    ),
    pytest.param(lambda s: s + "==", Unauthenticated.MALFORMED, id="padded"),
    pytest.param(lambda s: "garbage", Unauthenticated.MALFORMED, id="garbage"),
    pytest.param(lambda s: "", Unauthenticated.MALFORMED, id="empty"),
    pytest.param(lambda s: s.replace("v1.", "v2.", 1), Unauthenticated.UNSUPPORTED, id="version"),
    pytest.param(
        lambda s: s.replace("hmac-sha256", "hmac-md5", 1), Unauthenticated.UNSUPPORTED, id="algorithm"
    ),
    pytest.param(lambda s: s.replace("hmac-sha256", "ed25519", 1), Unauthenticated.MALFORMED, id="alg_swap"),
    pytest.param(
        lambda s: s.replace(HOSPITAL, f"{HOSPITAL}:2031", 1), Unauthenticated.UNKNOWN_KEY, id="label"
    ),
    pytest.param(_garble, Unauthenticated.MISMATCH, id="last_character"),
    pytest.param(lambda s: s + "\u00e9", Unauthenticated.MALFORMED, id="not_ascii"),
]


@pytest.mark.parametrize(("garble", "expected"), GARBLED)
def test_a_truncated_or_garbled_signature_is_refused(garble: object, expected: Unauthenticated) -> None:
    signed = _signed(RESEARCH, HMAC_KEY)
    signed[h.SIGNATURE] = garble(signed[h.SIGNATURE])  # type: ignore[operator]
    assert check(signed, VALUE, True, _keys) is expected
    assert check(signed, VALUE, False, _keys) is expected


def test_an_absent_signature_fails_only_where_required() -> None:
    assert check(dict(RESEARCH), VALUE, True, _keys) is Unauthenticated.MISSING
    assert check(dict(RESEARCH), VALUE, False, _keys) is None


def test_a_repeated_signature_header_with_two_values_is_unreadable() -> None:
    signed = sign_headers(VALUE, RESEARCH, HMAC_KEY)
    other = sign_headers(VALUE + b"x", RESEARCH, HMAC_KEY)[-1]
    assert check(h.as_text([*signed, other]), VALUE, True, _keys) is Unauthenticated.MALFORMED


def test_the_signed_message_is_unambiguous() -> None:
    digest = bytes(32)
    a = signed_message({h.SOURCE: "ab", h.DESTINATION: "c"}, digest, HMAC_SHA256, "ab")
    b = signed_message({h.SOURCE: "a", h.DESTINATION: "bc"}, digest, HMAC_SHA256, "ab")
    absent = signed_message({h.SOURCE: "ab"}, digest, HMAC_SHA256, "ab")
    empty = signed_message({h.SOURCE: "ab", h.IMPORTANT_DATA: ""}, digest, HMAC_SHA256, "ab")
    assert len({a, b, absent, empty}) == 4
    assert signed_message({h.SOURCE: "ab"}, digest, ED25519, "ab") != absent  # the algorithm is signed


def test_sign_headers_replaces_an_earlier_signature_and_keeps_the_others() -> None:
    once = sign_headers(VALUE, RESEARCH, HMAC_KEY)
    again = sign_headers(VALUE, once, HMAC_KEY)
    assert [name for name, _ in again].count(h.SIGNATURE) == 1
    assert dict(again) == dict(once)


def test_a_signature_never_shows_its_key() -> None:
    assert HOSPITAL_SECRET.decode() not in repr(HMAC_KEY)
    assert isinstance(parse(_signed(RESEARCH, HMAC_KEY)[h.SIGNATURE]), object)


# --- keys on disk ---------------------------------------------------------------------------------------


def test_flow_keys_reads_the_directory_and_sees_a_new_key(tmp_path: Path) -> None:
    now = [0.0]
    new_hmac_key(tmp_path / f"{HOSPITAL}.key")
    (tmp_path / "short.key").write_text("too-short")
    (tmp_path / ".hidden.key").write_text("x" * 40)
    keys = FlowKeys(tmp_path, clock=lambda: now[0])
    assert keys.key_ids == {HOSPITAL}
    assert keys.lookup(ED25519, HOSPITAL) is None  # an HMAC secret is never an Ed25519 key
    assert keys.lookup(HMAC_SHA256, "../etc/passwd") is None
    (tmp_path / "dg-factory.key").write_text("f" * 40)
    now[0] += 5
    assert keys.secret("dg-factory") == b"f" * 40
    assert FlowKeys(None).secret(HOSPITAL) is None


def test_keys_are_written_0600_never_replaced_and_load_for_producers(tmp_path: Path) -> None:
    path = tmp_path / f"{HOSPITAL}.key"
    new_hmac_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(FileExistsError):
        new_hmac_key(path)
    key = load_flow_key(path)
    assert key.key_id == HOSPITAL and key.algorithm == HMAC_SHA256
    assert FlowKeys(tmp_path).secret(HOSPITAL) == key.secret
    pem = tmp_path / f"{BANK}.pem"
    public = new_ed25519_key(pem)
    loaded = load_flow_key(pem)
    assert loaded.key_id == BANK and loaded.algorithm == ED25519 and loaded.private_key is not None
    assert public == public_key_text(loaded.private_key)


def test_an_ignored_key_is_logged_by_name_never_by_content(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "weak.key").write_text("weak-secret-9")
    with caplog.at_level(logging.DEBUG):
        assert FlowKeys(tmp_path).key_ids == frozenset()
    assert "weak.key" in caplog.text and "weak-secret-9" not in caplog.text


# --- the inspector -------------------------------------------------------------------------------------


def signed_policy(require: str = "tcm-research") -> Policy:
    """gba-default with the hospital signing by HMAC, the bank by Ed25519, ``require`` requiring it."""
    data = yaml.safe_load(resources.files("rules.presets").joinpath("gba-default.yaml").read_text())
    data["organisations"][HOSPITAL]["signing"] = "hmac-sha256"
    data["organisations"][BANK]["signing"] = "ed25519"
    data["organisations"][BANK]["public_keys"] = {BANK: public_key_text(BANK_KEY)}
    for flow in data["flows"]:
        if flow["id"] == require:
            flow["require_signature"] = True
    return parse_policy(yaml.safe_dump(data, allow_unicode=True).encode(), "signed-policy")


@pytest.fixture(scope="module")
def inspector(tmp_path_factory: pytest.TempPathFactory) -> Inspector:
    keys = tmp_path_factory.mktemp("flow-keys")
    (keys / f"{HOSPITAL}.key").write_bytes(HOSPITAL_SECRET)
    settings = Settings(pseudonym_key="unit-test-key", ner=False, flow_keys_dir=keys)  # type: ignore[arg-type]
    return build_inspector(settings, signed_policy())


def _inspect(inspector: Inspector, headers: dict[str, str] | list[tuple[str, bytes]], value: bytes = VALUE):  # type: ignore[no-untyped-def]
    return inspector.inspect(value, flow_context(h.as_text(headers), DAY), ORIGIN)


def test_a_signed_record_on_a_flow_requiring_signatures_is_decided_as_usual(inspector: Inspector) -> None:
    verdict = _inspect(inspector, sign_headers(VALUE, RESEARCH, HMAC_KEY))
    assert verdict.action.value != "quarantine" and "flow_unauthenticated" not in verdict.decision.reasons


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        pytest.param(RESEARCH, "signature_missing", id="unsigned"),
        pytest.param(
            {**RESEARCH, h.SIGNATURE: sign(RESEARCH, VALUE + b"!", HMAC_KEY).header()},
            "signature_mismatch",
            id="other_value",
        ),
        pytest.param(
            {**RESEARCH, h.SIGNATURE: "v1.hmac-sha256.gz-tcm-hospital"}, "signature_malformed", id="cut"
        ),
        pytest.param(
            {
                **RESEARCH,
                h.SIGNATURE: sign(RESEARCH, VALUE, FlowKey(HOSPITAL, ED25519, private_key=BANK_KEY)).header(),
            },
            "key_unknown",
            id="not_the_organisations_algorithm",
        ),
    ],
)
def test_an_unvouched_record_is_quarantined_unchanged(
    inspector: Inspector, headers: dict[str, str], detail: str
) -> None:
    verdict = _inspect(inspector, headers)
    assert verdict.action.value == "quarantine"
    assert verdict.decision.reasons == ("flow_unauthenticated",)
    assert verdict.detail == detail and verdict.value == VALUE and verdict.findings == ()
    assert dict(verdict.headers)[h.DETAIL] == detail.encode()


def test_an_unvouched_record_claiming_important_data_keeps_that_reason(inspector: Inspector) -> None:
    verdict = _inspect(inspector, {**RESEARCH, h.IMPORTANT_DATA: "true"})
    assert verdict.decision.reasons == ("flow_unauthenticated", "important_data")


def test_a_flow_without_the_requirement_passes_unsigned_but_not_wrongly_signed(inspector: Inspector) -> None:
    unsigned = _inspect(inspector, CREDIT)
    assert "flow_unauthenticated" not in unsigned.decision.reasons
    assert (
        "flow_unauthenticated"
        not in _inspect(inspector, sign_headers(VALUE, CREDIT, ED_KEY)).decision.reasons
    )
    forged = _inspect(
        inspector,
        sign_headers(VALUE, CREDIT, FlowKey(BANK, ED25519, private_key=Ed25519PrivateKey.generate())),
    )
    assert forged.decision.reasons == ("flow_unauthenticated",) and forged.detail == "signature_mismatch"


def test_a_record_replayed_onto_another_flow_is_held(inspector: Inspector) -> None:
    # A hospital record signed for the research flow, its headers rewritten to the bank flow (which does
    # not even require signatures): the signature is present, so it is checked, and fails.
    replayed = {
        **h.as_text(sign_headers(VALUE, RESEARCH, HMAC_KEY)),
        **{k: v for k, v in CREDIT.items() if k != h.SOURCE},
    }
    verdict = _inspect(inspector, replayed)
    assert verdict.decision.reasons[0] == "flow_unauthenticated"


def test_a_batch_gets_the_same_verdicts_as_record_by_record(inspector: Inspector) -> None:
    cases = [
        sign_headers(VALUE, RESEARCH, HMAC_KEY),
        list(RESEARCH.items()),
        sign_headers(VALUE, CREDIT, ED_KEY),
        [
            *sign_headers(VALUE, RESEARCH, HMAC_KEY)[:-1],
            (h.SIGNATURE, b"v1.hmac-sha256.gz-tcm-hospital.AAAA"),
        ],
    ]
    items = [(VALUE, flow_context(h.as_text(c), DAY), ORIGIN) for c in cases]
    batch = inspector.inspect_many(items)
    one_by_one = [inspector.inspect(*item) for item in items]
    assert [v.decision for v in batch] == [v.decision for v in one_by_one]
    assert [v.detail for v in batch] == [None, "signature_missing", None, "signature_malformed"]


def test_an_hmac_organisation_without_its_secret_on_disk_is_held(tmp_path: Path) -> None:
    settings = Settings(pseudonym_key="unit-test-key", ner=False, flow_keys_dir=tmp_path)  # type: ignore[arg-type]
    bare = build_inspector(settings, signed_policy())
    verdict = bare.inspect(VALUE, flow_context(_signed(RESEARCH, HMAC_KEY), DAY), ORIGIN)
    assert verdict.decision.reasons == ("flow_unauthenticated",) and verdict.detail == "key_unknown"
