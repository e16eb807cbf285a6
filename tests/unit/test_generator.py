"""The synthetic GBA record generator: determinism, planted PII, identifiers, malformed payloads, mix."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from datetime import date
from typing import Any

import phonenumbers
import pytest
from stdnum import luhn
from stdnum.cn import ric

from customs.samples import identities as ids
from customs.samples.generator import FLOWS, UNKNOWN_FLOW, Flow, SampleRecord, generate
from customs.samples.malformed import REASONS

pytestmark = pytest.mark.unit

SAMPLE_SIZE = 6000


@pytest.fixture(scope="module")
def sample() -> list[SampleRecord]:
    return list(generate(SAMPLE_SIZE, seed=11, malformed_ratio=0.05))


def _values(records: list[SampleRecord], entity: str) -> list[str]:
    return [value for rec in records for found, value in rec.pii if found == entity]


def _nesting(value: Any) -> int:
    """How many containers (objects / arrays) are nested at the deepest point."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            stack.extend((child, level + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, level + 1) for child in node)
        else:
            deepest = max(deepest, level)
    return deepest


def _is_phone(value: str) -> bool:
    for region in ("CN", "HK", "MO"):
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(value, region)):
                return True
        except phonenumbers.NumberParseException:
            continue
    return False


# --- determinism and shape ---------------------------------------------------------------------


def test_same_seed_same_records() -> None:
    assert list(generate(500, seed=3)) == list(generate(500, seed=3))


def test_different_seeds_differ() -> None:
    assert list(generate(50, seed=1)) != list(generate(50, seed=2))


def test_shorter_run_is_a_prefix() -> None:
    assert list(generate(200, seed=5)) == list(generate(1000, seed=5))[:200]


def test_ids_are_unique_strings(sample: list[SampleRecord]) -> None:
    record_ids = [rec.record["id"] for rec in sample if rec.record is not None]
    assert all(isinstance(value, str) for value in record_ids)
    assert len(record_ids) == len(set(record_ids))
    across_seeds = [r.record["id"] for seed in (0, 1) for r in generate(300, seed=seed) if r.record]
    assert len(across_seeds) == len(set(across_seeds))


def test_records_are_nested_and_have_about_eight_fields(sample: list[SampleRecord]) -> None:
    for rec in sample:
        if rec.record is None:
            continue
        assert 8 <= len(rec.record) <= 12
        assert any(isinstance(value, dict | list) for value in rec.record.values())
    tcm = next(rec.record for rec in sample if rec.kind == "tcm_visit" and rec.record)
    assert isinstance(tcm["patient"], dict)
    assert all(set(item) == {"herb", "dose"} for item in tcm["prescription"])


def test_payload_is_the_record_as_utf8_json(sample: list[SampleRecord]) -> None:
    for rec in sample[:500]:
        if rec.record is not None:
            assert json.loads(rec.payload().decode("utf-8")) == rec.record
        else:
            assert rec.payload() == rec.raw


def test_kinds_and_flows(sample: list[SampleRecord]) -> None:
    assert FLOWS["tcm_visit"] == Flow("gz-tcm-hospital", "hku-tcm-lab", "clinical_research")
    assert FLOWS["bank_credit"] == Flow("sz-bank", "hk-bank-branch", "credit_assessment")
    assert FLOWS["insurance_claim"] == Flow("zh-insurer", "mo-insurer", "claims_settlement")
    assert FLOWS["supply_chain"] == Flow("dg-factory", "hk-trading", "supply_chain")
    for rec in sample:
        if rec.kind == "malformed":
            assert rec.flow in FLOWS.values()
            assert rec.record is None and rec.raw is not None and rec.pii == ()
        else:
            assert rec.raw is None and rec.malformed_reason is None and rec.record is not None
            assert rec.flow == FLOWS[rec.kind] or (rec.kind == "tcm_visit" and rec.flow == UNKNOWN_FLOW)
    unknown = [rec for rec in sample if rec.flow == UNKNOWN_FLOW]
    assert unknown and all(rec.record and "prescription" in rec.record for rec in unknown)


def test_mix_is_roughly_as_stated() -> None:
    count = 20_000
    shares = Counter(
        "unknown" if rec.flow == UNKNOWN_FLOW else rec.kind
        for rec in generate(count, seed=2, max_record_bytes=2048)
    )
    expected = {
        "tcm_visit": 0.35,
        "bank_credit": 0.25,
        "insurance_claim": 0.15,
        "supply_chain": 0.20,
        "unknown": 0.03,
        "malformed": 0.02,
    }
    for kind, share in expected.items():
        assert shares[kind] / count == pytest.approx(share, abs=0.01), kind


def test_malformed_ratio_bounds() -> None:
    assert all(rec.kind != "malformed" for rec in generate(500, seed=1, malformed_ratio=0.0))
    assert all(
        rec.kind == "malformed" for rec in generate(100, seed=1, malformed_ratio=1.0, max_record_bytes=512)
    )
    with pytest.raises(ValueError):
        list(generate(1, malformed_ratio=1.5))


# --- planted PII -------------------------------------------------------------------------------


def test_every_planted_value_appears_verbatim(sample: list[SampleRecord]) -> None:
    for rec in sample:
        if rec.record is None:
            continue
        text = json.dumps(rec.record, ensure_ascii=False)
        for entity, value in rec.pii:
            assert value in text, (rec.record["id"], entity, value)


def test_personal_kinds_plant_the_expected_entities(sample: list[SampleRecord]) -> None:
    for rec in sample:
        entities = {entity for entity, _ in rec.pii}
        if rec.kind in ("tcm_visit", "bank_credit", "insurance_claim"):
            assert {"PERSON", "PHONE_NUMBER"} <= entities
        if rec.kind == "tcm_visit":
            assert entities & {"CN_RESIDENT_ID", "HK_ID_CARD"}
            assert "HEALTH_DATA" in entities
        if rec.kind == "bank_credit":
            assert {"CN_RESIDENT_ID", "EMAIL_ADDRESS", "CN_BANK_CARD"} <= entities
        if rec.kind == "insurance_claim":
            assert entities & {"CN_RESIDENT_ID", "MO_ID_CARD", "HOME_RETURN_PERMIT"}


def test_names_are_chinese_with_some_compound_surnames(sample: list[SampleRecord]) -> None:
    names = _values(sample, "PERSON")
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", name) for name in names)
    assert any(name.startswith(("欧阳", "歐陽", "司马", "司馬")) for name in names)
    assert any(name.startswith("陳") for name in names)  # Traditional script too
    assert any(name.startswith("陈") for name in names)


def test_notes_sometimes_mention_the_patient(sample: list[SampleRecord]) -> None:
    tcm = [rec.record for rec in sample if rec.kind == "tcm_visit" and rec.record]
    assert any(rec["patient"]["name"] in rec["notes"] for rec in tcm)
    assert any(re.search(r"\d{11}|\+\d{3} ", rec["notes"]) for rec in tcm)
    herbs = {item["herb"] for rec in tcm for item in rec["prescription"]}
    assert {"陈皮", "黄芪", "白术", "何首乌", "金银花"} <= herbs


# --- identifiers -------------------------------------------------------------------------------


def test_prc_ids_are_valid(sample: list[SampleRecord]) -> None:
    values = _values(sample, "CN_RESIDENT_ID")
    assert len(values) > 1000
    bad = [value for value in values if not ric.is_valid(value)]
    assert not bad


def test_prc_id_check_char_matches_domain_example() -> None:
    assert ids.prc_id_check_char("11010519491231002") == "X"
    rng = random.Random(0)
    for _ in range(2000):
        assert ric.is_valid(ids.prc_id(rng, ids.birth_date(rng, minor=rng.random() < 0.3)))


def test_some_patients_are_minors_most_are_adults(sample: list[SampleRecord]) -> None:
    ages: list[int] = []
    for rec in sample:
        if rec.kind != "tcm_visit" or rec.record is None:
            continue
        patient = rec.record["patient"]
        if patient["id_type"] == "居民身份证":
            born = ric.get_birth_date(patient["id_number"])
            ages.append(ids.REFERENCE_YEAR - born.year - 1)  # lowest possible age during 2026
            # sequence parity follows the gender field
            assert (int(patient["id_number"][16]) % 2 == 1) == (patient["gender"] == "男")
            if born > date(2012, 12, 31):
                assert "guardian" in patient
    minors = sum(age < 14 for age in ages)
    assert 0.05 < minors / len(ages) < 0.25
    assert all(age >= 17 for age in ages if age >= 14)


def test_hkid_check_on_domain_examples() -> None:
    assert ids.is_valid_hkid("A123456(3)")
    assert ids.is_valid_hkid("CA182361(1)")
    assert ids.is_valid_hkid("A1234563")
    assert not ids.is_valid_hkid("A123456(4)")
    assert not ids.is_valid_hkid("CA182361(2)")
    assert not ids.is_valid_hkid("123456(3)")
    assert ids.hkid_check_char("A", "123456") == "3"
    assert ids.hkid_check_char("CA", "182361") == "1"


def test_generated_hkids_are_valid(sample: list[SampleRecord]) -> None:
    values = _values(sample, "HK_ID_CARD")
    assert values
    assert all(ids.is_valid_hkid(value) for value in values)
    rng = random.Random(4)
    made = [ids.hkid(rng) for _ in range(3000)]
    assert all(ids.is_valid_hkid(value) for value in made)
    assert {value[-2] for value in made} >= {"0", "A", "9"}  # every check character occurs


def test_cards_are_luhn_valid_unionpay(sample: list[SampleRecord]) -> None:
    values = _values(sample, "CN_BANK_CARD")
    assert values
    for value in values:
        number = value.replace(" ", "")
        assert number.startswith("62") and 16 <= len(number) <= 19
        assert luhn.is_valid(number)


def test_phones_are_valid(sample: list[SampleRecord]) -> None:
    values = _values(sample, "PHONE_NUMBER")
    assert values
    assert [value for value in values if not _is_phone(value)] == []
    assert any(value.startswith("+852") for value in values)
    assert any(value.startswith("+853") for value in values)


@pytest.mark.parametrize("international", [True, False])
def test_phone_makers_per_region(international: bool) -> None:
    rng = random.Random(9)
    for _ in range(1000):
        cn = phonenumbers.parse(ids.cn_mobile(rng, international=international), "CN")
        hk = phonenumbers.parse(ids.hk_phone(rng, international=international), "HK")
        mo = phonenumbers.parse(ids.mo_phone(rng, international=international), "MO")
        assert phonenumbers.is_valid_number_for_region(cn, "CN")
        assert phonenumbers.is_valid_number_for_region(hk, "HK")
        assert phonenumbers.is_valid_number_for_region(mo, "MO")
        assert phonenumbers.number_type(cn) == phonenumbers.PhoneNumberType.MOBILE


def test_emails_are_ascii(sample: list[SampleRecord]) -> None:
    values = _values(sample, "EMAIL_ADDRESS")
    assert values
    assert all(re.fullmatch(r"[a-z]+\d{2}@example\.[a-z.]+", value) for value in values)


def test_macau_ids_and_permits(sample: list[SampleRecord]) -> None:
    for rec in sample:
        if rec.kind != "insurance_claim" or rec.record is None:
            continue
        for entity, value in rec.pii:
            if entity == "MO_ID_CARD":
                assert re.fullmatch(r"[157]\d{6}\(\d\)|[157]/\d{6}/\d", value)
                claimant = rec.record["claimant"]
                assert "澳門身份證" in rec.record["note"] or claimant.get("澳門身份證號碼") == value
            if entity == "HOME_RETURN_PERMIT":
                assert re.fullmatch(r"[HM]\d{8}(\d{2})?", value)
    assert _values(sample, "MO_ID_CARD") and _values(sample, "HOME_RETURN_PERMIT")


# --- supply chain: no personal data, only look-alikes -------------------------------------------


def test_supply_chain_is_clean(sample: list[SampleRecord]) -> None:
    orders = [rec.record for rec in sample if rec.kind == "supply_chain" and rec.record]
    assert orders
    for rec in sample:
        if rec.kind == "supply_chain":
            assert rec.pii == ()
    for order in orders:
        text = json.dumps(order, ensure_ascii=False)
        for number in re.findall(r"(?<!\d)\d{18}(?!\d)", text):
            assert not ric.is_valid(number)
        assert re.fullmatch(r"\d{18}", order["order_no"])
        assert re.fullmatch(r"\d{16}", order["tracking_no"])
        assert not luhn.is_valid(order["tracking_no"])
    assert any(order["order_no"].startswith("4419") for order in orders)
    assert any(order["tracking_no"].startswith("62") for order in orders)


# --- malformed payloads ------------------------------------------------------------------------


def _check_malformed(rec: SampleRecord, max_record_bytes: int, max_depth: int) -> None:
    raw = rec.raw
    assert raw is not None
    reason = rec.malformed_reason
    if reason == "not_utf8":
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        return
    text = raw.decode("utf-8")
    if reason == "not_json":
        with pytest.raises(json.JSONDecodeError):
            json.loads(text)
        return
    value = json.loads(text)
    if reason == "too_large":
        assert len(raw) > max_record_bytes
        assert isinstance(value, dict) and _nesting(value) <= max_depth
    elif reason == "too_deep":
        assert len(raw) <= max_record_bytes
        assert isinstance(value, dict) and _nesting(value) > max_depth
    elif reason == "not_object":
        assert len(raw) <= max_record_bytes
        assert not isinstance(value, dict) and _nesting(value) <= max_depth
    else:
        pytest.fail(f"unknown reason {reason!r}")


def test_malformed_records_are_malformed_for_their_reason(sample: list[SampleRecord]) -> None:
    malformed = [rec for rec in sample if rec.kind == "malformed"]
    assert {rec.malformed_reason for rec in malformed} == set(REASONS)
    for rec in malformed:
        _check_malformed(rec, 1_048_576, 32)


def test_malformed_limits_follow_the_arguments() -> None:
    records = list(generate(400, seed=8, malformed_ratio=1.0, max_record_bytes=1000, max_depth=5))
    assert {rec.malformed_reason for rec in records} == set(REASONS)
    for rec in records:
        _check_malformed(rec, 1000, 5)


def test_generating_is_fast() -> None:
    import time

    started = time.perf_counter()
    for _ in generate(20_000, seed=1, max_record_bytes=4096):
        pass
    assert time.perf_counter() - started < 5.0
