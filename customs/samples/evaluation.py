"""Score the classifier against a labelled corpus: per-entity precision, recall and F1, and two trap rates.

A predicted finding matches a labelled span when both have the same path and entity and they overlap by
at least half of the labelled span. Recall counts the labelled spans that some finding matches; precision
counts the findings that match some labelled span (one finding over a whole list of symptoms matches
each of them). Besides the per-entity table the report gives

* the false-positive rate on clean records: the share of records with no personal data (orders,
  logistics, herb stock and batches, formularies, catalogues) that got any *identifier* finding, that is
  any entity but ``HEALTH_DATA`` (a health finding in a clean record, which has no data subject, counts
  against ``HEALTH_DATA``'s precision instead: see ``detectors.subject``);
* the share of prescriptions (records with herb names in a prescription) in which a herb was
  reported as a ``PERSON``: 陈皮, 黄芪, 何首乌 begin with common surname characters.

``run_eval(count, seed)`` builds the corpus of :func:`customs.samples.corpus.labelled_corpus` and scores a
fresh :class:`~detectors.classify.Classifier` on it; ``format_report`` renders the result as a text table.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from customs.samples.corpus import DOMAINS, HerbSpan, LabelledRecord, LabelledSpan, labelled_corpus
from detectors.finding import Finding

MIN_OVERLAP = 0.5
NOT_IDENTIFIERS = frozenset({"HEALTH_DATA"})


class _Classifies(Protocol):
    def classify(self, record: object) -> list[Finding]: ...


@dataclass
class Counts:
    """Labelled spans and predicted findings of one entity (or of a group of records)."""

    labels: int = 0
    labels_found: int = 0  # labelled spans matched by some finding
    predictions: int = 0
    predictions_correct: int = 0  # findings matching some labelled span

    @property
    def precision(self) -> float | None:
        return self.predictions_correct / self.predictions if self.predictions else None

    @property
    def recall(self) -> float | None:
        return self.labels_found / self.labels if self.labels else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Counts) -> None:
        self.labels += other.labels
        self.labels_found += other.labels_found
        self.predictions += other.predictions
        self.predictions_correct += other.predictions_correct


@dataclass
class Miss:
    """One false negative (``kind`` "missed") or false positive ("spurious"), for reading, not scoring."""

    kind: str
    record_kind: str
    path: str
    entity: str
    text: str  # the string at ``path``
    start: int
    end: int


@dataclass
class Report:
    records: int
    per_entity: dict[str, Counts]
    per_domain: dict[str, Counts]
    clean_records: int
    clean_with_identifier: int
    clean_entities: dict[str, int]  # identifier entity -> clean records where it fired
    prescriptions: int
    prescriptions_herb_as_person: int
    seconds: float
    misses: list[Miss] = field(default_factory=list)

    @property
    def overall(self) -> Counts:
        total = Counts()
        for counts in self.per_entity.values():
            total.add(counts)
        return total

    @property
    def clean_fp_rate(self) -> float | None:
        return self.clean_with_identifier / self.clean_records if self.clean_records else None

    @property
    def herb_as_person_rate(self) -> float | None:
        return self.prescriptions_herb_as_person / self.prescriptions if self.prescriptions else None

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0


def matches(finding: Finding, label: LabelledSpan) -> bool:
    """Same path and entity, overlapping by at least half of the labelled span."""
    if finding.path != label.path or finding.entity != label.entity:
        return False
    overlap = min(finding.end, label.end) - max(finding.start, label.start)
    return overlap > 0 and overlap >= MIN_OVERLAP * (label.end - label.start)


def _herb_as_person(findings: Iterable[Finding], herbs: Sequence[HerbSpan]) -> bool:
    return any(
        f.entity == "PERSON" and f.path == herb.path and f.start < herb.end and herb.start < f.end
        for f in findings
        for herb in herbs
    )


def _text_at(record: LabelledRecord, path: str) -> str:
    try:
        return record.value(LabelledSpan(path, "", 0, 10**9))
    except (KeyError, IndexError, ValueError, TypeError):
        return ""


def score_record(
    findings: Sequence[Finding], labels: Sequence[LabelledSpan]
) -> tuple[dict[str, Counts], list[LabelledSpan], list[Finding]]:
    """Per-entity counts for one record, with its missed labels and its spurious findings."""
    counts: dict[str, Counts] = defaultdict(Counts)
    missed: list[LabelledSpan] = []
    spurious: list[Finding] = []
    for label in labels:
        counts[label.entity].labels += 1
        if any(matches(f, label) for f in findings):
            counts[label.entity].labels_found += 1
        else:
            missed.append(label)
    for finding in findings:
        counts[finding.entity].predictions += 1
        if any(matches(finding, label) for label in labels):
            counts[finding.entity].predictions_correct += 1
        else:
            spurious.append(finding)
    return counts, missed, spurious


def evaluate(classifier: _Classifies, corpus: Sequence[LabelledRecord], keep_misses: int = 200) -> Report:
    """Classify every record of ``corpus`` and score the findings against its labels."""
    per_entity: dict[str, Counts] = defaultdict(Counts)
    per_domain: dict[str, Counts] = {domain: Counts() for domain in DOMAINS}
    clean_records = clean_hit = prescriptions = herb_person = 0
    clean_entities: dict[str, int] = defaultdict(int)
    misses: list[Miss] = []
    seconds = 0.0
    for labelled in corpus:
        started = time.perf_counter()
        findings = classifier.classify(labelled.record)
        seconds += time.perf_counter() - started
        counts, missed, spurious = score_record(findings, labelled.spans)
        for entity, entity_counts in counts.items():
            per_entity[entity].add(entity_counts)
            per_domain[labelled.domain].add(entity_counts)
        if labelled.domain == "clean":
            clean_records += 1
            identifiers = {f.entity for f in findings if f.entity not in NOT_IDENTIFIERS}
            clean_hit += bool(identifiers)
            for entity in identifiers:
                clean_entities[entity] += 1
        if labelled.herbs:
            prescriptions += 1
            herb_person += _herb_as_person(findings, labelled.herbs)
        wrong = [("missed", m.path, m.entity, m.start, m.end) for m in missed]
        wrong += [("spurious", s.path, s.entity, s.start, s.end) for s in spurious]
        for kind, path, entity, start, end in wrong[: max(0, keep_misses - len(misses))]:
            misses.append(Miss(kind, labelled.kind, path, entity, _text_at(labelled, path), start, end))
    return Report(
        records=len(corpus),
        per_entity=dict(per_entity),
        per_domain=per_domain,
        clean_records=clean_records,
        clean_with_identifier=clean_hit,
        clean_entities=dict(clean_entities),
        prescriptions=prescriptions,
        prescriptions_herb_as_person=herb_person,
        seconds=seconds,
        misses=misses,
    )


def _pct(value: float | None) -> str:
    return "     -" if value is None else f"{100 * value:5.1f}%"


def _row(name: str, counts: Counts) -> str:
    return (
        f"{name:<20}{counts.labels:>8}{counts.labels_found:>8}{counts.predictions:>8}"
        f"{counts.predictions_correct:>8}  {_pct(counts.precision)}  {_pct(counts.recall)}  {_pct(counts.f1)}"
    )


def format_report(report: Report, show_misses: int = 0) -> str:
    """A plain-text table: one row per entity, then per domain, then the clean and herb rates."""
    header = (
        f"{'entity':<20}{'labels':>8}{'found':>8}{'flagged':>8}{'correct':>8}"
        f"  {'prec.':>6}  {'recall':>6}  {'F1':>6}"
    )
    rule = "-" * len(header)
    lines = [
        f"Detection quality on {report.records} labelled records "
        f"({report.records_per_second:,.0f} records/s while scoring)",
        "",
        header,
        rule,
    ]
    lines += [_row(entity, report.per_entity[entity]) for entity in sorted(report.per_entity)]
    lines += [rule, _row("all entities", report.overall), "", header.replace("entity", "domain", 1), rule]
    lines += [
        _row(name, counts)
        for name, counts in report.per_domain.items()
        if counts.labels or counts.predictions
    ]
    lines.append("")
    clean = ", ".join(f"{entity} {n}" for entity, n in sorted(report.clean_entities.items())) or "none"
    lines.append(
        f"clean records with an identifier finding: {report.clean_with_identifier}/{report.clean_records}"
        f" = {_pct(report.clean_fp_rate).strip()}  (by entity: {clean})"
    )
    herbs = f"{report.prescriptions_herb_as_person}/{report.prescriptions}"
    lines.append(
        f"prescriptions with a herb flagged PERSON: {herbs} = {_pct(report.herb_as_person_rate).strip()}"
    )
    if show_misses:
        lines += ["", f"first {show_misses} misses (missed = false negative, spurious = false positive):"]
        for miss in report.misses[:show_misses]:
            piece = miss.text[miss.start : miss.end]
            lines.append(f"  {miss.kind:<8} {miss.entity:<16} {miss.record_kind:<16} {miss.path}: {piece!r}")
    lines.append("")
    lines.append(
        "found = labelled spans matched by a finding (same path and entity, overlap >= 50% of the span); "
        "correct = findings matching a labelled span."
    )
    return "\n".join(lines)


def run_eval(count: int = 2000, seed: int = 0, labels: Path | None = None, ner: bool = True) -> Report:
    """The ``customs eval`` command: score a fresh classifier on ``labelled_corpus(count, seed)``, or on
    the labelled records of the file ``labels`` (see :mod:`customs.samples.labelled`); ``ner``: with
    the NER model."""
    from customs.samples.labelled import read_labelled
    from detectors.classify import Classifier

    corpus = read_labelled(labels) if labels is not None else labelled_corpus(count, seed)
    return evaluate(Classifier(ner=ner), corpus)


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m customs.samples.evaluation [--records N] [--seed S] [--labels FILE] [--misses K]``."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--labels", type=Path, help="score on this labelled JSON Lines file instead")
    parser.add_argument("--misses", type=int, default=0, help="print the first K misses")
    args = parser.parse_args(argv)
    print(format_report(run_eval(args.records, args.seed, args.labels), show_misses=args.misses))


if __name__ == "__main__":
    main()
