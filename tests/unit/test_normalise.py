"""The normalised view: full-width, compatibility and invisible characters, mapped back to the original.

Property-based: whatever full-width digits and invisible characters are mixed into a phone number or a
resident ID, the classifier finds it through the view, and masking the findings (mask-all's type tag)
leaves no digit of it behind, neither ASCII nor full-width.
"""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detectors.classify import Classifier
from detectors.normalise import _SCRIPT_DIGIT_ZEROS, INVISIBLE, needs_view, view
from detectors.walker import JsonValue
from rules.decide import decide
from rules.decision import FlowContext
from rules.desensitise import desensitise
from rules.policy import load_policy

pytestmark = pytest.mark.unit

KEY = b"synthetic-normalise-key"
FULL_WIDTH = {str(d): chr(0xFF10 + d) for d in range(10)}
# A digit as other scripts write it: full-width, Arabic-Indic, Devanagari.
SCRIPT_DIGITS = {str(d): (chr(0xFF10 + d), chr(0x0660 + d), chr(0x0966 + d)) for d in range(10)}
PHONES = ("13812345678", "13912345678", "15012345678", "18612345678")
IDS = ("11010519491231002X", "440106198001010035")
MASK_ALL = load_policy("mask-all")


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(ner=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１３８００１３８０００", "13800138000"),
        ("138\u200b0013\u200b8000", "13800138000"),
        ("\u202a+852 9123 4567\u202c", "+852 9123 4567"),
        ("电话：１３８　００１３　８０００", "电话:138 0013 8000"),
        ("ＡＢＣ＠ｅｘａｍｐｌｅ．ｃｎ", "ABC@example.cn"),
        ("①②③", "123"),
        ("张伟\ufeff", "张伟"),
        # every format character (Cf), the combining grapheme joiner, variation selectors, Hangul fillers
        ("139\u00ad2211\u00ad8943", "13922118943"),
        ("139\u034f2211\u180e8943", "13922118943"),
        ("139\u20622211\u20648943", "13922118943"),
        ("139\ufe0f2211\U000e01008943", "13922118943"),
        ("139\u31642211\uffa08943", "13922118943"),
        ("手机\u061c13922118943", "手机13922118943"),
        # percent-escapes of printable ASCII, in a text that needs a view for them alone
        ("https://example.com/?tel=%2B852%2091234567", "https://example.com/?tel=+852 91234567"),
        ("?email=sun.li%40example.com", "?email=sun.li@example.com"),
        ("%31%33%38", "138"),
        ("%2b852", "+852"),
        ("%25", "%"),
        # decimal digits of other scripts: Arabic-Indic, extended Arabic-Indic, Devanagari, Thai, Bengali
        ("١٣٨١٢٣٤٥٦٧٨", "13812345678"),
        ("۱۳۸۱۲۳۴۵۶۷۸", "13812345678"),
        ("电话 १३८१२३४५६७८", "电话 13812345678"),
        ("๑๓๘", "138"),
        ("১৩৮", "138"),
        # Chinese numerals digit by digit, eight or more in a row (幺 read as one)
        ("联系电话：一三八零零一三八零零零", "联系电话:13800138000"),
        ("电话幺三八一二三四五六七八", "电话13812345678"),
        ("九一二三四五六七 二〇一九年", "91234567 二〇一九年"),
    ],
)
def test_view_text(text: str, expected: str) -> None:
    assert needs_view(text)
    assert view(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "13800138000",
        "电话：13800138000，谢谢（王先生）",
        "",
        "naïve café",
        "HbA1c 6.5%",
        "50%off",
        "%0A",
        "%E7%94%B5",
        "二〇一九年五月一日",  # a date in numerals: runs of four and less
        "一二三四五六七",  # seven numerals: shorter than any number worth reading
        "十一万三千五百",
    ],
)
def test_ordinary_text_needs_no_view(text: str) -> None:
    assert not needs_view(text)


def test_view_spans_map_back_to_the_original_characters() -> None:
    text = "电话\u3000１３８\u200b００１３８０００。"
    seen = view(text)
    start = seen.text.index("138")
    assert seen.original_span(start, start + 11) == (3, 15)
    assert text[3:15].replace("\u200b", "") == "１３８００１３８０００"


def test_every_format_character_is_invisible() -> None:
    """``INVISIBLE`` holds every character of Unicode category Cf this Python knows, and the view drops
    each of them."""
    format_chars = {chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"}
    assert format_chars <= INVISIBLE
    sample = "1" + "1".join(sorted(INVISIBLE)) + "1"
    assert needs_view(sample)
    assert view(sample).text == "1" * (len(INVISIBLE) + 1)


def test_the_script_digit_table_is_every_other_scripts_zero() -> None:
    """The literal table of other scripts' digits holds the zero of every script with decimal digits that
    NFKC leaves as they are (not ASCII, not full-width), as this Python's ``unicodedata`` knows them."""
    zeros = [
        code
        for code in range(0x80, 0x110000)
        if unicodedata.category(chr(code)) == "Nd"
        and unicodedata.decimal(chr(code)) == 0
        and unicodedata.normalize("NFKC", chr(code)) == chr(code)
    ]
    assert list(_SCRIPT_DIGIT_ZEROS) == zeros
    digits = "".join(chr(zero + d) for zero in _SCRIPT_DIGIT_ZEROS for d in (1, 3, 8))
    assert view(digits).text == "138" * len(_SCRIPT_DIGIT_ZEROS)


@pytest.mark.parametrize(
    ("text", "view_span", "original"),
    [
        ("tel=%2B852%2091234567", (4, 17), (4, 21)),  # starts on an escape
        ("%31%33%38%31%32%33%34%35%36%37%38", (0, 11), (0, 33)),  # ends on one
        ("a%40b", (1, 2), (1, 4)),  # one escape alone
        ("138\u00ad1234\ufe0f5678\u200b", (0, 11), (0, 13)),  # a trailing invisible stays outside
    ],
)
def test_spans_ending_on_an_escape_cover_the_whole_escape(
    text: str, view_span: tuple[int, int], original: tuple[int, int]
) -> None:
    assert view(text).original_span(*view_span) == original


@pytest.mark.parametrize(
    ("text", "entity", "span"),
    [
        ("１３８００１３８０００", "PHONE_NUMBER", (0, 11)),
        ("138\u200b0013\u200b8000", "PHONE_NUMBER", (0, 13)),
        ("手机：１３８－１２３４－５６７８", "PHONE_NUMBER", (3, 16)),
        ("身份证１１０１０５１９４９１２３１００２Ｘ", "CN_RESIDENT_ID", (3, 21)),
        ("邮箱 ｚｈａｎｇ９４＠ｅｘａｍｐｌｅ．ｃｎ", "EMAIL_ADDRESS", (3, 21)),
        ("139\u00ad2211\u00ad8943", "PHONE_NUMBER", (0, 13)),
        ("電話 139\ufe0f2211\u034f8943", "PHONE_NUMBER", (3, 16)),
        ("https://example.com/?tel=%2B852%2091234567", "PHONE_NUMBER", (25, 42)),
        ("?email=sun.li%40example.com", "EMAIL_ADDRESS", (7, 27)),
        ("电话 ١٣٨١٢٣٤٥٦٧٨", "PHONE_NUMBER", (3, 14)),
        ("联系电话：一三八零零一三八零零零", "PHONE_NUMBER", (5, 16)),
        ("身份证 ११०१०५१९४९१२३१००२X", "CN_RESIDENT_ID", (4, 22)),
    ],
)
def test_classifier_finds_through_the_view_at_original_offsets(
    classifier: Classifier, text: str, entity: str, span: tuple[int, int]
) -> None:
    found = [(start, end) for start, end, _, e in classifier.find(text) if e == entity]
    assert found == [span]


def _digits(text: str) -> str:
    """Every digit in ``text``, ASCII or full-width (or any other)."""
    return "".join(c for c in text if c.isdigit())


@st.composite
def disguised(draw: st.DrawFn) -> tuple[str, str]:
    """An identifier with random digits full-width (or Arabic-Indic, Devanagari) and invisible characters
    inserted (not at its end), after a prefix without digits; and the identifier."""
    value = draw(st.sampled_from(PHONES + IDS))
    out = []
    for char in value:
        if char.isdigit() and draw(st.booleans()):
            char = draw(st.sampled_from(SCRIPT_DIGITS[char]))
        out.append(char)
        if draw(st.integers(0, 5)) == 0:
            out.append(draw(st.sampled_from(sorted(INVISIBLE))))
    prefix = draw(st.sampled_from(["", "电话 ", "身份证：", "联系我 ", "备注\u3000"]))
    return prefix + "".join(out).rstrip("".join(INVISIBLE)), value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(disguised())
def test_masking_through_the_view_leaves_no_digit_run_behind(
    classifier: Classifier, case: tuple[str, str]
) -> None:
    text, value = case
    record: JsonValue = {"remarks": text}
    findings = classifier.classify(record)
    assert findings, text
    context = FlowContext(None, None, None, date(2026, 1, 15))
    masked = desensitise(record, decide(record, findings, context, MASK_ALL).masks, KEY)
    assert _digits(masked["remarks"]) == "", (text, masked, value)


@st.composite
def escaped_text(draw: st.DrawFn) -> str:
    """A text of ASCII letters and digits, percent-escapes (of those and of ``+ @ %``), invisible and
    full-width characters and Han."""
    pieces = st.one_of(
        st.sampled_from("ab1+@%. "),
        st.sampled_from("01239+@").map(lambda c: f"%{ord(c):02X}"),
        st.sampled_from(sorted(INVISIBLE)),
        st.sampled_from("１２＋電话\u3000"),
    )
    return "".join(draw(st.lists(pieces, max_size=24)))


@settings(max_examples=300, deadline=None)
@given(escaped_text(), st.data())
def test_every_view_span_maps_to_all_the_characters_it_was_read_from(text: str, data: st.DataObject) -> None:
    """Masking the original span of any view span removes every original character (or escape) that a
    character of the view span was read from, and nothing before the first or after the last."""
    seen = view(text)
    assert len(seen.origin) == len(seen.ends) == len(seen.text)
    if not seen.text:
        return
    start = data.draw(st.integers(0, len(seen.text) - 1))
    end = data.draw(st.integers(start + 1, len(seen.text)))
    first, last = seen.original_span(start, end)
    for index in range(start, end):
        assert first <= seen.origin[index] < seen.ends[index] <= last
    assert view(text[first:last]).text == seen.text[start:end]


@st.composite
def escaped_identifier(draw: st.DrawFn) -> tuple[str, str]:
    """A phone or ID in a URL query, some of its characters percent-escaped (possibly the last), some
    invisible characters of any kind between them."""
    value = draw(st.sampled_from(PHONES + IDS))
    out = []
    for char in value:
        out.append(f"%{ord(char):02X}" if draw(st.booleans()) else char)
        if draw(st.integers(0, 5)) == 0:
            out.append(draw(st.sampled_from(sorted(INVISIBLE))))
    key = "tel" if value in PHONES else "id_no"
    return f"https://example.com/?{key}=" + "".join(out).rstrip("".join(INVISIBLE)), value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(escaped_identifier())
def test_masking_through_escapes_leaves_no_digit_behind(
    classifier: Classifier, case: tuple[str, str]
) -> None:
    text, value = case
    record: JsonValue = {"url": text}
    findings = classifier.classify(record)
    assert findings, text
    context = FlowContext(None, None, None, date(2026, 1, 15))
    masked = desensitise(record, decide(record, findings, context, MASK_ALL).masks, KEY)
    assert _digits(masked["url"]) == "", (text, masked, value)
