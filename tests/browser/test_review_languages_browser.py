"""The review UI in 繁體中文, 简体中文 and English in a real browser: the overview (the first page after
login) draws the store's numbers and is saved as a screenshot per language, and a reviewer requests and an
approver approves a release in each language."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from customs.settings import Settings
from review.i18n import translate
from tests.browser.test_review_browser import PASSWORD, _shot, browser, service
from tests.integration.test_review_release import RESIDENT_ID, publish_quarantined

pytestmark = pytest.mark.browser

__all__ = ["browser", "service"]

# How each language is chosen: the browser's locale for two of them, the header's switch for the third.
LANGUAGES = (("zh-Hant", "zh-HK", None), ("zh-Hans", "en-US", "简体中文"), ("en", "en-GB", None))


def _login(page: Page, base: str, name: str, language: str, switch: str | None) -> None:
    page.goto(f"{base}/login")
    if switch:
        page.get_by_role("link", name=switch).click()
    page.get_by_label(translate(language, "Name")).fill(name)
    page.get_by_label(translate(language, "Password")).fill(PASSWORD)
    page.get_by_role("button", name=translate(language, "Log in")).click()
    expect(page.get_by_role("heading", name=translate(language, "Overview"))).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", language)


def test_the_overview_and_the_four_eyes_flow_in_three_languages(
    customs_settings: Settings, service: str, browser: Browser, tmp_path: Path
) -> None:
    records = [
        {"id": f"tcm-{language}", "patient_id": RESIDENT_ID, "visit": "针灸 follow-up"}
        for language, _, _ in LANGUAGES
    ]
    publish_quarantined(customs_settings, records, reasons="category_not_permitted")
    for number, (language, locale, switch) in enumerate(LANGUAGES):
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        _login(page, service, "alex", language, switch)
        waiting = len(LANGUAGES) - number  # each language releases one record
        deadline = time.monotonic() + 60
        while page.locator("#open-held").inner_text() != str(waiting) and time.monotonic() < deadline:
            time.sleep(1)
            page.reload()
        # The charts draw the store's numbers: every waiting record is held for category_not_permitted.
        expect(page.locator("#open-held")).to_have_text(str(waiting))
        bar = page.locator('#chart-reasons g.bar[data-key="category_not_permitted"]')
        expect(bar).to_have_attribute("data-value", str(waiting))
        expect(bar.locator("text.value")).to_have_text(str(waiting))
        assert bar.locator("rect").bounding_box()["width"] > 50  # type: ignore[index]
        shown = translate(language, "reason.category_not_permitted")
        assert bar.locator("title").text_content() == f"{shown}: {waiting}"
        entity = page.locator('#chart-entities g.bar[data-key="CN_RESIDENT_ID"]')
        expect(entity).to_have_attribute("data-value", str(waiting))
        today = page.locator("#chart-days g.bar").last
        expect(today).to_have_attribute("data-value", str(len(LANGUAGES)))
        expect(page.locator("#oldest")).to_contain_text(f"tcm-{language}")
        _shot(page, tmp_path, f"overview-{language}")

        page.get_by_role("link", name=translate(language, "Queue"), exact=True).click()
        expect(page.get_by_role("heading", name=translate(language, "Held records"))).to_be_visible()
        page.get_by_label(translate(language, "Record id (or part of it)")).fill(language)
        page.get_by_role("button", name=translate(language, "Filter")).click()
        expect(page.locator("#total")).to_have_text("1")
        page.get_by_role("link", name=f"tcm-{language}").click()
        why = translate(language, "reason.category_not_permitted.why")
        expect(page.locator("#held-because")).to_contain_text(why)
        page.get_by_role("button", name=translate(language, "Request release as is")).click()
        flash = translate(
            language, "Release requested: a second user with the approver role must approve it."
        )
        expect(page.locator(".flash")).to_have_text(flash)
        expect(page.locator("#status")).to_have_text(translate(language, "status.awaiting_approval"))
        _shot(page, tmp_path, f"requested-{language}")
        page.get_by_role("button", name=translate(language, "Log out")).click()

        _login(page, service, "bo", language, None)  # the choice (or the browser's locale) is remembered
        page.get_by_role("link", name=translate(language, "Approvals"), exact=True).click()
        page.get_by_role("link", name=f"tcm-{language}").click()
        page.get_by_role("button", name=translate(language, "Reveal values (audited)")).click()
        expect(page.locator("pre.json")).to_contain_text(RESIDENT_ID)
        assert re.search(r"/records/[^/?]+\?revealed=1$", page.url)  # a GET: reloading repeats nothing
        page.get_by_role("button", name=translate(language, "Approve and release"), exact=True).click()
        done = translate(language, "Approved and released to {target}.", target="allow")
        expect(page.locator(".flash")).to_have_text(done)
        expect(page.locator("#status")).to_have_text(translate(language, "status.released"))
        expect(page.locator("section.history")).to_contain_text(
            translate(language, "action.release_approved")
        )
        _shot(page, tmp_path, f"approved-{language}")
        context.close()

    for language, _, _ in LANGUAGES:
        assert (tmp_path / f"overview-{language}.png").stat().st_size > 10_000
