"""load.realtext: public NER corpora read, converted to labelled records and scored (synthetic snippets)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from customs.samples.labelled import parse_labelled
from detectors.finding import Finding
from load.realtext import (
    CORPORA,
    Corpus,
    HeldOutSplit,
    Sentence,
    decode,
    extract,
    has_house_number,
    labelled_line,
    main,
    read_cluener,
    read_conll,
    read_corpus,
    read_parallel,
    refuse_test,
    sample,
    score,
)

pytestmark = pytest.mark.unit

# Weibo-style: the character, its position in the word, a tab, a BIO tag with .NAM/.NOM.
WEIBO = """我0\tO
叫1\tO
艾0\tB-PER.NAM
小1\tI-PER.NAM
伍2\tI-PER.NAM
，0\tO
10\tO
e12\tO

她0\tO
妈0\tB-PER.NOM
妈1\tI-PER.NOM
"""

# Resume-style: BMES tags, a space between character and tag.
RESUME = """柯 B-NAME
一 M-NAME
禾 E-NAME
， O
男 O

任 O
甲 S-NAME
"""

CLUENER_LINES = (
    json.dumps(
        {
            "text": "欧小雨住在示例市虹光路88号",
            "label": {"name": {"欧小雨": [[0, 2]]}, "address": {"示例市虹光路88号": [[5, 13]]}},
        },
        ensure_ascii=False,
    )
    + "\n"
    + json.dumps({"text": "今天天气好"}, ensure_ascii=False)
    + "\n"
)


def test_conll_bio_offsets_drop_weibo_position_digits() -> None:
    first, second = read_conll(WEIBO.splitlines(keepends=True), position_digits=True)
    assert first.text == "我叫艾小伍，1e"
    assert first.spans == ((2, 5, "PER.NAM"),)
    assert first.text[2:5] == "艾小伍"
    assert second == Sentence("她妈妈", ((1, 3, "PER.NOM"),))


def test_conll_bmes_offsets_single_character_names() -> None:
    first, second = read_conll(RESUME.splitlines())
    assert (first.text, first.spans) == ("柯一禾，男", ((0, 3, "NAME"),))
    assert (second.text, second.spans) == ("任甲", ((1, 2, "NAME"),))


def test_decode_opens_a_new_span_when_the_kind_changes_and_closes_at_the_end() -> None:
    sentence = decode(list("甲乙丙丁"), ["B-PER", "I-LOC", "I-LOC", "I-LOC"])
    assert sentence.spans == ((0, 1, "PER"), (1, 4, "LOC"))


def test_parallel_files_tokens_and_tags_line_by_line() -> None:
    (sentence,) = read_parallel(["由 岳 小 川 出 征 。"], ["O B-PER I-PER I-PER O O O"])
    assert sentence.text == "由岳小川出征。"
    assert sentence.text[1:4] == "岳小川"
    assert sentence.spans == ((1, 4, "PER"),)
    with pytest.raises(ValueError, match="3 tokens but 2 tags"):
        list(read_parallel(["甲 乙 丙"], ["O O"]))


def test_cluener_inclusive_ends_both_layouts_and_wrong_offsets_dropped() -> None:
    pretty = json.dumps(
        {"text": "岑小舟说", "label": {"name": {"岑小舟": [[0, 2]], "不在": [[0, 1]]}}},
        indent=2,
        ensure_ascii=False,
    )
    first, second = read_cluener(CLUENER_LINES)
    assert first.spans == ((0, 3, "name"), (5, 14, "address"))
    assert first.text[5:14] == "示例市虹光路88号"
    assert second.spans == ()
    (third,) = read_cluener(pretty + "\n" + "\n")
    assert third.spans == ((0, 3, "name"),)


def test_labelled_line_is_the_eval_format_with_mapped_entities_only() -> None:
    sentence = Sentence("我叫艾小伍，她妈妈", ((2, 5, "PER.NAM"), (7, 9, "PER.NOM")))
    line = labelled_line(sentence, CORPORA["weibo"])
    assert line["labels"] == [{"path": "text", "entity": "PERSON", "start": 2, "end": 5}]
    record = parse_labelled(json.dumps(line, ensure_ascii=False))
    assert [record.value(span) for span in record.spans] == ["艾小伍"]
    assert record.domain == "free_text"


@pytest.mark.parametrize(
    "name",
    ["weiboNER_2nd_conll.test", "test.char.bmes", "data/cluener/Test.json", "var/x/test-sentences.txt"],
)
def test_test_splits_are_refused(name: str) -> None:
    with pytest.raises(HeldOutSplit):
        refuse_test(name)


def test_read_corpus_refuses_a_test_file_even_under_a_train_name(tmp_path: Path) -> None:
    corpus = Corpus("fake", "", "o/r", {"train": ("data/test.conll",)}, "conll", {"PER": "PERSON"})
    (tmp_path / "fake").mkdir()
    (tmp_path / "fake" / "train-test.conll").write_text("甲 B-PER\n", encoding="utf-8")
    with pytest.raises(HeldOutSplit):
        read_corpus(corpus, "train", tmp_path)
    with pytest.raises(HeldOutSplit):
        read_corpus(corpus, "test", tmp_path)  # type: ignore[arg-type]


def test_the_command_line_takes_no_test_split() -> None:
    with pytest.raises(SystemExit):
        main(["--split", "test"])


def test_no_corpus_reads_a_test_file() -> None:
    for corpus in CORPORA.values():
        assert set(corpus.files) <= {"train", "dev"}
        for paths in corpus.files.values():
            for path in paths:
                refuse_test(path)  # raises on a test file


@pytest.mark.parametrize(
    ("address", "expected"),
    [("示例市虹光路88号", True), ("某某街十号", True), ("甲乙大廈３座", True), ("示例市虹光路", False)],
)
def test_house_numbers(address: str, expected: bool) -> None:
    assert has_house_number(address) is expected


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("示例市虹光路88号", True),
        ("甲乙花园12幢7单元", True),
        ("某大厦二层", True),
        ("示例路十号", True),
        ("地铁2号线人民广场", False),
        ("798厂", False),
        ("南京西路20路车站旁", False),
    ],
)
def test_strict_house_numbers(address: str, expected: bool) -> None:
    assert has_house_number(address, strict=True) is expected


class _Fixed:
    """A classifier that reports the same findings for each record, in turn."""

    def __init__(self, findings: list[list[Finding]]) -> None:
        self.findings = iter(findings)

    def classify(self, record: object) -> list[Finding]:
        return next(self.findings)


def test_score_overlap_exact_house_numbers_and_unscored_entities() -> None:
    sentences = [
        Sentence("欧小雨住在示例市虹光路88号", ((0, 3, "name"), (5, 14, "address"))),
        Sentence("岑小舟和范一说", ((0, 3, "name"), (4, 6, "name"))),
    ]
    findings = [
        [
            Finding("text", "PERSON", 0, 3, 0.9),  # exact
            Finding("text", "LOCATION", 8, 14, 0.9),  # overlaps 6/9 of the address: found, not exact
            Finding("text", "PHONE_NUMBER", 11, 13, 0.9),  # not labelled by the corpus: not scored
        ],
        [
            Finding("text", "PERSON", 1, 3, 0.9),  # 2/3 of 岑小舟: found, not exact
            Finding("text", "PERSON", 6, 7, 0.9),  # spurious
        ],
    ]
    result = score(CORPORA["cluener"], "dev", sentences, _Fixed(findings), total=10, show_misses=5)
    person, location = result.entities["PERSON"], result.entities["LOCATION"]
    assert set(result.entities) == {"PERSON", "LOCATION"}
    assert (person.overlap.labels, person.overlap.labels_found) == (3, 2)
    assert (person.overlap.predictions, person.overlap.predictions_correct) == (3, 2)
    assert (person.exact.labels_found, person.exact.predictions_correct) == (1, 1)
    assert (location.overlap.recall, location.exact.recall) == (1.0, 0.0)
    assert (location.house_numbers.labels, location.house_numbers.labels_found) == (1, 1)
    assert (result.sentences, result.scored) == (10, 2)
    assert any("missed" in m and "[范一]" in m for m in result.misses)
    assert any("spurious" in m and "[说]" in m for m in result.misses)
    assert not any("PHONE_NUMBER" in m for m in result.misses)
    figures = result.as_json()
    assert figures["person"]["overlap"] == {
        "labels": 3, "found": 2, "recall": 0.6667, "flagged": 3, "correct": 2, "precision": 0.6667
    }  # fmt: skip
    assert figures["location"]["house_number"] == {"labels": 1, "found": 1, "recall": 1.0}
    assert figures["location"]["house_number_strict"] == {"labels": 1, "found": 1, "recall": 1.0}


def test_sample_is_seeded_and_keeps_corpus_order() -> None:
    sentences = [Sentence(str(n), ()) for n in range(50)]
    chosen = sample(sentences, 10, seed=3)
    assert chosen == sample(sentences, 10, seed=3)
    assert [int(s.text) for s in chosen] == sorted(int(s.text) for s in chosen)
    assert sample(sentences, None, seed=3) == sentences


def test_extract_from_a_git_mirror_then_score_and_write_figures(tmp_path: Path) -> None:
    mirror = tmp_path / "mirrors" / "hltcoe+golden-horse" / "repo"
    work = tmp_path / "work"
    (work / "data").mkdir(parents=True)
    (work / "data" / "weiboNER_2nd_conll.dev").write_text(WEIBO, encoding="utf-8")
    (work / "data" / "weiboNER_2nd_conll.test").write_text(WEIBO, encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q", str(work)], check=True)
    subprocess.run([*git, "-C", str(work), "add", "."], check=True)
    subprocess.run([*git, "-C", str(work), "commit", "-q", "-m", "data"], check=True)
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(mirror)], check=True)
    corpora, figures, labels = tmp_path / "corpora", tmp_path / "figures.json", tmp_path / "labels.jsonl"

    written = extract(tmp_path / "mirrors", corpora)  # other corpora have no mirror here: skipped

    assert written == [corpora / "weibo" / "dev-weiboNER_2nd_conll.dev"]
    assert not any("test" in path.name for path in corpora.rglob("*"))
    main(
        ["--corpus", "weibo", "--corpora", str(corpora), "--json", str(figures), "--labels-out", str(labels)]
    )
    (result,) = json.loads(figures.read_text(encoding="utf-8"))["results"]
    assert (result["corpus"], result["split"], result["scored"]) == ("weibo", "dev", 2)
    assert result["person"]["overlap"]["labels"] == 1
    lines = [parse_labelled(line) for line in labels.read_text(encoding="utf-8").splitlines()]
    assert [record.value(span) for record in lines for span in record.spans] == ["艾小伍"]
