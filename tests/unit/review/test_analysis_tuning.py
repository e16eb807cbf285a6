"""The review service reads records as the gateway did: its analysis of a held record under the policy's
tuning (custom recognizers and the categories of the entities they add, context words, allow and deny lists)
and the writer schema's field tags, and its transfer ledger counts an added entity in its category. All
values synthetic."""

from __future__ import annotations

import json
from datetime import date

import pytest

from customs.factory import build_inspector
from customs.settings import Settings
from detectors.entities import Category
from review.analysis import Analyst
from review.ledger import Ledger, entry
from review.view import finding_rows, record_lines
from rules.holder import PolicyHolder
from rules.policy import parse_policy
from tests.unit.rules.test_tuning import TUNED

from .conftest import Desk

ON = date(2026, 1, 15)
HELD = {
    "id": "t1",
    "switchboard": "电话 0755-83920000",  # allow-listed for PHONE_NUMBER
    "ward": "电话 0755-83921111",
    "note": "Referred under project nightingale",  # deny_list: CASE_CODE (health)
    "member": "MB20240511",  # the custom recognizer: MEMBER_NUMBER (financial_account), Luhn passes
    "member_typo": "MB20240512",  # Luhn fails
}


@pytest.fixture(scope="module")
def tuned() -> Analyst:
    policy = parse_policy(TUNED.encode(), "tuned.yaml")
    return Analyst.of(build_inspector(Settings(pseudonym_key="unit-test-key", ner=False), policy))


def _value(record: dict[str, str]) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode()


def test_a_custom_entity_is_found_with_the_category_its_policy_gives(tuned: Analyst) -> None:
    analysis = tuned.analyse(_value(HELD), ON)
    by_path = {f.path: f.entity for f in analysis.findings}
    assert by_path["member"] == "MEMBER_NUMBER" and "member_typo" not in by_path
    assert by_path["note"] == "CASE_CODE"
    assert analysis.category_of("MEMBER_NUMBER") is Category.FINANCIAL_ACCOUNT
    assert {Category.FINANCIAL_ACCOUNT, Category.HEALTH} <= analysis.categories
    assert analysis.sensitive  # health and financial accounts are sensitive categories
    rows = {row.path: (row.entity, row.category, row.sensitive) for row in finding_rows(analysis)}
    assert rows["member"] == ("MEMBER_NUMBER", "financial_account", True)
    assert rows["note"] == ("CASE_CODE", "health", True)
    hits = [p for line in record_lines(analysis, reveal=False) for p in line.parts if p.kind == "hit"]
    assert ("MEMBER_NUMBER", "financial_account") in {(p.entity, p.category) for p in hits}


def test_an_allow_listed_value_is_not_shown_as_a_finding(tuned: Analyst) -> None:
    analysis = tuned.analyse(_value(HELD), ON)
    paths = {f.path for f in analysis.findings}
    assert "switchboard" not in paths and "ward" in paths
    untuned = Analyst.of(build_inspector(Settings(pseudonym_key="unit-test-key", ner=False)))
    assert "switchboard" in {f.path for f in untuned.analyse(_value(HELD), ON).findings}


def test_an_undecodable_value_is_previewed_under_the_tuning_too(tuned: Analyst) -> None:
    analysis = tuned.analyse(b"\xff member MB20240511, switchboard 0755-83920000", ON)
    assert not analysis.inspected
    assert {f.entity for f in analysis.findings} == {"MEMBER_NUMBER"}
    assert analysis.category_of("MEMBER_NUMBER") is Category.FINANCIAL_ACCOUNT


def test_the_analysis_follows_a_policy_reload() -> None:
    holder = PolicyHolder(parse_policy(TUNED.encode(), "tuned.yaml"))
    inspector = build_inspector(Settings(pseudonym_key="unit-test-key", ner=False))
    inspector.policy = holder
    analyst = Analyst.of(inspector)
    assert "MEMBER_NUMBER" in analyst.analyse(_value(HELD), ON).entities
    holder.swap(parse_policy(b"name: plain\nrequire_flow: false\ndefault_action: mask\n", "plain.yaml"))
    assert "MEMBER_NUMBER" not in analyst.analyse(_value(HELD), ON).entities


@pytest.fixture(scope="module")
def analyst(tuned: Analyst) -> Analyst:
    """The desk's analyst (``conftest.desk``): the tuned policy's."""
    return tuned


def test_the_record_page_and_api_show_the_custom_entity_and_its_category(desk: Desk) -> None:
    held = desk.hold(HELD)
    body = desk.client.get(f"/api/records/{held}", headers=desk.auth("aud")).json()
    findings = {f["path"]: (f["entity"], f["category"]) for f in body["findings"]}
    assert findings["member"] == ("MEMBER_NUMBER", "financial_account")
    assert "switchboard" not in findings
    page = desk.login("rita").get(f"/records/{held}")
    assert page.status_code == 200 and "MEMBER_NUMBER" in page.text
    assert "MB20240511" not in page.text  # masked unless revealed


def test_the_transfer_ledger_counts_a_custom_entity_in_its_category(desk: Desk) -> None:
    policy = parse_policy(TUNED.encode(), "tuned.yaml")
    event = {
        "type": "decision",
        "decision": "mask",
        "entities": {"MEMBER_NUMBER": 1, "CASE_CODE": 1, "PHONE_NUMBER": 1},
        "timestamp_ms": 86_400_000,
        "reasons": [],
    }
    found = entry(event, added=policy.tuning.new_entities)
    assert found is not None and found.categories == ("contact", "financial_account", "health")
    untuned = entry(event)
    assert untuned is not None and untuned.categories == ("contact",)
    ledger = Ledger(desk.review.db, lambda: policy.tuning.new_entities)
    assert ledger.add("t.audit", 0, 0, event)
    day = date(1970, 1, 2)
    counted = {(c.dimension, c.value) for c in ledger.counts(day, day)}
    assert {("category", "financial_account"), ("category", "health")} <= counted
