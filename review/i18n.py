"""The review pages in 繁體中文, 简体中文 and English: which language a request wants, and its words.

Every word a page shows comes from one catalogue (``review.catalogue``): UI strings are keyed by their
English text; reason codes, entities and categories by ``reason.CODE`` (a short label),
``reason.CODE.why`` (what it means, in plain words), ``entity.NAME`` and ``category.NAME``. A user's
choice is remembered in a cookie; without one, the browser's ``Accept-Language`` decides.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, unquote

import jinja2
from starlette.requests import Request

from review.catalogue import CATALOGUE

ENGLISH = "en"
TRADITIONAL = "zh-Hant"
SIMPLIFIED = "zh-Hans"
LANGUAGES: tuple[str, ...] = (TRADITIONAL, SIMPLIFIED, ENGLISH)
LANGUAGE_NAMES = {TRADITIONAL: "繁體中文", SIMPLIFIED: "简体中文", ENGLISH: "English"}
LANGUAGE_COOKIE = "customs_lang"
LANGUAGE_MAX_AGE = 365 * 86_400

# Browser language tags (lower case) to ours; a bare "zh" reads as Simplified (the mainland default).
_TRADITIONAL_TAGS = ("zh-hant", "zh-tw", "zh-hk", "zh-mo", "yue")
_SIMPLIFIED_TAGS = ("zh-hans", "zh-cn", "zh-sg", "zh-my", "zh")


def _ours(tag: str) -> str | None:
    tag = tag.strip().lower().replace("_", "-")
    if tag in ("en",) or tag.startswith("en-"):
        return ENGLISH
    for prefix in _TRADITIONAL_TAGS:
        if tag == prefix or tag.startswith(prefix + "-"):
            return TRADITIONAL
    for prefix in _SIMPLIFIED_TAGS:
        if tag == prefix or tag.startswith(prefix + "-"):
            return SIMPLIFIED
    return None


def negotiate(accept_language: str | None) -> str:
    """The language an ``Accept-Language`` header prefers among ours (by q-value, then order)."""
    best: tuple[float, int, str] | None = None
    for index, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        language = _ours(tag)
        if language is None or quality <= 0:
            continue
        if best is None or (quality, -index) > (best[0], best[1]):
            best = (quality, -index, language)
    return best[2] if best else ENGLISH


def chosen(value: str | None) -> str | None:
    """A language code from a cookie or a form, if it is one of ours."""
    return value if value in LANGUAGES else None


def language_of(request: Request) -> str:
    """The request's language: the remembered choice, else the browser's preference."""
    return chosen(request.cookies.get(LANGUAGE_COOKIE)) or negotiate(request.headers.get("accept-language"))


def translate(language: str, key: str, **params: object) -> str:
    """``key`` in ``language``, with ``{name}`` placeholders filled; a key not in the catalogue is shown
    as it is (English text from elsewhere, such as a message a newer service raised)."""
    entry = CATALOGUE.get(key)
    text = key if entry is None else entry.get(language) or entry.get(ENGLISH) or key
    return text.format(**params) if params else text


def label(language: str, kind: str, code: str) -> str:
    """A code's label (``reason``, ``entity``, ``category``, ``status``, ``action``): its code if unknown."""
    key = f"{kind}.{code}"
    return translate(language, key) if key in CATALOGUE else code.replace("_", " ")


def reason_words(language: str, code: str) -> str:
    """What a reason code means, in plain words."""
    key = f"reason.{code}.why"
    return translate(language, key) if key in CATALOGUE else code


# -- flash messages: the key and its parameters travel in a cookie, translated when shown ------------


def flash_cookie(key: str, **params: object) -> str:
    return quote(json.dumps({"m": key, "p": params}, ensure_ascii=True, separators=(",", ":")))


def flash_text(language: str, cookie: str | None) -> str | None:
    if not cookie:
        return None
    try:
        data = json.loads(unquote(cookie))
        return translate(language, str(data["m"]), **dict(data.get("p") or {}))
    except (ValueError, KeyError, TypeError, IndexError):
        return unquote(cookie)


# -- templates -------------------------------------------------------------------------------------


def _language(context: Any) -> str:
    """The page's language: a ``language`` the page was rendered with (a standalone page), else the
    request's."""
    if (language := chosen(context.get("language"))) is not None:
        return language
    request = context.get("request")
    return language_of(request) if request is not None else ENGLISH


@jinja2.pass_context
def _gettext(context: Any, key: str, **params: object) -> str:
    return translate(_language(context), key, **params)


@jinja2.pass_context
def _label(context: Any, kind: str, code: str) -> str:
    return label(_language(context), kind, str(code))


@jinja2.pass_context
def _why(context: Any, code: str) -> str:
    return reason_words(_language(context), str(code))


@jinja2.pass_context
def _lang(context: Any) -> str:
    return _language(context)


def install(env: jinja2.Environment) -> None:
    """``_("text", name=value)``, ``label(kind, code)``, ``why(code)``, ``lang()`` in every template."""
    env.globals.update(
        _=_gettext, label=_label, why=_why, lang=_lang, languages=LANGUAGES, language_names=LANGUAGE_NAMES
    )
