"""A reviewer and an approver in a real browser: log in, filter, open a record, request a release, approve
it as a second user — and the record is on the allow topic of a real broker with its provenance."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from playwright.sync_api import Browser, Page, expect, sync_playwright

from customs.settings import Settings
from load.ports import free_port
from review.publisher import APPROVED_BY, RELEASED_BY
from streams.topics import create_topics
from tests.integration.test_review_release import RESIDENT_ID, publish_quarantined
from tests.kafka_support import CUSTOMS, REPO, read_committed, settings_env
from tests.net import answers, wait_until

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "browser-test-password"
SCREENSHOTS = REPO / "var" / "screenshots"


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


@pytest.fixture()
def service(customs_settings: Settings, tmp_path: Path) -> Iterator[str]:
    """``customs review`` in its own process, with users made by ``customs users``; its base URL."""
    create_topics(customs_settings)
    port = free_port()
    env = {
        **settings_env(customs_settings),
        "CUSTOMS_REVIEW_DB": str(tmp_path / "review.db"),
        "CUSTOMS_REVIEW_KEY": Fernet.generate_key().decode(),
        "CUSTOMS_REVIEW_PORT": str(port),
        "CUSTOMS_LOG_LEVEL": "warning",
    }
    password_file = tmp_path / "password"
    password_file.write_text(PASSWORD + "\n")
    for command in (
        ["users", "create-admin", "root"],
        ["users", "create", "alex", "--roles", "reviewer"],
        ["users", "create", "bo", "--roles", "approver"],
    ):
        subprocess.run(
            [str(CUSTOMS), *command, "--password-file", str(password_file)], env=env, check=True, timeout=60
        )
    log = (tmp_path / "review.log").open("wb")
    process = subprocess.Popen([str(CUSTOMS), "review"], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        up = wait_until(lambda: process.poll() is not None or answers(f"{base}/login"), 60)
        if not up or process.poll() is not None:
            raise RuntimeError((tmp_path / "review.log").read_text())
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


@pytest.fixture()
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (bin/setup installs it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            yield chromium
        finally:
            chromium.close()


def _login(page: Page, base: str, name: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()  # the first page after login
    page.get_by_role("link", name="Queue", exact=True).click()
    expect(page.get_by_role("heading", name="Held records")).to_be_visible()


def _shot(page: Page, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SCREENSHOTS / path.name)


def test_request_and_approve_a_release_in_the_browser(
    customs_settings: Settings, service: str, browser: Browser, tmp_path: Path
) -> None:
    publish_quarantined(
        customs_settings,
        [
            {"id": "tcm-7", "patient_id": RESIDENT_ID, "visit": "针灸 follow-up", "phone": "13812345678"},
            {"id": "sc-7", "note": "pallets shipped to Macau"},
        ],
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _login(page, service, "alex")
    deadline = time.monotonic() + 60
    while page.locator("#total").inner_text() != "2" and time.monotonic() < deadline:
        time.sleep(1)
        page.reload()
    expect(page.locator("#total")).to_have_text("2")

    page.get_by_label("Entity").select_option("CN_RESIDENT_ID")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#total")).to_have_text("1")
    _shot(page, tmp_path, "queue")
    page.get_by_role("link", name="tcm-7").click()

    expect(page.locator("mark[data-entity=CN_RESIDENT_ID]")).to_be_visible()
    assert RESIDENT_ID not in page.content()  # masked by default
    assert "tcm-7" not in page.url and RESIDENT_ID not in page.url
    _shot(page, tmp_path, "record")
    page.get_by_role("button", name="Request release as is").click()
    expect(page.locator(".flash")).to_contain_text("must approve")
    expect(page.locator("#status")).to_have_text("awaiting approval")
    expect(page.get_by_role("button", name="Approve and release", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Log out").click()

    _login(page, service, "bo")
    page.get_by_role("link", name="Approvals").click()
    page.get_by_role("link", name="tcm-7").click()
    page.get_by_role("button", name="Reveal values (audited)").click()
    expect(page.locator("pre.json")).to_contain_text(RESIDENT_ID)
    page.get_by_role("button", name="Approve and release", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Approved and released to allow")
    expect(page.locator("#status")).to_have_text("released")
    expect(page.locator("section.history")).to_contain_text("release approved")
    _shot(page, tmp_path, "released")

    topic = customs_settings.output_topic_names["allow"]
    messages = read_committed(customs_settings.bootstrap_servers, [topic], 1, 60)
    assert len(messages) == 1
    [message] = messages
    assert json.loads(message.value() or b"{}")["id"] == "tcm-7"
    headers = {str(p[0]): _text(p[1]) for p in message.headers() or []}
    assert headers[RELEASED_BY] == "alex" and headers[APPROVED_BY] == "bo"
    assert (tmp_path / "queue.png").exists() and (SCREENSHOTS / "record.png").exists()
    assert os.path.getsize(SCREENSHOTS / "queue.png") > 10_000
