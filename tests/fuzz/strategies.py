"""Hypothesis strategies for the fuzzing tier: synthetic identifiers in noisy text, records built of them, and
JSON-ish documents with the hazards a strict decoder must refuse. All values are synthetic."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from customs.samples import identities as ids
from customs.samples.names import chinese_name

# Bounded and deterministic: the same examples on every run (CI), no example database written.
FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

# --- synthetic personal values -------------------------------------------------------------------------

MAKERS: dict[str, Callable[[random.Random], str]] = {
    "prc_id": lambda rng: ids.prc_id(rng),
    "minor_prc_id": lambda rng: ids.prc_id(rng, ids.birth_date(rng, minor=True)),
    "hkid": lambda rng: ids.hkid(rng, brackets=rng.random() < 0.5),
    "macau_id": lambda rng: ids.macau_id(rng, old_form=rng.random() < 0.3),
    "home_return_permit": ids.home_return_permit,
    "unionpay_card": ids.unionpay_card,
    "cn_mobile": lambda rng: ids.cn_mobile(rng, international=rng.random() < 0.5),
    "hk_phone": lambda rng: ids.hk_phone(rng, international=rng.random() < 0.5),
    "mo_phone": lambda rng: ids.mo_phone(rng, international=rng.random() < 0.5),
    "email": lambda rng: ids.email(rng, chinese_name(rng).surname_pinyin),
    "name": lambda rng: chinese_name(rng, traditional=rng.random() < 0.3).full,
    "birth_date": lambda rng: ids.birth_date(rng).isoformat(),
}


def synthetic_values() -> st.SearchStrategy[str]:
    """A synthetic identifier, phone, email, name or birth date (valid check characters where they exist)."""
    return st.builds(
        lambda maker, seed: MAKERS[maker](random.Random(seed)),
        st.sampled_from(sorted(MAKERS)),
        st.integers(0, 2**32 - 1),
    )


# Context words, separators and shapes recognizers look at (or choke on).
SNIPPETS = (
    "电话：",
    "手機 ",
    "Tel: ",
    "身份证号码 ",
    "HKID ",
    "回鄉證 ",
    "卡号",
    "姓名：",
    "患者",
    "地址：",
    "Flat A, 10/F, ",
    "广东省广州市天河区体育西路 ",
    "香港九龍彌敦道 ",
    "澳門",
    "高血压",
    "诊断：2型糖尿病",
    "email ",
    "@",
    "(",
    ")",
    "-",
    "/",
    " ",
    "\n",
    "\t",
    "，",
    "。",
    "0",
    "1234",
    "+86 ",
    "+852",
    "\u200b",
    "\ufeff",
)


def noisy_texts(max_parts: int = 12) -> st.SearchStrategy[str]:
    """Synthetic values mixed with context words, separators, digits and arbitrary text."""
    part = st.one_of(
        synthetic_values(),
        st.sampled_from(SNIPPETS),
        st.text(max_size=12),
        st.from_regex(r"[0-9\-\s()/+]{1,24}", fullmatch=True),
    )
    return st.lists(part, max_size=max_parts).map("".join)


# Field names that act as hints for the recognizers, and some that do not.
KEYS = (
    "id",
    "name",
    "patient_name",
    "姓名",
    "phone",
    "mobile",
    "电话",
    "id_number",
    "身份证",
    "hkid",
    "card_no",
    "email",
    "address",
    "地址",
    "dob",
    "diagnosis",
    "note",
    "notes",
    "remark",
    "sku",
    "qty",
    "a.b",
    "c\\d",
    "",
)


def record_keys() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(KEYS), st.text(max_size=8))


def json_leaves() -> st.SearchStrategy[object]:
    return st.one_of(
        noisy_texts(),
        synthetic_values(),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.none(),
    )


def json_values(max_leaves: int = 30) -> st.SearchStrategy[object]:
    return st.recursive(
        json_leaves(),
        lambda children: st.one_of(
            st.lists(children, max_size=5), st.dictionaries(record_keys(), children, max_size=6)
        ),
        max_leaves=max_leaves,
    )


def records() -> st.SearchStrategy[dict[str, object]]:
    """A JSON object of synthetic personal values, nested a few levels at most."""
    return st.dictionaries(record_keys(), json_values(), min_size=1, max_size=8)


# --- JSON-ish documents with hazards -------------------------------------------------------------------

HAZARDS = ("duplicate_key", "non_standard_number", "invalid_unicode", "number_too_long")
LONE_SURROGATES = ("\\ud800", "\\udbff", "\\udc00", "\\udfff")


@dataclass(frozen=True)
class Document:
    """JSON text built piece by piece; ``hazards``: what a strict decoder must refuse in it (empty: none), and
    ``value``: the record a decoder must return when there is none."""

    text: str
    hazards: frozenset[str]
    value: object


def _string(text: str, escape: bool) -> str:
    return json.dumps(text, ensure_ascii=escape)


# Strategies are built once, here: building them inside a draw costs more than drawing from them.
_BOOLEANS = st.booleans()
_ONE_IN = {n: st.integers(0, n - 1) for n in (4, 10, 20)}
_SURROGATE_ESCAPES = st.sampled_from(LONE_SURROGATES)
_STRING_TEXTS = st.one_of(noisy_texts(4), st.text(max_size=10))
_SPECIAL_NUMBERS = st.sampled_from(("NaN", "Infinity", "-Infinity", "1e400", "-1E999"))
_LONG_DIGITS = st.integers(4301, 4400)
_SIGNS = st.sampled_from(("", "-"))
_FLOATS = st.floats(allow_nan=False, allow_infinity=False)
_INTEGERS = st.integers(min_value=-(10**40), max_value=10**40)
_KEY_LISTS = st.lists(record_keys(), max_size=5)
_CHILD_COUNTS = st.integers(0, 5)


@st.composite
def _strings(draw: st.DrawFn) -> Document:
    text = draw(_STRING_TEXTS)
    if draw(_ONE_IN[10]) == 0:  # a lone surrogate escape somewhere in it
        cut = draw(st.integers(0, len(text)))
        encoded = _string(text[:cut], True)[:-1] + draw(_SURROGATE_ESCAPES) + _string(text[cut:], True)[1:]
        return Document(encoded, frozenset({"invalid_unicode"}), None)
    return Document(_string(text, draw(_BOOLEANS)), frozenset(), text)


@st.composite
def _numbers(draw: st.DrawFn) -> Document:
    kind = draw(_ONE_IN[10])
    if kind == 0:
        return Document(draw(_SPECIAL_NUMBERS), frozenset({"non_standard_number"}), None)
    if kind == 1:
        return Document(draw(_SIGNS) + "7" * draw(_LONG_DIGITS), frozenset({"number_too_long"}), None)
    if kind in (2, 3):
        number = draw(_FLOATS)
        return Document(json.dumps(number), frozenset(), number)
    integer = draw(_INTEGERS)
    return Document(str(integer), frozenset(), integer)


_CONSTANTS: tuple[tuple[str, object], ...] = (("true", True), ("false", False), ("null", None))
_SCALARS = st.one_of(
    _strings(),
    _numbers(),
    st.sampled_from([Document(text, frozenset(), value) for text, value in _CONSTANTS]),
)


@st.composite
def _objects(draw: st.DrawFn, children: st.SearchStrategy[Document]) -> Document:
    keys = draw(_KEY_LISTS)
    values = [draw(children) for _ in keys]
    hazards: set[str] = set()
    encoded_keys: list[str] = []
    for key in keys:
        if draw(_ONE_IN[20]) == 0:
            encoded_keys.append('"' + draw(_SURROGATE_ESCAPES) + _string(key, True)[1:])
            hazards.add("invalid_unicode")
        else:
            encoded_keys.append(_string(key, draw(_BOOLEANS)))
    if len(set(keys)) < len(keys):
        hazards.add("duplicate_key")
    for value in values:
        hazards |= value.hazards
    text = "{" + ", ".join(f"{k}: {v.text}" for k, v in zip(encoded_keys, values, strict=True)) + "}"
    expected = None if hazards else {k: v.value for k, v in zip(keys, values, strict=True)}
    return Document(text, frozenset(hazards), expected)


@st.composite
def _arrays(draw: st.DrawFn, children: st.SearchStrategy[Document]) -> Document:
    items = [draw(children) for _ in range(draw(_CHILD_COUNTS))]
    hazards = frozenset().union(*(item.hazards for item in items))
    value = None if hazards else [item.value for item in items]
    return Document("[" + ", ".join(item.text for item in items) + "]", hazards, value)


_NESTED = st.recursive(
    _SCALARS, lambda children: st.one_of(_objects(children), _arrays(children)), max_leaves=20
)
_TOP = _objects(_NESTED)


@st.composite
def json_documents(draw: st.DrawFn) -> Document:
    """A JSON object whose text may hold duplicate keys, NaN/Infinity, lone surrogate escapes (in keys and
    values) and over-long integers, each recorded in ``hazards``; nested a few levels at most."""
    document: Document = draw(_TOP)
    if not document.hazards and draw(_ONE_IN[4]) == 0:  # sometimes a duplicate key in plain sight
        text = document.text[:-1] + (", " if document.text != "{}" else "") + '"id": 1, "id": 2}'
        return Document(text, frozenset({"duplicate_key"}), None)
    return document
