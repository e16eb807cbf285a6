"""HK_MO_EXIT_PERMIT: shape and context. All numbers are synthetic."""

from __future__ import annotations

import pytest

from detectors.classify import Classifier
from detectors.recognizers.hk_mo_exit_permit import HkMoExitPermitRecognizer

pytestmark = pytest.mark.unit

RECOGNIZER = HkMoExitPermitRecognizer()


def spans(text: str, hint: str = "") -> list[tuple[int, int]]:
    results = RECOGNIZER.analyze(text, ["HK_MO_EXIT_PERMIT"])
    return [(r.start, r.end) for r in results if RECOGNIZER.score_with_hint(r.score, hint) >= 0.5]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("C12345678", 0, 9),
        ("CA0000001", 0, 9),
        ("往來港澳通行證CA0000001。", 7, 16),
        ("港澳通行证号码：CZ7654321，", 8, 17),
        ("exit permit C00000001", 12, 21),
    ],
)
def test_found(text: str, start: int, end: int) -> None:
    assert spans(text) == [(start, end)]


@pytest.mark.parametrize(
    "text",
    [
        "CI1234567",  # I is not used
        "CO1234567",  # O is not used
        "C1234567",  # too short
        "C123456789",  # too long
        "CAB1234567",
        "c12345678",  # lower case
        "XC12345678",  # inside a longer code
        "型号C12345678",  # model number
        "批號C24051801",  # lot number
        "川芎 9g",  # herb name
    ],
)
def test_not_found(text: str) -> None:
    assert spans(text) == []


def test_permit_context_beats_hk_id_of_same_shape(classifier: Classifier) -> None:
    # "CA1823611" is also a valid HK ID without brackets; the permit context decides.
    findings = classifier.classify({"note": "往來港澳通行證CA1823611"})
    assert [(f.entity, f.start, f.end) for f in findings] == [("HK_MO_EXIT_PERMIT", 7, 16)]
    findings = classifier.classify({"note": "香港身份證CA1823611"})
    assert [(f.entity, f.start, f.end) for f in findings] == [("HK_ID_CARD", 5, 14)]
