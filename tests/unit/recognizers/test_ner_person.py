"""PERSON from the NER model: names in running text without cues; the lexicons' vetoes. Synthetic text."""

from __future__ import annotations

import pytest

from detectors.classify import Classifier
from detectors.recognizers.ner_person import NerPersonRecognizer

pytestmark = pytest.mark.unit

RECOGNIZER = NerPersonRecognizer()


def names(text: str) -> list[str]:
    return [text[start:end] for start, end, _ in RECOGNIZER.spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("已交王芳跟进", ["王芳"]),
        ("记者王吉瑛报道，所长毛寿龙说这件事很重要。", ["王吉瑛", "毛寿龙"]),
        ("@王小明 你好呀，周末一起去爬山吗", ["王小明"]),
        ("浙江大学的李明教授昨天发表了演讲", ["李明"]),
        ("陳大文先生於香港九龍彌敦道600號居住", ["陳大文"]),
    ],
)
def test_names_in_running_text(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "何首乌15g，陈皮6g，黄芪30g，王不留行10g",  # herbs, and a herb the model splits
        "荆防败毒散：荆芥 10g 防风 10g",  # a formula
        "陈李济保济丸 3.7g×20 丸",  # a patent medicine
        "佢哋喺度等緊，我哋一陣再嚟",  # Cantonese pronouns and particles
        "我是水瓶座，今年运气不错",  # a zodiac sign
        "黃大仙、何文田及荃灣三間中醫診所暫停服務",  # Hong Kong districts
        "余仁生（香港）有限公司今日公布業績",  # a company named after its founder
        "周大福珠宝今年的销售额上升了",  # a brand
        "王芳",  # too short to be running text: the rules judge short values
    ],
)
def test_vetoes(text: str) -> None:
    assert names(text) == []


def test_the_classifier_adds_the_model_to_the_rules() -> None:
    text = "病例已交王芳跟进，下周再安排复诊。"
    with_model = Classifier()
    rules_only = Classifier(ner=False)
    assert [(text[s:e], entity) for s, e, _, entity in with_model.find(text)] == [("王芳", "PERSON")]
    assert rules_only.find(text) == ()
    assert with_model.find(text, ner=False) == ()  # a flow whose policy turns the model off


def test_an_organisation_the_model_read_vetoes_a_rule_name() -> None:
    text = "周大福珠宝今年的销售额上升了，门店也增加了"
    assert [entity for _, _, _, entity in Classifier().find(text)] == []


@pytest.mark.parametrize(
    ("confidence", "score"), [(1.0, 0.75), (0.4, 0.5), (0.0, pytest.approx(1 / 3, abs=1e-3))]
)
def test_a_name_scores_by_the_model_confidence(confidence: float, score: float) -> None:
    from detectors.ner.spans import person_score

    assert person_score(confidence) == score


def test_an_organisation_that_is_exactly_the_name_does_not_veto_it() -> None:
    # The model reads this synthetic name after 联系 as an organisation; the rule finds it, and it stays.
    text = "注意休息，调畅情志，如有不适请联系金慧军，电话+86 136 5288 7761。"
    found = [(text[s:e], entity) for s, e, _, entity in Classifier().find(text, "notes")]
    assert ("金慧军", "PERSON") in found
