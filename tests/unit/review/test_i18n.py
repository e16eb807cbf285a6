"""The review pages in three languages: the catalogue is complete, every template word goes through it,
the language follows the user's choice or the browser, and a Chinese page shows no English."""

from __future__ import annotations

import re
import string
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from customs.inspection import Inspector
from detectors.entities import ENTITIES, Category
from review.catalogue import CATALOGUE
from review.i18n import LANGUAGE_COOKIE, LANGUAGES, negotiate, translate
from review.ledger import Ledger
from review.models import Status
from review.outbound import release_operators
from review.overview import WAITING
from review.roles import Role
from rules.policy import load_policy
from rules.reasons import Reason

from .conftest import T0, Desk
from .test_api import SENSITIVE
from .test_transfer_report import audit_events, inspector  # noqa: F401  (a fixture)

TEMPLATES = Path(__file__).parents[3] / "review" / "templates"
PAGES = sorted(TEMPLATES.glob("*.html"))  # the transfer report's pages included
KEY = re.compile(r'_\(\s*"((?:[^"\\]|\\.)*)"')


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_is_in_every_language_with_the_same_placeholders() -> None:
    for key, texts in CATALOGUE.items():
        assert set(texts) == set(LANGUAGES), key
        for language, text in texts.items():
            assert text.strip(), f"{key} is empty in {language}"
            assert _placeholders(text) == _placeholders(texts["en"]), f"{key} in {language}"


@pytest.mark.parametrize(
    ("kind", "codes"),
    [
        ("reason", [r.value for r in Reason]),
        ("entity", sorted(ENTITIES)),
        ("category", [c.value for c in Category]),
        ("status", [s.value for s in Status] + ["open", "all"]),
        ("role", [r.value for r in Role]),
        ("operator", release_operators()),
        ("waiting", [code for _, code in WAITING]),
        ("target", ["allow", "mask"]),
    ],
)
def test_every_code_has_a_label(kind: str, codes: list[str]) -> None:
    missing = [c for c in codes if f"{kind}.{c}" not in CATALOGUE]
    assert not missing


def test_every_reason_is_explained_in_plain_words() -> None:
    assert not [r.value for r in Reason if f"reason.{r.value}.why" not in CATALOGUE]
    assert "child under 14" in translate("en", "reason.category_not_permitted.why")
    assert "兒童" in translate("zh-Hant", "reason.category_not_permitted.why")
    assert "儿童" in translate("zh-Hans", "reason.category_not_permitted.why")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_template_word_is_in_the_catalogue(page: Path) -> None:
    keys = [k.replace('\\"', '"') for k in KEY.findall(page.read_text())]
    assert not [k for k in keys if k not in CATALOGUE]


def test_the_flash_and_error_messages_are_in_the_catalogue() -> None:
    from review import app, web

    source = Path(web.__file__).read_text()
    flashes = re.findall(r'_redirect\(\s*request,\s*[^,]+,\s*"([^"]+)"', source, re.S)
    assert len(flashes) >= 8
    assert not [k for k in flashes if k not in CATALOGUE]
    assert not [k for k in [*app.ERROR_TITLES.values(), *app.ERROR_MESSAGES.values()] if k not in CATALOGUE]


def _bare_text(source: str) -> list[str]:
    """Words a template writes outside ``_()``: text between tags, and texts of title/label attributes."""
    source = re.sub(r"\{#.*?#\}", "", source, flags=re.S)
    source = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", source, flags=re.S)
    attributes = re.findall(r'(?:title|aria-label|placeholder|alt)="([^"]*)"', source)
    source = re.sub(r"<[^>]*>", " ", source, flags=re.S)
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z']+", source) if w not in ("CSV", "JSON")]
    for value in attributes:
        words += re.findall(r"[A-Za-z]{2,}", value)
    return words


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_template_writes_bare_words(page: Path) -> None:
    assert _bare_text(page.read_text()) == []


def test_the_bare_word_check_finds_bare_words() -> None:
    assert _bare_text('<h1>Held records</h1><a title="go on">{{ _("x") }}</a>') == [
        "Held",
        "records",
        "go",
        "on",
    ]


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "en"),
        ("", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("zh-HK,zh;q=0.9,en;q=0.8", "zh-Hant"),
        ("zh-TW", "zh-Hant"),
        ("zh-MO", "zh-Hant"),
        ("zh-Hant-HK", "zh-Hant"),
        ("zh-CN,zh;q=0.9", "zh-Hans"),
        ("zh", "zh-Hans"),
        ("fr-FR,en;q=0.5,zh-CN;q=0.8", "zh-Hans"),
        ("de-DE", "en"),
        ("zh-CN;q=0, en", "en"),
    ],
)
def test_the_browser_language_decides_by_default(header: str | None, language: str) -> None:
    assert negotiate(header) == language


ENGLISH_ONLY = ("Held records", "Log out", "Reasons", "Why it was held", "Overview", "ago")


def _pages(desk: Desk, held: str) -> list[str]:
    return ["/", f"/records/{held}", "/overview", "/approvals", "/audit", "/no/such/page"]


@pytest.mark.parametrize(("language", "words"), [("zh-Hant", "被扣留的紀錄"), ("zh-Hans", "被扣留的记录")])
def test_a_chinese_page_shows_no_english(desk: Desk, language: str, words: str) -> None:
    held = desk.hold(SENSITIVE, "category_not_permitted")
    desk.hold(b"\xff\xfe not json", "decode_error")
    client = desk.login("root")
    client.cookies.set(LANGUAGE_COOKIE, language)
    queue = client.get("/")
    assert words in queue.text and f'<html lang="{language}">' in queue.text
    for path in _pages(desk, held):
        page = client.get(path)
        assert page.status_code in (200, 404), path
        body = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", page.text, flags=re.S)
        text = re.sub(r"<[^>]*>", " ", body)
        leaked = [w for w in ENGLISH_ONLY if re.search(rf"\b{w}\b", text)]
        assert not leaked, (path, leaked)
    record = client.get(f"/records/{held}").text
    assert translate(language, "reason.category_not_permitted.why") in record
    assert "category_not_permitted" in record  # the code stays beside its plain words


def test_the_accept_language_header_chooses_and_a_choice_is_remembered(desk: Desk) -> None:
    desk.hold(SENSITIVE)
    client = desk.login("rita")
    assert "被扣留的紀錄" in client.get("/", headers={"Accept-Language": "zh-HK,zh;q=0.9"}).text
    assert "被扣留的记录" in client.get("/", headers={"Accept-Language": "zh-CN"}).text
    chosen = client.get("/language/en?next=/%3Fstatus%3Dall")
    assert chosen.status_code == 303 and chosen.headers["location"] == "/?status=all"
    assert "Held records" in client.get("/", headers={"Accept-Language": "zh-CN"}).text
    assert client.get("/language/zh-Hant?next=https://evil.example").headers["location"] == "/"
    assert client.get("/language/zh-Hant?next=//evil.example").headers["location"] == "/"
    assert client.get("/language/klingon?next=/").status_code == 303
    assert "被扣留的紀錄" in client.get("/").text  # the unknown language changed nothing


def test_a_flash_message_is_shown_in_the_reader_s_language(desk: Desk) -> None:
    held = desk.hold(SENSITIVE)
    client = desk.login("rita")
    client.cookies.set(LANGUAGE_COOKIE, "zh-Hans")
    page = client.get(f"/records/{held}")
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    client.post(f"/records/{held}/reject", data={"csrf": csrf, "reason": "not for this flow"})
    assert "已拒绝。" in client.get(f"/records/{held}").text


REPORT_ENGLISH = (
    "Cross-border transfers",
    "Recipient",
    "Jurisdiction",
    "Transferred",
    "Standard Contract",
    "contact details",
    "no filed transfer",
    "Releases after review",
    "audit events",
)


@pytest.mark.parametrize(("language", "words"), [("zh-Hant", "跨境資料傳輸"), ("zh-Hans", "跨境数据传输")])
def test_the_transfer_report_in_chinese_shows_no_english(
    desk: Desk,
    inspector: Inspector,  # noqa: F811  (the fixture imported above)
    language: str,
    words: str,
) -> None:
    ledger = Ledger(desk.review.db)
    for partition, offset, value in audit_events(inspector):
        ledger.add_raw("t.audit", partition, offset, value)
    desk.review.policy = load_policy("gba-default")
    desk.client.app.state.review.policy = desk.review.policy  # type: ignore[attr-defined]
    day = datetime.fromtimestamp(T0, UTC).date()
    query = {"start": day.isoformat(), "end": date.fromordinal(day.toordinal() + 5).isoformat()}
    client = desk.login("aud")
    client.cookies.set(LANGUAGE_COOKIE, language)
    for path in ("/report", "/report/transfers.html"):  # the page, and the page to download
        page = client.get(path, params=query)
        assert page.status_code == 200, page.text
        assert f'<html lang="{language}">' in page.text and words in page.text
        text = re.sub(r"<[^>]*>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", "", page.text, flags=re.S))
        assert not [w for w in REPORT_ENGLISH if w in text], path
        assert translate(language, "jurisdiction.hong_kong") in text
        assert translate(language, "contract.gba_standard_contract") in text
        assert "GD-HK-SC-2024-0431" in text  # a filing reference stays as filed
        assert 'data-code="hong_kong"' in page.text  # and the codes stay beside the words
