"""Deterministic synthetic GBA records for the demo feed, integration tests, benchmarks and evaluation.

``generate(count, seed)`` yields :class:`SampleRecord` s: a mix of Guangzhou TCM visits, Shenzhen bank credit
files, Zhuhai insurance claims, Dongguan supply-chain orders (no personal data), records on a flow that has no
contract, and malformed payloads. Each record lists the personal values planted in it (``pii``), so a detector
can be scored against the list. All values are synthetic.

``pii`` lists every planted name, identifier, phone number, email and card number, plus the diagnosis,
syndrome and symptom strings as ``HEALTH_DATA`` (prescription herbs are health content too but are not
listed).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from customs.samples import identities as ids
from customs.samples import vocab
from customs.samples._rand import below, between, pick
from customs.samples.malformed import REASON_WEIGHTS, REASONS, malformed_payload
from customs.samples.names import chinese_name


@dataclass(frozen=True)
class Flow:
    source: str  # organisation id
    destination: str
    purpose: str


@dataclass(frozen=True)
class SampleRecord:
    kind: str  # "tcm_visit" | "bank_credit" | "insurance_claim" | "supply_chain" | "malformed"
    flow: Flow
    record: dict[str, Any] | None  # the JSON object (None for malformed)
    raw: bytes | None  # for malformed only: the raw bytes to publish
    malformed_reason: str | None  # "not_utf8" | "not_json" | "too_deep" | "too_large" | "not_object"
    pii: tuple[tuple[str, str], ...]  # (ENTITY, exact raw value) for every planted personal value

    def payload(self) -> bytes:
        """The bytes to publish: a malformed record's raw bytes, else the record as compact UTF-8 JSON."""
        if self.raw is not None:
            return self.raw
        return json.dumps(self.record, ensure_ascii=False, separators=(",", ":")).encode()


FLOWS: dict[str, Flow] = {
    "tcm_visit": Flow("gz-tcm-hospital", "hku-tcm-lab", "clinical_research"),
    "bank_credit": Flow("sz-bank", "hk-bank-branch", "credit_assessment"),
    "insurance_claim": Flow("zh-insurer", "mo-insurer", "claims_settlement"),
    "supply_chain": Flow("dg-factory", "hk-trading", "supply_chain"),
}
UNKNOWN_FLOW = Flow("sh-clinic", "sg-partner", "marketing")
KINDS = ("tcm_visit", "bank_credit", "insurance_claim", "supply_chain", "malformed")

# Shares of the well-formed records (percent); "unknown" is a tcm_visit body on UNKNOWN_FLOW.
_MIX = (("tcm_visit", 35), ("bank_credit", 25), ("insurance_claim", 15), ("supply_chain", 20), ("unknown", 3))
_MIX_TOTAL = sum(weight for _, weight in _MIX)
_MIX_NAMES = tuple(name for name, _ in _MIX)
_MIX_CUMULATIVE = tuple(sum(weight for _, weight in _MIX[: i + 1]) for i in range(len(_MIX)))
_KNOWN_FLOWS = tuple(FLOWS.values())

_RECENT_FIRST = date(2025, 1, 1).toordinal()
_RECENT_LAST = date(2026, 6, 30).toordinal()

Pii = list[tuple[str, str]]


def _recent_date(rng: random.Random) -> str:
    return date.fromordinal(between(rng, _RECENT_FIRST, _RECENT_LAST)).isoformat()


def _tcm_visit(rng: random.Random, ident: str) -> tuple[dict[str, Any], Pii]:
    pii: Pii = []
    hk_patient = rng.random() < 0.1
    minor = not hk_patient and rng.random() < 0.12
    male = rng.random() < 0.5
    name = chinese_name(rng, traditional=hk_patient).full
    patient: dict[str, Any] = {"name": name, "gender": "男" if male else "女"}
    pii.append(("PERSON", name))
    if hk_patient:
        patient["id_type"] = "香港身份證"
        patient["id_number"] = ids.hkid(rng, brackets=rng.random() < 0.8)
        pii.append(("HK_ID_CARD", patient["id_number"]))
        phone = ids.hk_phone(rng, international=rng.random() < 0.7)
    else:
        patient["id_type"] = "居民身份证"
        patient["id_number"] = ids.prc_id(rng, ids.birth_date(rng, minor=minor), male=male)
        pii.append(("CN_RESIDENT_ID", patient["id_number"]))
        cross_border = rng.random() < 0.1
        phone = ids.hk_phone(rng) if cross_border else ids.cn_mobile(rng, international=rng.random() < 0.1)
    contact = name
    if minor:
        guardian = chinese_name(rng).full
        patient["guardian"] = {"name": guardian, "relation": pick(rng, ("父亲", "母亲")), "phone": phone}
        pii.append(("PERSON", guardian))
        contact = guardian
    else:
        patient["phone"] = phone
    pii.append(("PHONE_NUMBER", phone))

    diagnosis = pick(rng, vocab.TCM_DIAGNOSES)
    syndrome = pick(rng, vocab.SYNDROMES)
    symptoms = rng.sample(vocab.SYMPTOMS, between(rng, 2, 4))
    pii.append(("HEALTH_DATA", diagnosis))
    pii.append(("HEALTH_DATA", syndrome))
    pii.extend(("HEALTH_DATA", symptom) for symptom in symptoms)
    prescription = [
        {"herb": herb, "dose": f"{between(rng, low, high)}g"}
        for herb, low, high in rng.sample(vocab.HERBS, between(rng, 3, 6))
    ]
    advice = pick(rng, vocab.TCM_ADVICE)
    note_kind = below(rng, 4)
    if note_kind == 0:
        notes = f"患者{name}复诊，{advice}。"
    elif note_kind == 1:
        notes = f"{advice}，如有不适请联系{contact}，电话{phone}。"
    elif note_kind == 2:
        first = prescription[0]
        notes = f"方中{first['herb']}{first['dose']}，{advice}。"
    else:
        notes = f"{advice}。"
    record = {
        "id": ident,
        "visit_date": _recent_date(rng),
        "department": pick(rng, vocab.TCM_DEPARTMENTS),
        "patient": patient,
        "diagnosis": diagnosis,
        "syndrome": syndrome,
        "symptoms": symptoms,
        "prescription": prescription,
        "notes": notes,
        "doctor_id": f"GZTCM-D{below(rng, 10_000):04d}",
    }
    return record, pii


def _bank_credit(rng: random.Random, ident: str) -> tuple[dict[str, Any], Pii]:
    name = chinese_name(rng)
    id_number = ids.prc_id(rng)
    hk_customer = rng.random() < 0.15
    phone = ids.hk_phone(rng) if hk_customer else ids.cn_mobile(rng, international=rng.random() < 0.15)
    mail = ids.email(rng, name.surname_pinyin)
    card = ids.unionpay_card(rng)
    if rng.random() < 0.15:
        card = " ".join(card[i : i + 4] for i in range(0, len(card), 4))
    overdue = pick(rng, (0, 0, 0, 0, 1, 2, 3, 6))
    remark_kind = below(rng, 4)
    if remark_kind == 0:
        remarks = f"客户{name.full}的邮箱{mail}"
    elif remark_kind == 1 and overdue:
        remarks = f"逾期{overdue}个月，已致电{phone}催收"
    elif remark_kind == 2:
        remarks = "资料齐全，建议维持额度"
    else:
        remarks = "收入证明已核验"
    record = {
        "id": ident,
        "application_date": _recent_date(rng),
        "customer": {"name": name.full, "id_number": id_number, "phone": phone, "email": mail},
        "card_number": card,
        "credit_limit": between(rng, 10, 499) * 1000,
        "overdue_months": overdue,
        "branch": pick(rng, vocab.BANK_BRANCHES),
        "currency": pick(rng, ("CNY", "HKD")),
        "remarks": remarks,
    }
    pii: Pii = [
        ("PERSON", name.full),
        ("CN_RESIDENT_ID", id_number),
        ("PHONE_NUMBER", phone),
        ("EMAIL_ADDRESS", mail),
        ("CN_BANK_CARD", card),
    ]
    return record, pii


def _insurance_claim(rng: random.Random, ident: str) -> tuple[dict[str, Any], Pii]:
    name = chinese_name(rng, traditional=rng.random() < 0.5).full
    claimant: dict[str, Any] = {"name": name}
    pii: Pii = [("PERSON", name)]
    note = "材料已收齊"
    document = rng.random()
    if document < 0.4:
        claimant["id_type"] = "居民身份证"
        claimant["id_number"] = ids.prc_id(rng)
        pii.append(("CN_RESIDENT_ID", claimant["id_number"]))
        macau_contact = rng.random() < 0.25
    elif document < 0.75:
        macau_id = ids.macau_id(rng, old_form=rng.random() < 0.1)
        if rng.random() < 0.5:
            claimant["澳門身份證號碼"] = macau_id
        else:
            claimant["id_number"] = macau_id
            note = "已核對澳門身份證正本"
        pii.append(("MO_ID_CARD", macau_id))
        macau_contact = True
    else:
        claimant["id_type"] = pick(rng, ("回乡证", "港澳居民來往內地通行證"))
        claimant["id_number"] = ids.home_return_permit(rng)
        pii.append(("HOME_RETURN_PERMIT", claimant["id_number"]))
        macau_contact = claimant["id_number"].startswith("M")
    phone = ids.mo_phone(rng, international=rng.random() < 0.8) if macau_contact else ids.cn_mobile(rng)
    claimant["contact_phone"] = phone
    pii.append(("PHONE_NUMBER", phone))
    diagnosis = pick(rng, vocab.CLAIM_DIAGNOSES)
    pii.append(("HEALTH_DATA", diagnosis))
    record = {
        "id": ident,
        "claim_no": f"CLM-{pick(rng, (2025, 2026))}-{below(rng, 1_000_000):06d}",
        "policy_no": f"ZH{below(rng, 10**10):010d}",
        "claimant": claimant,
        "diagnosis": diagnosis,
        "claim_amount": round(rng.uniform(500, 200_000), 2),
        "currency": pick(rng, ("CNY", "MOP")),
        "hospital": pick(rng, vocab.HOSPITALS),
        "incident_date": _recent_date(rng),
        "note": note,
    }
    return record, pii


def _wrong_digit(rng: random.Random, correct: str) -> str:
    """A digit different from ``correct`` (which may be ``X``)."""
    base = int(correct) if correct.isdigit() else 0
    return str((base + between(rng, 1, 9)) % 10)


def _order_number(rng: random.Random) -> str:
    """18 digits shaped like a PRC ID (sometimes with a Guangdong region prefix) whose checksum fails."""
    day = date.fromordinal(between(rng, _RECENT_FIRST, _RECENT_LAST))
    if rng.random() < 0.5:
        first17 = f"441900{day:%Y%m%d}{below(rng, 1000):03d}"
    else:
        first17 = f"{day:%Y%m%d}{below(rng, 10**9):09d}"
    return first17 + _wrong_digit(rng, ids.prc_id_check_char(first17))


def _tracking_number(rng: random.Random) -> str:
    """16 digits (sometimes starting 62 like a UnionPay card) that fail the Luhn check."""
    prefix = "62" if rng.random() < 0.5 else str(between(rng, 1, 9))
    rest = 15 - len(prefix)
    payload = f"{prefix}{below(rng, 10**rest):0{rest}d}"
    return payload + _wrong_digit(rng, ids.luhn_check_digit(payload))


def _supply_chain(rng: random.Random, ident: str) -> tuple[dict[str, Any], Pii]:
    items = [
        {
            "sku": f"DG-{below(rng, 1_000_000):06d}",
            "description": product,
            "quantity": between(rng, 1, 199) * 50,
            "unit_price": round(rng.uniform(0.2, 80.0), 2),
        }
        for product in rng.sample(vocab.PRODUCTS, between(rng, 1, 3))
    ]
    record = {
        "id": ident,
        "order_no": _order_number(rng),
        "tracking_no": _tracking_number(rng),
        "shipper": pick(rng, vocab.SUPPLIERS),
        "consignee": pick(rng, vocab.BUYERS),
        "port_of_loading": pick(rng, vocab.PORTS_OF_LOADING),
        "port_of_discharge": pick(rng, vocab.PORTS_OF_DISCHARGE),
        "ship_date": _recent_date(rng),
        "incoterm": pick(rng, vocab.INCOTERMS),
        "container_no": f"MSCU{below(rng, 10**7):07d}",
        "items": items,
    }
    return record, []


_BUILDERS = {
    "tcm_visit": _tcm_visit,
    "bank_credit": _bank_credit,
    "insurance_claim": _insurance_claim,
    "supply_chain": _supply_chain,
}


def _pick_mix(rng: random.Random) -> str:
    point = rng.random() * _MIX_TOTAL
    for name, bound in zip(_MIX_NAMES, _MIX_CUMULATIVE, strict=True):
        if point < bound:
            return name
    return _MIX_NAMES[-1]


def generate(
    count: int,
    seed: int = 0,
    malformed_ratio: float = 0.02,
    max_record_bytes: int = 1_048_576,
    max_depth: int = 32,
) -> Iterator[SampleRecord]:
    """Yield ``count`` synthetic records, the same ones for the same arguments.

    The first ``n`` records of ``generate(m, seed)`` equal ``generate(n, seed)`` for ``n <= m``. About
    ``malformed_ratio`` of them are malformed; the rest are ~35% tcm_visit, 25% bank_credit, 15%
    insurance_claim, 20% supply_chain and 3% tcm_visit bodies on the uncontracted ``UNKNOWN_FLOW``.
    Note that each ``too_large`` record holds a payload just over ``max_record_bytes``.
    """
    if count < 0:
        raise ValueError("count must be >= 0")
    if not 0.0 <= malformed_ratio <= 1.0:
        raise ValueError("malformed_ratio must be between 0 and 1")
    rng = random.Random(seed)
    for index in range(count):
        if rng.random() < malformed_ratio:
            reason = rng.choices(REASONS, REASON_WEIGHTS)[0]
            raw = malformed_payload(
                rng,
                reason,
                f"malformed-{seed}-{index}",
                max_record_bytes=max_record_bytes,
                max_depth=max_depth,
            )
            yield SampleRecord("malformed", pick(rng, _KNOWN_FLOWS), None, raw, reason, ())
            continue
        mix = _pick_mix(rng)
        kind = "tcm_visit" if mix == "unknown" else mix
        flow = UNKNOWN_FLOW if mix == "unknown" else FLOWS[kind]
        record, pii = _BUILDERS[kind](rng, f"{kind}-{seed}-{index}")
        yield SampleRecord(kind, flow, record, None, None, tuple(dict.fromkeys(pii)))
