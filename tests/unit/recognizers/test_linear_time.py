"""Every recognizer, and the classifier as a whole, takes time linear in the text's length on adversarial
shapes: one producer's record must not freeze the worker. Ratios of CPU time, never wall-clock bounds.

Each shape is repeated to 10,000, 40,000 and 160,000 characters and each length timed in CPU seconds of
this process (another process on the machine does not count): linear grows about four-fold per step, a
quadratic pattern sixteen-fold. A step that grows ``MAX_GROWTH``-fold or more is measured again, up to
``ATTEMPTS`` times, keeping the least time of each length (a linear recognizer passes on the first).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import partial
from itertools import pairwise

import pytest

from detectors.classify import Classifier
from detectors.ner.reader import shared_reader
from detectors.recognizers import GbaRecognizer, all_recognizers
from rules.minor import stated_child

SIZES = (10_000, 40_000, 160_000)
# The NER model reads about 40,000 characters a second, in pieces of at most 160 (so linear by design):
# its recognizers, and the classifier with it, are measured on a shorter ladder, to keep this tier fast.
MODEL_SIZES = (1_250, 5_000, 20_000)
MAX_GROWTH = 8.0  # per four-fold step: linear is 4, quadratic 16
FLOOR = 0.01  # CPU seconds: below this, a step's growth is measured from this floor (timer noise)
ATTEMPTS = 3

# The shapes a fuzzing run found slow, and their relatives: addresses, digit runs, names, separators.
SHAPES = {
    "flat_floor": "Flat A, 10/F, ",
    "floors": "10/F ",
    "rooms": "Room 1, Block A, Tower 2, ",
    "digits": "1234567890",
    "digit_spaces": "1 2 3 4 ",
    "digit_groups": "1234 5678 ",
    "digit_dashes": "1-",
    "digit_dots": "1.1.1.1.",
    "han": "广州市天河区天河路陈大文李小明黄",
    "surname_given": "陈大文 ",
    "surname_list": "陈大文、",
    "surnames": "陈李张王",
    "titles": "王先生",
    "commas": ",,,,",
    "slashes": "////",
    "dashes": "----",
    "mixed_scripts": "陈Chan 12 號Road ",
    "roads": "Road ",
    "road_spaces": "Road" + " " * 500,
    "house_numbers": "No. 1 ",
    "rua": "Rua de ",
    "zh_streets": "天河路123号",
    "zh_street_marks": "路1号",
    "at_signs": "@@@@",
    "a_at": "a@a@a@",
    "emails": "a.b@c.d ",
    "capitals": "A",
    "capitalised": "Nathan ",
    "ips": "192.168.1.1 ",
    "hk_ids": "A123456(7) ",
    "dates": "1990-01-01 ",
    "health": "患有高血压",
    "fullwidth_digits": "１２３４",
    "spaces": " ",
    "age_spaces": "age" + " " * 500,  # read by rules.minor.stated_child
    "ages": "年龄 5 ",
    "sex_ages": "男，",
    "child_ages": "5岁",
}
# The shapes the model reads (running Han text).
MODEL_SHAPES = ("han", "mixed_scripts")


def _shape(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _cpu(run: Callable[[str], object], text: str) -> float:
    shared_reader().forget()  # the model's cache would make a second run free
    started = time.process_time()
    run(text)
    return time.process_time() - started


def _growths(run: Callable[[str], object], unit: str, sizes: Sequence[int] = SIZES) -> list[float]:
    """The growth of each four-fold step (least CPU time over the attempts so far)."""
    times = [float("inf")] * len(sizes)
    for _ in range(ATTEMPTS):
        times = [min(known, _cpu(run, _shape(unit, size))) for known, size in zip(times, sizes, strict=True)]
        growths = [after / max(before, FLOOR) for before, after in pairwise(times)]
        if max(growths) < MAX_GROWTH:
            break
    return growths


def _recognizers(model: bool) -> Sequence[GbaRecognizer]:
    return [r for r in all_recognizers() if isinstance(r, GbaRecognizer) and r.MODEL is model]


def _slow(
    run: Callable[[str], object], shapes: Sequence[str], sizes: Sequence[int]
) -> dict[str, list[float]]:
    """The shapes on which ``run`` grows faster than linearly, with the growth of each step."""
    slow = {}
    for name in shapes:
        growths = _growths(run, SHAPES[name], sizes)
        if max(growths) >= MAX_GROWTH:
            slow[name] = [round(g, 1) for g in growths]
    return slow


@pytest.mark.parametrize("recognizer", _recognizers(model=False), ids=lambda r: type(r).__name__)
def test_each_recognizer_is_linear(recognizer: GbaRecognizer) -> None:
    slow = _slow(recognizer.spans, list(SHAPES), SIZES)
    assert not slow, f"{type(recognizer).__name__} grows faster than linearly on {slow}"


@pytest.mark.parametrize("recognizer", _recognizers(model=True), ids=lambda r: type(r).__name__)
def test_each_model_recognizer_is_linear(recognizer: GbaRecognizer) -> None:
    slow = _slow(recognizer.spans, MODEL_SHAPES, MODEL_SIZES)
    assert not slow, f"{type(recognizer).__name__} grows faster than linearly on {slow}"


def test_the_classifier_is_linear() -> None:
    classifier = Classifier()
    slow = _slow(partial(classifier.find, ner=False), list(SHAPES), SIZES)
    slow |= {
        f"{name} (model)": growths
        for name, growths in _slow(classifier.find, MODEL_SHAPES, MODEL_SIZES).items()
    }
    assert not slow, f"the classifier grows faster than linearly on {slow}"


AGE_SHAPES = ["spaces", "age_spaces", "ages", "sex_ages", "child_ages", "digit_spaces", "han", "commas"]


@pytest.mark.parametrize("lead", ["", "age", "年龄", "男", "5", "5岁"])
def test_the_stated_age_check_is_linear(lead: str) -> None:
    """``rules.minor.stated_child`` reads every string of a record again, in text and in an age field; a
    lead word before a long run (``age`` and 160,000 spaces) must not make it backtrack over the run."""
    slow = _slow(lambda text: stated_child({"note": lead + text}), AGE_SHAPES, SIZES)
    in_field = _slow(lambda text: stated_child({"age": lead + text}), AGE_SHAPES, SIZES)
    slow |= {f"{name} (age field)": growths for name, growths in in_field.items()}
    assert not slow, f"the stated-age check grows faster than linearly on {slow}"
