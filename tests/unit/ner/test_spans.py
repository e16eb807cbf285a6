"""From the model's words to names: transliterated names joined, romanisations in brackets taken with the
name, Latin-script names. The words are written by hand (no model run); the names are fictitious."""

from __future__ import annotations

import re

import pytest

from detectors.ner.model import Word
from detectors.ner.spans import is_latin_name, is_person, person_spans

pytestmark = pytest.mark.unit

_TOKEN = re.compile(r"(\S+?)/([A-Za-z]+)")


def tagged(spec: str) -> tuple[str, list[Word]]:
    """The text and its words from ``"主教练/n 菲德里克/PER ·/w 莫拉诺/PER"`` (confidence 0.9)."""
    text, words = "", []
    for token, tag in _TOKEN.findall(spec):
        words.append(Word(len(text), len(text) + len(token), tag, 0.9))
        text += token
    return text, words


def names(spec: str) -> list[str]:
    text, words = tagged(spec)
    return [text[start:end] for start, end, _ in person_spans(text, words)]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("主教练/n 菲德里克/PER ·/w 莫拉诺/PER 抵达/v", ["菲德里克·莫拉诺"]),
        ("导演/n 约翰/PER □/w 格伦特/PER 表示/v", ["约翰□格伦特"]),
        ("想/v 做/v 比尔/PER ．/w 盖茨/PER ，/w", ["比尔．盖茨"]),
        ("天后/n 奥普拉/PER ·温弗利/w 的/u 推荐/vn", ["奥普拉·温弗利"]),  # the dot glued to the part
        ("馆长/n 马里恩/LOC ·/w 图尔/PER 被捕/v", ["马里恩·图尔"]),  # a first name read as a place
        ("名导/n 弗朗西斯/PER -/w 托兰/PER -/w 格雷克/PER 的/u", ["弗朗西斯-托兰-格雷克"]),
        ("约翰/PER ·/w 的/u 书/n", ["约翰"]),  # a function word is no part of a name
        ("选手/n 王晓东/PER -/w 冠军/n", ["王晓东"]),  # a dash joins only a part read as a name
        ("台湾/LOC -/w 倍思特/PER 活动/vn", ["倍思特"]),  # nor a place before a dash
    ],
)
def test_transliterated_names_are_joined(spec: str, expected: list[str]) -> None:
    assert names(spec) == expected


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("后卫/n 卡杜/PER （/w cadu/nz ）/w 扭伤/v", ["卡杜（cadu）"]),
        ("主帅/n 萨尔多尔/PER (/w Marco/nz Sardor/n )/w 训练/v", ["萨尔多尔(MarcoSardor)"]),
        ("客户/n 李文华/PER （/w 化名/n ）/w 表示/v", ["李文华"]),  # not a romanisation
    ],
)
def test_a_romanisation_in_brackets_is_taken_with_the_name(spec: str, expected: list[str]) -> None:
    assert names(spec) == expected


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("负责人/n Mike/PER 回答/v", ["Mike"]),
        ("制作人/n DavidKorman/PER 表示/v", ["DavidKorman"]),
        ("队长/n LISA/PER 是/v", ["LISA"]),
        ("开发商/n bwin/PER 公布/v", []),  # lower case: a brand or a handle
        ("选手/n Grubby/PER 夺冠/v", []),  # not a first name
    ],
)
def test_latin_names_need_a_first_name(spec: str, expected: list[str]) -> None:
    assert names(spec) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Mike", True),
        ("Ben Bell", True),
        ("JENNY", True),
        ("mike", False),
        ("Blizzard", False),
        ("王芳", False),
    ],
)
def test_is_latin_name(word: str, expected: bool) -> None:
    assert is_latin_name(word) is expected


@pytest.mark.parametrize(
    ("word", "confidence", "expected"),
    [
        ("郭在根", 0.95, True),  # a name the model is sure of may hold 在, 从, 各, 万
        ("李从容", 0.9, True),
        ("雅各布", 0.9, True),
        ("郭在根", 0.6, False),  # unsure: a word the model glued together (童在家)
        ("张某", 0.95, False),  # 某: an anonymised person, whatever the confidence
        ("卢两国", 0.95, False),
    ],
)
def test_a_sure_name_may_hold_a_function_character(word: str, confidence: float, expected: bool) -> None:
    assert is_person(word, confidence) is expected


def scored(spec: str, confidence: float) -> list[tuple[str, float]]:
    text, words = tagged(spec)
    words = [Word(w.start, w.end, w.tag, confidence if w.tag == "PER" else 0.9) for w in words]
    return [(text[start:end], score) for start, end, score in person_spans(text, words)]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("转发/v @/w 鹿丁/PER @/w 小王/PER 的/u 微博/n", [("鹿丁", 0.5)]),  # a whole handle
        ("//@/w 宝辉/PER :/w 团队/n", [("宝辉", 0.5)]),
        ("@/w 空澈/PER 妖灵/n", []),  # part of a longer handle: as unsure as the model is
        ("昨天/TIME 鹿丁/PER 来/v", []),
    ],
)
def test_an_unsure_name_that_is_a_whole_mention_reaches_the_threshold(
    spec: str, expected: list[tuple[str, float]]
) -> None:
    assert [(name, score) for name, score in scored(spec, 0.3) if score >= 0.5] == expected


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("培训/vn 结束/v 了/u [/w 浮云/PER ]/w 淡淡/a", []),  # a Weibo emoticon
        ("好/a 开心/a [/w 晕晕/PER ]/w", []),
        ("[/w 王芳/PER 说/v ]/w", ["王芳"]),  # more than the name in the brackets
        ("【/w 王芳/PER 】/w 来稿/n", ["王芳"]),  # a heading's brackets are not an emoticon's
        ("发表/v 了/u 博文/PER 《/w", []),  # an everyday word: a blog post
    ],
)
def test_an_emoticon_or_an_everyday_word_is_no_name(spec: str, expected: list[str]) -> None:
    assert names(spec) == expected
