"""The normalised view: full-width, compatibility and invisible characters, mapped back to the original.

Property-based: whatever full-width digits and invisible characters are mixed into a phone number or a
resident ID, the classifier finds it through the view, and masking the findings (mask-all's type tag)
leaves no digit of it behind, neither ASCII nor full-width.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detectors.classify import Classifier
from detectors.normalise import INVISIBLE, needs_view, view
from detectors.walker import JsonValue
from rules.decide import decide
from rules.decision import FlowContext
from rules.desensitise import desensitise
from rules.policy import load_policy

pytestmark = pytest.mark.unit

KEY = b"synthetic-normalise-key"
FULL_WIDTH = {str(d): chr(0xFF10 + d) for d in range(10)}
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
    ],
)
def test_view_text(text: str, expected: str) -> None:
    assert needs_view(text)
    assert view(text).text == expected


@pytest.mark.parametrize("text", ["13800138000", "电话：13800138000，谢谢（王先生）", "", "naïve café"])
def test_ordinary_text_needs_no_view(text: str) -> None:
    assert not needs_view(text)


def test_view_spans_map_back_to_the_original_characters() -> None:
    text = "电话\u3000１３８\u200b００１３８０００。"
    seen = view(text)
    start = seen.text.index("138")
    assert seen.original_span(start, start + 11) == (3, 15)
    assert text[3:15].replace("\u200b", "") == "１３８００１３８０００"


@pytest.mark.parametrize(
    ("text", "entity", "span"),
    [
        ("１３８００１３８０００", "PHONE_NUMBER", (0, 11)),
        ("138\u200b0013\u200b8000", "PHONE_NUMBER", (0, 13)),
        ("手机：１３８－１２３４－５６７８", "PHONE_NUMBER", (3, 16)),
        ("身份证１１０１０５１９４９１２３１００２Ｘ", "CN_RESIDENT_ID", (3, 21)),
        ("邮箱 ｚｈａｎｇ９４＠ｅｘａｍｐｌｅ．ｃｎ", "EMAIL_ADDRESS", (3, 21)),
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
    """An identifier with random digits full-width and invisible characters inserted (not at its end), after
    a prefix without digits; and the identifier."""
    value = draw(st.sampled_from(PHONES + IDS))
    out = []
    for char in value:
        if char.isdigit() and draw(st.booleans()):
            char = FULL_WIDTH[char]
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
