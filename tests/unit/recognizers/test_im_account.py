"""IM_ACCOUNT: a QQ number or WeChat id, only where it is named as one (in text right after its name, or as
the whole value of a field so named). Synthetic accounts."""

from __future__ import annotations

from datetime import date

import pytest

from detectors.classify import Classifier
from detectors.entities import Category, category_of
from rules import FlowContext, decide, load_policy
from rules.decision import Action

pytestmark = pytest.mark.unit

CLASSIFIER = Classifier(ner=False)
ENTITY = "IM_ACCOUNT"


def found(text: str, hint: str = "") -> list[tuple[str, str]]:
    """``(entity, text)`` of every finding in ``text`` under field name ``hint``."""
    return [(entity, text[start:end]) for start, end, _, entity in CLASSIFIER.find(text, hint)]


@pytest.mark.parametrize(
    ("text", "account"),
    [
        ("微信：lin_wei88，周末可联系", "lin_wei88"),
        ("微信号 chenxm-1990", "chenxm-1990"),
        ("微信號：wong_ka_ming", "wong_ka_ming"),
        ("QQ：12345678", "12345678"),
        ("QQ号码 987654321。", "987654321"),
        ("qq 20481024", "20481024"),
        ("V信：abc_12345", "abc_12345"),
        ("加VX linwei_88 咨询", "linwei_88"),
        ("add me on WeChat: lin_wei88 thx", "lin_wei88"),
        ("WeChat ID is chen-1988", "chen-1988"),
        ("QQ: 51234567", "51234567"),  # 8 digits of a Hong Kong number's shape: named, so an account
    ],
)
def test_a_named_account_is_found_without_its_name(text: str, account: str) -> None:
    assert found(text) == [(ENTITY, account)]


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("lin_wei88", "wechat"),
        ("linwei", "微信"),  # letters alone: the field says it is an account
        ("12345678", "qq"),
        (" chenxm-1990 ", "weixin_id"),
    ],
)
def test_the_whole_value_of_a_field_so_named_is_one(value: str, hint: str) -> None:
    assert found(value, hint) == [(ENTITY, value.strip())]


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("微信支付 186.40", ""),
        ("微信转账-何立新", ""),
        ("WeChat Pay accepted", ""),
        ("微信 is popular", ""),  # a word of letters alone in text is no account
        ("QQ群：123456789", ""),  # a group, not a person
        ("QQ 2024", ""),  # too short for a QQ number
        ("QQ：0123456", ""),  # QQ numbers do not start with 0
        ("微信：ab_1", ""),  # too short for a WeChat id
        ("微信：" + "a_" * 12, ""),  # too long
        ("linwei", "name"),
        ("enabled", "wechat_bound"),  # a status, not an account
        ("Unknown", "qq"),
        ("lin_wei88", ""),  # not named
    ],
)
def test_not_found(text: str, hint: str) -> None:
    assert [entity for entity, _ in found(text, hint) if entity == ENTITY] == []


@pytest.mark.parametrize(("text", "hint"), [("微信：13812345678", ""), ("13812345678", "wechat")])
def test_a_mainland_mobile_given_as_the_account_stays_a_phone_number(text: str, hint: str) -> None:
    assert found(text, hint) == [("PHONE_NUMBER", "13812345678")]


def test_an_e_mail_address_at_qq_com_stays_an_e_mail_address() -> None:
    assert found("lizijian97@qq.com", "email") == [("EMAIL_ADDRESS", "lizijian97@qq.com")]


def test_gba_default_masks_it_as_contact_data() -> None:
    assert category_of(ENTITY) is Category.CONTACT
    record = {"name": "林伟", "wechat": "lin_wei88", "note": "复诊提醒已发QQ：20481024"}
    decision = decide(
        record,
        CLASSIFIER.classify(record),
        FlowContext("sz-bank", "hk-bank-branch", "credit_assessment", date(2026, 5, 1)),
        load_policy("gba-default"),
    )
    assert decision.action is Action.MASK
    masked = {m.finding.path: (m.operator, m.finding.entity) for m in decision.masks}
    assert masked["wechat"] == ("partial", ENTITY) and masked["note"] == ("partial", ENTITY)
