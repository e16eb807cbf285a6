"""CN_USCC: mod-31 check character. Codes are synthetic (check characters computed), plus stdnum's example."""

from __future__ import annotations

import pytest

from detectors.classify import Classifier
from detectors.recognizers.cn_uscc import CnUsccRecognizer, is_uscc

pytestmark = pytest.mark.unit

RECOGNIZER = CnUsccRecognizer()


def spans(text: str) -> list[tuple[int, int]]:
    return [(r.start, r.end) for r in RECOGNIZER.analyze(text, ["CN_USCC"]) if r.score >= 0.5]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("91110000600037341L", 0, 18),  # python-stdnum's documented example
        ("统一社会信用代码91440300MA5F00001A。", 8, 26),
        ("統一社會信用代碼：91440101MA9Y000021，", 9, 27),
        ("社会团体52440000MJL000001J", 4, 22),
        ("USCC Y1440300000000001U", 5, 23),  # registration authority Y (other)
        ("事业单位121000004000000111", 4, 22),  # all digits
    ],
)
def test_found(text: str, start: int, end: int) -> None:
    assert spans(text) == [(start, end)]


@pytest.mark.parametrize(
    "text",
    [
        "91440300MA5F00001B",  # wrong check character
        "91110000600037341K",
        "91440300MA5F00001",  # 17 characters
        "91440300MA5F00001AB",  # 19 characters
        "91440300MA5F0000IA",  # I is not in the alphabet
        "91440300ma5f00001a",  # lower case
        "01440300MA5F00001A",  # registration authority 0 does not exist
        "11010519491231002X",  # resident ID
        "620102199001010513",  # resident ID that also passes Luhn
        "订单20240315123456789",
        "白术 黄芪 党参",  # herb names
    ],
)
def test_not_found(text: str) -> None:
    assert spans(text) == []


def test_is_uscc() -> None:
    assert is_uscc("91440300MA5F00001A")
    assert not is_uscc("91440300MA5F00001B")


def test_resident_id_wins_over_uscc(classifier: Classifier) -> None:
    findings = classifier.classify({"id": "11010519491231002X"})
    assert [f.entity for f in findings] == ["CN_RESIDENT_ID"]
