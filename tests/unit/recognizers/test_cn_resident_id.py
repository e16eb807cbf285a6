"""CN_RESIDENT_ID: plain and grouped (6-8-4, 6-4-4-4 by one space or one dash throughout) with a valid check
character alone; grouped old (6-6-3) or wrong-check forms with an ID word before them. All synthetic."""

from __future__ import annotations

import pytest

from detectors.classify import Classifier

pytestmark = pytest.mark.unit

VALID = "440304197702142253"  # check character 3 holds
WRONG = "440304197702142258"


def ids(classifier: Classifier, text: str, hint: str = "") -> list[tuple[int, int, float]]:
    return [
        (s, e, score)
        for s, e, score, entity in classifier.find(text, hint, False)
        if entity == "CN_RESIDENT_ID"
    ]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        (VALID, (0, 18)),
        ("440304 19770214 2253", (0, 20)),
        ("ID 320102-19661130-7678", (3, 23)),
        ("身份证 440304 19770214 2253", (4, 24)),
        ("身份证 440304 1977 0214 2253", (4, 25)),
        ("440304-1977-0214-2253，已核验", (0, 21)),
        ("身份证\u3000４４０３０４\u3000１９７７０２１４\u3000２２５３", (4, 24)),  # through the view
        ("11010519491231002x 已登记", (0, 18)),
    ],
)
def test_a_valid_id_counts_alone_plain_or_grouped(
    classifier: Classifier, text: str, span: tuple[int, int]
) -> None:
    [(start, end, score)] = ids(classifier, text)
    assert (start, end) == span
    assert score == 1.0


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("身份证 440304 19770214 2258", (4, 24)),  # wrong check character
        ("身份证号：440304-1977-0214-2258", (5, 26)),
        ("身份证：440103 711111 123", (4, 21)),  # the old 15-digit form
    ],
)
def test_a_grouped_old_or_mistyped_id_counts_after_an_id_word(
    classifier: Classifier, text: str, span: tuple[int, int]
) -> None:
    [(start, end, score)] = ids(classifier, text)
    assert (start, end) == span
    assert 0.5 <= score < 1.0


@pytest.mark.parametrize(
    "text",
    [
        "440304 19770214 2258",  # wrong check, no ID word
        "440103 711111 123",  # old form, no ID word
        "440304-19770214 2253",  # mixed separators
        "440304 19771314 2253",  # month 13
        "订单 440304 19770214 2253 8",  # inside a longer grouped run
        "SKU440304 19770214 2253",
        "6222 0212 3456 7894",  # a card
    ],
)
def test_no_grouped_id(classifier: Classifier, text: str) -> None:
    assert ids(classifier, text) == []
