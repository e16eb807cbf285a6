"""Detection on real text: public Chinese NER corpora, converted to labelled records and scored.

    python -m load.realtext --extract-from /work/.mirror     # once: copy the corpora out of git mirrors
    python -m load.realtext [--corpus weibo ...] [--split dev] [--limit 2000] [--misses 20] [--json OUT]

The corpora (research licences: they are read from ``var/corpora/``, which git ignores, and never committed):

========  ==============================  ==========================================  =====================
corpus    GitHub repository               files (train, dev)                          labels scored
========  ==============================  ==========================================  =====================
weibo     hltcoe/golden-horse             data/weiboNER_2nd_conll.{train,dev}         PER.NAM -> PERSON
resume    jiesutd/LatticeLSTM             ResumeNER/{train,dev}.char.bmes             NAME -> PERSON
cluener   StanleySun233/ChineseNER        data/cluener/{train,dev}.json               name -> PERSON,
                                                                                      address -> LOCATION
msra      lemonhu/NER-BERT-pytorch        data/msra/val/{sentences,tags}.txt (dev)    PER -> PERSON
========  ==============================  ==========================================  =====================

(CLUENER2020's own repository, CLUEbenchmark/CLUENER2020, does not hold its data; the copy named above has
the original ``train.json``/``dev.json`` pretty-printed. MSRA has no official dev split: ``val`` is the
3,000 sentences that repository split off the training set; its training files are too large for the mirror.)

**Only train and dev splits.** The test splits are held out for the project's own measurement: every
reader here refuses a file whose name contains "test", and ``--split`` takes only train or dev.

Each sentence becomes one record ``{"text": sentence}`` in the ``customs eval --labels`` format of
:mod:`customs.samples.labelled` (labels by offsets), and is scored by
:func:`customs.samples.evaluation.evaluate` with the classifier as it is configured. Only the kinds a corpus
labels are scored: PERSON everywhere, LOCATION only on CLUENER (its ``address`` covers every place mention
down to the house number; ``LOCATION`` findings on the other corpora are not scored, and neither are other
entities). Weibo's ``PER.NOM`` (nominal mentions: 妈妈, 男友) are not names, so a PERSON finding on one counts
against precision.

Matching: a finding matches a label with the same entity that it overlaps by at least half of the label
(the evaluation's rule, "overlap"); "exact" also reports findings whose start and end are the label's.
Addresses "with a house number" are the ``address`` labels containing a digit or 号/號; their recall is
reported apart (issue 13's target: ≥ 0.90 in running text), and, stricter, those with a number before a
house, building, floor or flat word (大街218号, 12幢, 239室: not 地铁2号线, 798厂). Records/s is the
classifier's time alone, one sentence at a time. ``--rules-only`` switches the NER model off.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shlex
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol, get_args

from customs.samples.corpus import LabelledRecord
from customs.samples.evaluation import Counts, Report, evaluate, matches
from customs.samples.labelled import parse_labelled
from detectors.finding import Finding

Split = Literal["train", "dev"]
SPLITS: tuple[Split, ...] = get_args(Split)
Format = Literal["conll", "cluener", "parallel"]
REPO_ROOT = Path(__file__).resolve().parent.parent
CORPORA_DIR = REPO_ROOT / "var" / "corpora"
FIELD = "text"
HOUSE_NUMBER = re.compile(r"[\d号號]")
# Stricter: a number, then a house, building, floor or flat word (not 2号线, 798厂, 20路车站).
NUMBERED_PREMISES = re.compile(
    r"(?:\d+|[零一二三四五六七八九十百]+)\s*(?:号(?!线)|號(?!線)|弄|幢|栋|棟|座|楼|樓|层|層|室|单元|單元)"
)
_POSITION = re.compile(r"(.+?)(\d+)")  # Weibo's character column: the character, then its position in a word


class HeldOutSplit(ValueError):
    """A test split was asked for: those are held out for the project's own measurement."""


@dataclass(frozen=True)
class Corpus:
    """A public NER corpus: where its splits come from, how to read them, which labels to score."""

    name: str
    genre: str
    repo: str  # GitHub owner/name
    files: Mapping[Split, tuple[str, ...]]  # paths in the repository (parallel: sentences, tags)
    format: Format
    entities: Mapping[str, str]  # the corpus's label -> our entity
    position_digits: bool = False  # Weibo: each character is followed by its position in its word

    def local(self, split: Split, corpora: Path = CORPORA_DIR) -> tuple[Path, ...]:
        """Where the extracted files of ``split`` live."""
        return tuple(corpora / self.name / f"{split}-{Path(path).name}" for path in self.files[split])

    @property
    def scored(self) -> frozenset[str]:
        return frozenset(self.entities.values())


CORPORA: dict[str, Corpus] = {
    corpus.name: corpus
    for corpus in (
        Corpus(
            "weibo",
            "social media (Weibo posts)",
            "hltcoe/golden-horse",
            {"train": ("data/weiboNER_2nd_conll.train",), "dev": ("data/weiboNER_2nd_conll.dev",)},
            "conll",
            {"PER.NAM": "PERSON"},
            position_digits=True,
        ),
        Corpus(
            "resume",
            "résumés",
            "jiesutd/LatticeLSTM",
            {"train": ("ResumeNER/train.char.bmes",), "dev": ("ResumeNER/dev.char.bmes",)},
            "conll",
            {"NAME": "PERSON"},
        ),
        Corpus(
            "cluener",
            "news and web text (CLUENER2020)",
            "StanleySun233/ChineseNER",
            {"train": ("data/cluener/train.json",), "dev": ("data/cluener/dev.json",)},
            "cluener",
            {"name": "PERSON", "address": "LOCATION"},
        ),
        Corpus(
            "msra",
            "news (MSRA)",
            "lemonhu/NER-BERT-pytorch",
            {"dev": ("data/msra/val/sentences.txt", "data/msra/val/tags.txt")},
            "parallel",
            {"PER": "PERSON"},
        ),
    )
}


@dataclass(frozen=True)
class Sentence:
    text: str
    spans: tuple[tuple[int, int, str], ...]  # start, end (exclusive), the corpus's label


# --- reading -----------------------------------------------------------------------------------------


def refuse_test(name: str) -> None:
    """Raise :class:`HeldOutSplit` if ``name`` (a file name or path) names a test split."""
    if "test" in Path(name).name.lower():
        raise HeldOutSplit(f"{name}: test splits are held out for the project's own measurement")


def _tag(tag: str) -> tuple[str, str]:
    """``("B", "PER")`` from ``B-PER`` (BIO, BMES, BIOES; ``O`` is ``("O", "")``)."""
    if tag == "O" or "-" not in tag:
        return "O", ""
    prefix, _, kind = tag.partition("-")
    return prefix.upper(), kind


def decode(tokens: Sequence[str], tags: Sequence[str]) -> Sentence:
    """The sentence and its labelled spans from tokens and their BIO/BMES tags. A continuation tag
    (I, M, E) whose kind differs from the open span's starts a new span; E and S close it."""
    text = "".join(tokens)
    spans: list[tuple[int, int, str]] = []
    open_start, open_kind = -1, ""
    offset = 0

    def close(end: int) -> None:
        nonlocal open_start, open_kind
        if open_start >= 0:
            spans.append((open_start, end, open_kind))
        open_start, open_kind = -1, ""

    for token, tag in zip(tokens, tags, strict=True):
        prefix, kind = _tag(tag)
        if prefix == "O":
            close(offset)
        elif prefix in ("B", "S") or kind != open_kind:
            close(offset)
            open_start, open_kind = offset, kind
        offset += len(token)
        if prefix in ("E", "S"):
            close(offset)
    close(offset)
    return Sentence(text, tuple(spans))


def read_conll(lines: Iterable[str], position_digits: bool = False) -> Iterator[Sentence]:
    """Sentences of a CoNLL-style file: one character and its tag a line, a blank line between
    sentences. ``position_digits``: the character is followed by digits to drop (Weibo)."""
    tokens: list[str] = []
    tags: list[str] = []
    for line in lines:
        row = line.rstrip("\r\n")
        if not row.strip():
            if tokens:
                yield decode(tokens, tags)
            tokens, tags = [], []
            continue
        token, _, tag = row.rpartition("\t") if "\t" in row else row.rpartition(" ")
        if position_digits and (match := _POSITION.fullmatch(token)):
            token = match.group(1)
        tokens.append(token or " ")
        tags.append(tag.strip())
    if tokens:
        yield decode(tokens, tags)


def read_parallel(sentences: Iterable[str], tags: Iterable[str]) -> Iterator[Sentence]:
    """Sentences of a pair of files: tokens on a line of one, their tags on the same line of the other."""
    for number, (words, labels) in enumerate(zip(sentences, tags, strict=True), start=1):
        tokens, marks = words.split(), labels.split()
        if len(tokens) != len(marks):
            raise ValueError(f"line {number}: {len(tokens)} tokens but {len(marks)} tags")
        if tokens:
            yield decode(tokens, marks)


def read_cluener(text: str) -> Iterator[Sentence]:
    """Sentences of CLUENER's JSON: one object a line, or pretty-printed objects one after another;
    ``label`` maps a kind to mentions, each with its ``[start, end]`` (end inclusive). A mention whose
    offsets do not hold its text is dropped."""
    decoder = json.JSONDecoder()
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            return
        item, position = decoder.raw_decode(text, position)
        sentence: str = item["text"]
        spans = [
            (first, last + 1, kind)
            for kind, mentions in (item.get("label") or {}).items()
            for mention, places in mentions.items()
            for first, last in places
            if sentence[first : last + 1] == mention
        ]
        yield Sentence(sentence, tuple(sorted(spans)))


def read_corpus(corpus: Corpus, split: Split, corpora: Path = CORPORA_DIR) -> list[Sentence]:
    """Every sentence of a corpus's split, from its extracted files."""
    if split not in SPLITS:
        raise HeldOutSplit(f"{split!r}: only {', '.join(SPLITS)} splits are read")
    paths = corpus.local(split, corpora)
    for path in paths:
        refuse_test(str(path))
    if corpus.format == "cluener":
        return list(read_cluener(paths[0].read_text(encoding="utf-8")))
    if corpus.format == "parallel":
        words, tags = (path.read_text(encoding="utf-8").splitlines() for path in paths)
        return list(read_parallel(words, tags))
    with paths[0].open(encoding="utf-8") as lines:
        return list(read_conll(lines, corpus.position_digits))


# --- converting --------------------------------------------------------------------------------------


def labelled_line(sentence: Sentence, corpus: Corpus) -> dict[str, Any]:
    """One line of the ``customs eval --labels`` format: the sentence as a record, its labels by offsets
    (only the kinds the corpus maps to our entities)."""
    return {
        "kind": corpus.name,
        "domain": "free_text",
        "language": "zh-Hans",
        "record": {FIELD: sentence.text},
        "labels": [
            {"path": FIELD, "entity": corpus.entities[kind], "start": start, "end": end}
            for start, end, kind in sentence.spans
            if kind in corpus.entities
        ],
    }


def to_labelled(sentences: Sequence[Sentence], corpus: Corpus) -> list[LabelledRecord]:
    """The sentences as labelled records, each line checked by
    :func:`customs.samples.labelled.parse_labelled`."""
    return [
        parse_labelled(json.dumps(labelled_line(sentence, corpus), ensure_ascii=False), corpus.name, number)
        for number, sentence in enumerate(sentences, start=1)
    ]


def sample(sentences: Sequence[Sentence], limit: int | None, seed: int) -> list[Sentence]:
    """At most ``limit`` sentences, drawn with ``seed``, in corpus order."""
    if limit is None or len(sentences) <= limit:
        return list(sentences)
    chosen = sorted(random.Random(seed).sample(range(len(sentences)), limit))
    return [sentences[index] for index in chosen]


def has_house_number(address: str, strict: bool = False) -> bool:
    """A digit or 号 anywhere (issue 13's definition); ``strict``: a number before a house, building,
    floor or flat word (大街218号, 12幢, 2层, 239室)."""
    return (NUMBERED_PREMISES if strict else HOUSE_NUMBER).search(address) is not None


# --- scoring -----------------------------------------------------------------------------------------


class Classifies(Protocol):
    def classify(self, record: Any) -> list[Finding]: ...


class _Recording:
    """A classifier that remembers its findings, record by record, for the figures ``evaluate`` lacks."""

    def __init__(self, classifier: Classifies) -> None:
        self.classifier = classifier
        self.findings: list[list[Finding]] = []

    def classify(self, record: object) -> list[Finding]:
        found = self.classifier.classify(record)
        self.findings.append(found)
        return found


@dataclass
class EntityScore:
    """One entity on one corpus split: overlap figures (the evaluation's) and exact-boundary ones."""

    overlap: Counts = field(default_factory=Counts)
    exact: Counts = field(default_factory=Counts)
    house_numbers: Counts = field(default_factory=Counts)  # LOCATION only: addresses with a house number
    numbered_premises: Counts = field(default_factory=Counts)  # LOCATION only: the strict house numbers

    def as_json(self) -> dict[str, Any]:
        out = {"overlap": _figures(self.overlap, True), "exact": _figures(self.exact, True)}
        if self.house_numbers.labels:
            out["house_number"] = _figures(self.house_numbers, False)
            out["house_number_strict"] = _figures(self.numbered_premises, False)
        return out


def _figures(counts: Counts, precision: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "labels": counts.labels,
        "found": counts.labels_found,
        "recall": _round(counts.recall),
    }
    if precision:
        out |= {"flagged": counts.predictions, "correct": counts.predictions_correct}
        out["precision"] = _round(counts.precision)
    return out


@dataclass
class SplitScore:
    corpus: str
    genre: str
    split: Split
    sentences: int  # in the split
    scored: int  # sampled and scored
    entities: dict[str, EntityScore]
    records_per_second: float
    misses: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "corpus": self.corpus,
            "genre": self.genre,
            "split": self.split,
            "sentences": self.sentences,
            "scored": self.scored,
            "records_per_second": round(self.records_per_second),
            **{entity.lower(): score.as_json() for entity, score in sorted(self.entities.items())},
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def score(
    corpus: Corpus,
    split: Split,
    sentences: Sequence[Sentence],
    classifier: Classifies,
    total: int | None = None,
    show_misses: int = 0,
) -> SplitScore:
    """Score ``classifier`` on ``sentences`` of ``corpus``: the evaluation's per-entity counts for the
    entities the corpus labels, plus exact-boundary counts and house-number addresses."""
    records = to_labelled(sentences, corpus)
    recording = _Recording(classifier)
    report: Report = evaluate(recording, records, keep_misses=0)
    entities = {entity: EntityScore() for entity in sorted(corpus.scored)}
    for entity, score_ in entities.items():
        score_.overlap = report.per_entity.get(entity, Counts())
    misses: list[str] = []
    for labelled, findings in zip(records, recording.findings, strict=True):
        for entity, score_ in entities.items():
            _exact(score_.exact, [f for f in findings if f.entity == entity], labelled, entity)
            if entity == "LOCATION":
                _house_numbers(score_.house_numbers, findings, labelled, strict=False)
                _house_numbers(score_.numbered_premises, findings, labelled, strict=True)
        if len(misses) < show_misses:
            misses += _misses(labelled, findings, corpus.scored)
    return SplitScore(
        corpus.name,
        corpus.genre,
        split,
        len(sentences) if total is None else total,
        len(records),
        entities,
        report.records_per_second,
        misses[:show_misses],
    )


def _exact(counts: Counts, findings: Sequence[Finding], labelled: LabelledRecord, entity: str) -> None:
    labels = [(s.path, s.start, s.end) for s in labelled.spans if s.entity == entity]
    flagged = {(f.path, f.start, f.end) for f in findings}
    counts.labels += len(labels)
    counts.labels_found += sum(label in flagged for label in labels)
    counts.predictions += len(findings)
    counts.predictions_correct += sum((f.path, f.start, f.end) in labels for f in findings)


def _house_numbers(
    counts: Counts, findings: Sequence[Finding], labelled: LabelledRecord, strict: bool
) -> None:
    for label in labelled.spans:
        if label.entity == "LOCATION" and has_house_number(labelled.value(label), strict):
            counts.labels += 1
            counts.labels_found += any(matches(f, label) for f in findings)


def _misses(labelled: LabelledRecord, findings: Sequence[Finding], scored: frozenset[str]) -> list[str]:
    """Missed labels and spurious findings of the scored entities, the span bracketed in its sentence."""
    text = str(labelled.record[FIELD])

    def shown(kind: str, entity: str, start: int, end: int) -> str:
        return f"  {kind:<8} {entity:<8} {text[:start]}[{text[start:end]}]{text[end:]}"

    out = [
        shown("missed", label.entity, label.start, label.end)
        for label in labelled.spans
        if not any(matches(f, label) for f in findings)
    ]
    out += [
        shown("spurious", f.entity, f.start, f.end)
        for f in findings
        if f.entity in scored and not any(matches(f, label) for label in labelled.spans)
    ]
    return out


# --- reporting ---------------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "     -" if value is None else f"{100 * value:5.1f}%"


def format_scores(scores: Sequence[SplitScore]) -> str:
    header = (
        f"{'corpus':<9}{'split':<6}{'scored':>7}  {'entity':<9}{'labels':>7}{'recall':>8}{'prec.':>8}"
        f"{'exact R':>9}{'exact P':>9}{'rec/s':>8}"
    )
    lines = [header, "-" * len(header)]
    for result in scores:
        for entity, s in result.entities.items():
            lines.append(
                f"{result.corpus:<9}{result.split:<6}{result.scored:>7}  {entity:<9}{s.overlap.labels:>7}"
                f"{_pct(s.overlap.recall):>8}{_pct(s.overlap.precision):>8}"
                f"{_pct(s.exact.recall):>9}{_pct(s.exact.precision):>9}{result.records_per_second:>8,.0f}"
            )
            if s.house_numbers.labels:
                lines.append(
                    f"{'':<24}{'+ house no.':<11}{s.house_numbers.labels:>5}{_pct(s.house_numbers.recall):>8}"
                )
                strict = s.numbered_premises
                lines.append(f"{'':<24}{'+ strict':<11}{strict.labels:>5}{_pct(strict.recall):>8}")
    lines += [
        "",
        "recall/prec.: a finding matches a label of its entity overlapping >= 50% of the label;",
        "exact: same start and end. Only the entities a corpus labels are scored.",
        "+ house no.: the addresses containing a digit or 号; + strict: a number then 号 (not 号线), 弄, 幢,",
        "  栋, 座, 楼, 层, 室 or 单元.",
    ]
    for result in scores:
        if result.misses:
            lines += ["", f"{result.corpus} {result.split}: first {len(result.misses)} misses"]
            lines += result.misses
    return "\n".join(lines)


def extract(mirrors: Path, corpora: Path = CORPORA_DIR) -> list[Path]:
    """Copy every corpus's train and dev files out of git mirrors (``mirrors/owner+name/repo`` or
    ``mirrors/owner+name``, as the project's fetch tool lays them out) into ``corpora``."""
    written: list[Path] = []
    for corpus in CORPORA.values():
        base = mirrors / corpus.repo.replace("/", "+")
        git_dir = base / "repo" if (base / "repo").is_dir() else base
        if not git_dir.is_dir():
            print(f"{corpus.name}: no mirror of {corpus.repo} at {base}, skipped", file=sys.stderr)
            continue
        for split, paths in corpus.files.items():
            for path, target in zip(paths, corpus.local(split, corpora), strict=True):
                refuse_test(path)
                shown = subprocess.run(
                    ["git", f"--git-dir={git_dir}", "show", f"HEAD:{path}"], capture_output=True, check=False
                )
                if shown.returncode != 0:
                    print(
                        f"{corpus.name}: {path} is not in the mirror of {corpus.repo}, skipped",
                        file=sys.stderr,
                    )
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(shown.stdout)
                written.append(target)
    return written


def write_labelled(
    out: Path, names: Sequence[str], splits: Sequence[Split], limit: int | None, seed: int, corpora: Path
) -> None:
    """The sampled sentences in the ``customs eval --labels`` format, to read or score on their own."""
    with out.open("w", encoding="utf-8") as lines:
        for name in names:
            corpus = CORPORA[name]
            for split in splits:
                if split in corpus.files and all(path.exists() for path in corpus.local(split, corpora)):
                    for sentence in sample(read_corpus(corpus, split, corpora), limit, seed):
                        lines.write(json.dumps(labelled_line(sentence, corpus), ensure_ascii=False) + "\n")


def run(
    names: Sequence[str],
    splits: Sequence[Split],
    limit: int | None,
    seed: int,
    show_misses: int = 0,
    corpora: Path = CORPORA_DIR,
    rules_only: bool = False,
) -> list[SplitScore]:
    classifier = make_classifier(rules_only)
    results = []
    for name in names:
        corpus = CORPORA[name]
        for split in splits:
            if split not in corpus.files:
                continue
            if not all(path.exists() for path in corpus.local(split, corpora)):
                print(f"{name} {split}: not extracted (see --extract-from), skipped", file=sys.stderr)
                continue
            sentences = read_corpus(corpus, split, corpora)
            chosen = sample(sentences, limit, seed)
            results.append(score(corpus, split, chosen, classifier, len(sentences), show_misses))
    return results


def make_classifier(rules_only: bool = False) -> Classifies:
    """The classifier as configured; ``rules_only``: with its statistical model switched off."""
    from detectors.classify import Classifier

    if not rules_only:
        return Classifier()
    options: dict[str, Any] = {"ner": False}
    try:
        return Classifier(**options)
    except TypeError:
        raise SystemExit(
            "--rules-only: this classifier has no model to switch off (it is rules only)"
        ) from None


def _recognizers(rules_only: bool) -> list[str]:
    """The recognizers that ran (a model's recognizer says so with ``MODEL = True``)."""
    from detectors.engine import build_analyzer

    registered = build_analyzer().registry.recognizers
    return sorted(type(r).__name__ for r in registered if not (rules_only and getattr(r, "MODEL", False)))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m load.realtext",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog="Test splits are never read. The corpora are not in git: extract them with --extract-from.",
    )
    parser.add_argument("--corpus", action="append", choices=sorted(CORPORA), help="repeatable; default all")
    parser.add_argument("--split", action="append", choices=SPLITS, help="repeatable; default dev")
    parser.add_argument("--limit", type=int, default=2000, help="sentences per corpus split (0: all)")
    parser.add_argument("--seed", type=int, default=0, help="the sample's seed")
    parser.add_argument("--misses", type=int, default=0, help="print the first N misses of each split")
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument(
        "--labels-out", type=Path, help="also write the scored records as labelled JSON Lines"
    )
    parser.add_argument("--rules-only", action="store_true", help="switch the NER model off")
    parser.add_argument("--note", default="", help="a word on the configuration, kept in the JSON")
    parser.add_argument("--corpora", type=Path, default=CORPORA_DIR, help="where the corpora are extracted")
    parser.add_argument(
        "--extract-from", type=Path, metavar="MIRRORS", help="first copy them out of git mirrors"
    )
    args = parser.parse_args(argv)
    if args.extract_from is not None:
        for path in extract(args.extract_from, args.corpora):
            print(f"extracted {path}", file=sys.stderr)
    names = args.corpus or list(CORPORA)
    splits = args.split or ["dev"]
    limit = args.limit or None
    if args.labels_out is not None:
        with args.labels_out.open("w", encoding="utf-8") as out:
            for name in names:
                for split in splits:
                    if split in CORPORA[name].files and CORPORA[name].local(split, args.corpora)[0].exists():
                        for sentence in sample(
                            read_corpus(CORPORA[name], split, args.corpora), limit, args.seed
                        ):
                            out.write(json.dumps(labelled_line(sentence, CORPORA[name]), ensure_ascii=False))
                            out.write("\n")
    results = run(names, splits, limit, args.seed, args.misses, args.corpora, args.rules_only)
    print(format_scores(results))
    if args.json is not None:
        figures = {
            "measured": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "command": shlex.join(
                ["python", "-m", "load.realtext", *(sys.argv[1:] if argv is None else argv)]
            ),
            "note": args.note,
            "rules_only": args.rules_only,
            "recognizers": _recognizers(args.rules_only),
            "limit": limit,
            "seed": args.seed,
            "matching": "overlap: same entity, overlapping >= 50% of the label; exact: same start and end",
            "results": [result.as_json() for result in results],
        }
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
