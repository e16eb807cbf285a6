"""The registry holds one recognizer per entity, and recognizers do not step on each other's spans."""

from __future__ import annotations

from collections import Counter

import pytest

from detectors.classify import Classifier
from detectors.entities import ENTITIES
from detectors.recognizers import GbaRecognizer, all_recognizers

pytestmark = pytest.mark.unit

WRITTEN = {
    "CN_RESIDENT_ID",
    "HK_ID_CARD",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "CN_BANK_CARD",
    "CREDIT_CARD",
    "HOME_RETURN_PERMIT",
    "HK_MO_EXIT_PERMIT",
    "CN_PASSPORT",
    "MO_ID_CARD",
    "CN_USCC",
    "IP_ADDRESS",
    "MEDICAL_RECORD_NUMBER",
    "IM_ACCOUNT",
}


def test_one_rule_recognizer_per_entity() -> None:
    recognizers = all_recognizers()
    assert all(isinstance(r, GbaRecognizer) for r in recognizers)
    counts = Counter(r.supported_entities[0] for r in recognizers if not r.MODEL)
    assert set(counts) >= WRITTEN
    assert all(n == 1 for n in counts.values()), counts


def test_the_model_adds_names_and_addresses_only() -> None:
    model = sorted(r.supported_entities[0] for r in all_recognizers() if r.MODEL)
    assert model == ["LOCATION", "PERSON"]


def test_every_entity_is_canonical() -> None:
    assert {r.supported_entities[0] for r in all_recognizers()} <= ENTITIES


@pytest.mark.parametrize("recognizer", [r for r in all_recognizers() if not r.MODEL], ids=lambda r: r.name)
def test_context_words_cover_both_scripts_and_english(recognizer: GbaRecognizer) -> None:
    words = recognizer.CONTEXT
    assert any(w.isascii() for w in words)
    assert any(not w.isascii() for w in words)


def test_id_card_and_phone_do_not_overlap(classifier: Classifier) -> None:
    text = "身份证11010519491231002X，银行卡6222021234567894，电话13812345678。"
    findings = classifier.classify({"note": text})
    assert [(f.entity, text[f.start : f.end]) for f in findings] == [
        ("CN_RESIDENT_ID", "11010519491231002X"),
        ("CN_BANK_CARD", "6222021234567894"),
        ("PHONE_NUMBER", "13812345678"),
    ]
    assert [(f.start, f.end) for f in findings] == [(3, 21), (25, 41), (44, 55)]


def test_grouped_card_and_unspaced_text(classifier: Classifier) -> None:
    text = "客户身份证号11010519491231002X卡号6222 0212 3456 7894手机138-1234-5678"
    findings = classifier.classify({"备注": text})
    assert [(f.entity, text[f.start : f.end]) for f in findings] == [
        ("CN_RESIDENT_ID", "11010519491231002X"),
        ("CN_BANK_CARD", "6222 0212 3456 7894"),
        ("PHONE_NUMBER", "138-1234-5678"),
    ]


def test_record_with_every_entity(classifier: Classifier) -> None:
    record = {
        "resident_id": "11010519491231002X",
        "hkid": "A123456(3)",
        "phone": "+852 5123 4567",
        "email": "客户王芳的邮箱zhang94@example.cn",
        "bank_card": "6222021234567894",
        "credit_card": "4111 1111 1111 1111",
        "回鄉證": "H12345678",
        "通行證": "C12345678",
        "passport": "E12345678",
        "澳門身份證": "1234567(8)",
        "uscc": "91440300MA5F00001A",
        "ip": "192.0.2.10",
        "住院号": "ZY2024020311",
        "wechat": "lin_wei88",
        "remark": "陈皮 10g，黄芪 15g，白术 9g，订单号20240315000123，金额1234.50元",
    }
    findings = classifier.classify(record)
    assert [(f.path, f.entity) for f in findings] == [
        ("resident_id", "CN_RESIDENT_ID"),
        ("hkid", "HK_ID_CARD"),
        ("phone", "PHONE_NUMBER"),
        ("email", "PERSON"),
        ("email", "EMAIL_ADDRESS"),
        ("bank_card", "CN_BANK_CARD"),
        ("credit_card", "CREDIT_CARD"),
        ("回鄉證", "HOME_RETURN_PERMIT"),
        ("通行證", "HK_MO_EXIT_PERMIT"),
        ("passport", "CN_PASSPORT"),
        ("澳門身份證", "MO_ID_CARD"),
        ("uscc", "CN_USCC"),
        ("ip", "IP_ADDRESS"),
        ("住院号", "MEDICAL_RECORD_NUMBER"),
        ("wechat", "IM_ACCOUNT"),
        ("remark", "HEALTH_DATA"),  # a herb-and-dose list is a prescription; its herbs are not people
    ]
    assert {f.entity for f in findings} == WRITTEN | {"PERSON", "HEALTH_DATA"}
