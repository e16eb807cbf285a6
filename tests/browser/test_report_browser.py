"""An auditor reads the transfer report in a real browser: audit events on the broker's audit topic reach the
service's ledger, the auditor picks a period on /report, and every number the page shows — per flow, decision,
category, sensitive category and quarantine reason — equals the ledger's (``customs report transfers``), in
繁體中文 and in English; the page is saved as a screenshot per language."""

from __future__ import annotations

import json
import subprocess
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from confluent_kafka import Producer
from playwright.sync_api import Browser, Locator, expect

from customs.factory import build_inspector
from customs.settings import Settings
from review.i18n import translate
from rules.policy import load_policy
from tests.browser.test_review_browser import PASSWORD, _shot, browser, service
from tests.kafka_support import CUSTOMS, settings_env
from tests.unit.review.conftest import T0
from tests.unit.review.test_transfer_report import audit_events

pytestmark = pytest.mark.browser

__all__ = ["browser", "service"]

FIRST = datetime.fromtimestamp(T0, UTC).date()
LAST = date.fromordinal(FIRST.toordinal() + 5)  # the events span six days from T0
NUMBERS = ("allow", "mask", "quarantine", "transferred", "data_subjects", "released", "rejected")


def _publish_audit_events(settings: Settings) -> int:
    """The chained audit events of 60 records over four flows (as the gateway writes them), on the audit
    topic; how many decisions they hold."""
    inspector = build_inspector(settings, load_policy("gba-default"))
    producer = Producer({"bootstrap.servers": settings.bootstrap_servers})
    decisions = 0
    for partition, _, value in audit_events(inspector):
        producer.produce(settings.output_topic_names["audit"], value, partition=partition)
        decisions += json.loads(value).get("type") == "decision"
    assert producer.flush(30) == 0
    return decisions


def _ledger(env: dict[str, str], decisions: int) -> dict[str, Any]:
    """The ledger's report for the period (the CLI reads the service's database), once it counts every
    decision the audit topic holds."""
    deadline = time.monotonic() + 60
    while True:
        done = subprocess.run(
            [str(CUSTOMS), "report", "transfers", "--from", str(FIRST), "--to", str(LAST), "--format=json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        report: dict[str, Any] = json.loads(done.stdout)
        counted = sum(n for flow in report["flows"] for n in flow["records"].values())
        if counted >= decisions or time.monotonic() > deadline:
            assert counted == decisions, f"the ledger counts {counted} of {decisions} decisions"
            return report
        time.sleep(1)


def _number(row: Locator, key: str) -> str:
    return row.locator(f'td[data-n="{key}"]').inner_text().strip()


def test_an_auditor_reads_the_ledger_s_numbers_on_the_report_page(
    customs_settings: Settings, service: str, browser: Browser, tmp_path: Path
) -> None:
    env = {**settings_env(customs_settings), "CUSTOMS_REVIEW_DB": str(tmp_path / "review.db")}
    password = tmp_path / "auditor-password"
    password.write_text(PASSWORD + "\n")
    subprocess.run(
        [str(CUSTOMS), "users", "create", "aud", "--roles", "auditor", "--password-file", str(password)],
        env=env,
        check=True,
        timeout=60,
    )
    ledger = _ledger(env, _publish_audit_events(customs_settings))
    flows = {flow["flow"]: flow for flow in ledger["flows"]}
    assert {"tcm-research", "bank-credit", "insurance-claims", ""} <= set(flows)

    for language, locale in (("zh-Hant", "zh-HK"), ("en", "en-GB")):  # by the browser's locale
        page = browser.new_context(locale=locale, viewport={"width": 1600, "height": 1000}).new_page()
        page.goto(f"{service}/login")
        page.get_by_label(translate(language, "Name")).fill("aud")
        page.get_by_label(translate(language, "Password")).fill(PASSWORD)
        page.get_by_role("button", name=translate(language, "Log in")).click()
        page.get_by_role("link", name=translate(language, "Transfer report")).click()
        heading = translate(language, "Cross-border transfers")
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", language)
        page.get_by_label(translate(language, "From")).fill(str(FIRST))
        page.get_by_label(translate(language, "To")).fill(str(LAST))
        page.get_by_role("button", name=translate(language, "Show")).click()
        expect(page.locator("section.report")).to_have_attribute("data-start", str(FIRST))
        expect(page.locator("section.report")).to_have_attribute("data-end", str(LAST))

        rows = page.locator("tr.flow")
        expect(rows).to_have_count(len(flows))
        for name, flow in flows.items():
            row = page.locator(f'tr.flow[data-flow="{name}"]')
            records = flow["records"]
            expected = {
                **{key: records.get(key, 0) for key in ("allow", "mask", "quarantine")},
                **{key: flow[key] for key in ("transferred", "data_subjects", "released", "rejected")},
            }
            assert {key: _number(row, key) for key in NUMBERS} == {k: str(v) for k, v in expected.items()}, (
                name
            )
            for kind, attribute, label in (
                ("categories", "data-category", "category"),
                ("sensitive_categories", "data-sensitive", "category"),
                ("quarantines", "data-reason", "reason"),
            ):
                shown = row.locator(f"span[{attribute}]")
                assert {
                    span.get_attribute(attribute): int(span.get_attribute("data-n") or -1)
                    for span in shown.all()
                } == flow[kind], (name, kind)
                for code, count in flow[kind].items():  # and in words the auditor reads
                    words = translate(language, f"{label}.{code}")
                    expect(row.locator(f'span[{attribute}="{code}"]')).to_have_text(f"{words} {count}")
            if flow["filing_reference"]:
                expect(row).to_contain_text(flow["filing_reference"])
            if flow["jurisdiction"]:
                expect(row).to_contain_text(translate(language, f"jurisdiction.{flow['jurisdiction']}"))
        expect(page.locator("p.rejections")).to_have_attribute("data-n", str(ledger["rejections"]))
        # (the count of audit events is not compared: the service's own review events join the ledger)
        period = translate(
            language, "Period {start} to {end} (UTC days, both included).", start=FIRST, end=LAST
        )
        expect(page.locator("p.period")).to_contain_text(period)
        _shot(page, tmp_path, f"report-{language}")
