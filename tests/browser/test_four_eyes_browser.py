"""Four eyes in a real browser: a record the gateway did not vouch for (no filed flow) says why it was held,
in plain words, above the release button; the request needs a justification; the requester cannot approve;
a second user with the approver role sees the justification and the warning before approving."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from customs.settings import Settings
from tests.browser.test_review_browser import _login, _shot, browser, service
from tests.integration.test_review_release import publish_quarantined
from tests.kafka_support import read_committed

pytestmark = pytest.mark.browser
__all__ = ["browser", "service"]  # the fixtures, shared with the review browser test

WHY = "Singapore office filed as recipient on 3 June, ticket CT-2201"


def test_an_unvouched_record_warns_and_needs_a_second_approver(
    customs_settings: Settings, service: str, browser: Browser, tmp_path: Path
) -> None:
    publish_quarantined(customs_settings, [{"id": "sg-1", "note": "campaign list for Singapore"}], "no_flow")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _login(page, service, "alex")
    deadline = time.monotonic() + 60
    page.goto(f"{service}/")
    while page.locator("#total").inner_text() != "1" and time.monotonic() < deadline:
        time.sleep(1)
        page.reload()
    page.get_by_role("link", name="sg-1").click()

    warning = page.locator("#four-eyes-warning")
    expect(warning).to_be_visible()
    expect(page.locator("#held-because")).to_contain_text("No filed transfer matches")
    button = page.get_by_role("button", name="Request release as is")
    warning_box, button_box = warning.bounding_box(), button.bounding_box()
    assert warning_box is not None and button_box is not None
    assert warning_box["y"] < button_box["y"]  # why it was held comes before the button
    _shot(page, tmp_path, "four-eyes-warning")

    button.click()  # no justification: the browser does not send the form
    expect(page.locator("#status")).to_have_text("held")
    page.locator("#release-as-is textarea[name=justification]").fill(WHY)
    button.click()
    expect(page.locator(".flash")).to_contain_text("must approve")
    expect(page.locator("#status")).to_have_text("awaiting approval")
    expect(page.get_by_role("button", name="Approve and release", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Log out").click()

    _login(page, service, "bo")
    page.goto(f"{service}/approvals")
    page.get_by_role("link", name="sg-1").click()
    expect(page.locator(".justification")).to_contain_text(WHY)
    expect(page.locator("section.request .warning")).to_contain_text("did not vouch")
    _shot(page, tmp_path, "four-eyes-approver")
    page.get_by_role("button", name="Approve and release", exact=True).click()
    expect(page.locator("#status")).to_have_text("released")

    topic = customs_settings.output_topic_names["allow"]
    [message] = read_committed(customs_settings.bootstrap_servers, [topic], 1, 60)
    assert b"sg-1" in (message.value() or b"")
