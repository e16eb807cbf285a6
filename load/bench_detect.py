"""Detection throughput: our classifier against Presidio out of the box, on the same mixed records.

    python -m load.bench_detect --records 3000 [--runs 5] [--seed 0]

Both run single-process over every string field of the same records of
:func:`load.corpus.labelled_corpus` (clinical, banking, insurance, free text and clean records in Simplified,
Traditional and English). For each we print the median records/s of ``--runs`` timed passes (after one
warm-up pass over a few records), then the ratio, then where our time goes: each of our recognizers'
``analyze`` timed on its own over every string of the corpus, and what is left for the analyzer's own
work (NLP artifacts, context enhancement, de-duplication) and our classifier (walk, hints, overlaps).

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

from detectors.classify import Classifier
from detectors.walker import walk_strings
from load.corpus import labelled_corpus

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


def bench_ours(records: Sequence[dict[str, Any]], runs: int) -> tuple[Throughput, Classifier]:
    classifier = Classifier()
    for record in records[:WARM_UP_RECORDS]:
        classifier.classify(record)

    def work() -> None:
        for record in records:
            classifier.classify(record)

    count = len(list(classifier.analyzer.registry.recognizers))
    config = f"our Classifier: {count} GBA recognizers, no NLP engine"
    return Throughput("ours", config, time_passes(work, runs), len(records)), classifier


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


def report(ours: Throughput, presidio: Throughput, breakdown: list[tuple[str, float]], strings: int) -> str:
    lines = [
        f"{ours.records} records ({strings} string fields), {len(ours.runs)} timed passes each, median shown",
        "",
        _line(ours),
        f"          {ours.config}",
        _line(presidio),
        f"          {presidio.config}",
        "",
        f"ratio: ours / presidio = {ours.records_per_second / presidio.records_per_second:.2f}x",
        "",
        f"where our time goes (each recognizer's analyze over all {strings} strings, median pass):",
    ]
    total = ours.median_seconds
    for name, seconds in breakdown:
        lines.append(f"  {name:<32}{seconds:>8.3f} s  {100 * seconds / total:5.1f}%")
    rest = total - sum(seconds for _, seconds in breakdown)
    # Negative when the classifier's cache of short values saves more than its own bookkeeping costs.
    lines.append(f"  {'classifier overhead - cache':<32}{rest:>8.3f} s  {100 * rest / total:5.1f}%")
    lines.append(f"  {'total (median pass)':<32}{total:>8.3f} s")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Detection throughput: ours vs Presidio out of the box.")
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
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
    ours, classifier = bench_ours(records, args.runs)
    presidio = bench_presidio(engine, config, records, args.runs)
    breakdown = recognizer_breakdown(classifier, records, args.runs)
    print(report(ours, presidio, breakdown, strings))


if __name__ == "__main__":
    main()
