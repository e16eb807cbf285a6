"""Every detection result in one file, to show that a speed change changed none of them.

    python -m load.findings_snapshot OUT.json                # before the change, then after it
    python -m load.findings_snapshot --compare BEFORE.json AFTER.json

A snapshot holds the findings (path, entity, start, end, score's repr) of

* the own labelled corpus (2,000 records, seed 0) and 3,000 generated records (seed 2026),
* every labelled set in ``load/challenge/``,
* the real-text corpora's dev splits where they are extracted (``var/corpora/``, see ``load.realtext``),

each classified record by record without and with the NER model, at the default threshold and at 0.3 (so a
score moving below the threshold shows), and batched (``classify_many``) with the model; and the whole
inspection (decision, published bytes, headers, findings, digest, detail, subjects) of 3,000 generated
records through ``inspect_many`` and, for the first 1,000, ``inspect``, with and without the model. A fresh
classifier per set: its caches must not change a result, and here they cannot hide one. ``--compare`` prints
each set as ``same`` or with its first differing record, and exits 1 if any differs. Takes about a minute.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from customs.factory import build_inspector
from customs.samples.corpus import labelled_corpus
from customs.samples.generator import generate
from customs.samples.labelled import read_labelled
from customs.settings import Settings
from detectors.classify import Classifier
from detectors.finding import Finding
from load.bench_inspect import inspection_items
from load.realtext import CORPORA, read_corpus

CHALLENGE_DIR = Path(__file__).resolve().parent / "challenge"
BATCH = 500
Snapshot = dict[str, list[Any]]


def _findings(findings: Iterable[Finding]) -> list[list[object]]:
    return [[f.path, f.entity, f.start, f.end, repr(f.score)] for f in findings]


def _record_sets() -> dict[str, list[Any]]:
    sets: dict[str, list[Any]] = {
        "corpus": [labelled.record for labelled in labelled_corpus(2000, 0)],
        "generated": [s.record for s in generate(3000, seed=2026) if s.record is not None],
    }
    for path in sorted(CHALLENGE_DIR.glob("*.jsonl")):
        sets[path.name] = [labelled.record for labelled in read_labelled(path)]
    for name, corpus in CORPORA.items():
        try:
            sets[f"real-{name}"] = [{"text": s.text} for s in read_corpus(corpus, "dev")]
        except OSError:
            continue  # not extracted here
    return sets


def snapshot() -> Snapshot:
    """The findings and verdicts described in the module docstring."""
    out: Snapshot = {}
    for name, records in _record_sets().items():
        for ner in (False, True):
            for threshold in (0.5, 0.3):
                classifier = Classifier(ner=ner, threshold=threshold)
                found = [_findings(classifier.classify(record)) for record in records]
                out[f"{name}/ner={ner}/t={threshold}/one"] = found
            classifier = Classifier(ner=ner)
            items = [(record, None, True) for record in records]
            batched: list[Any] = []
            for first in range(0, len(items), BATCH):
                for result in classifier.classify_many(items[first : first + BATCH]):
                    batched.append(_findings(result) if isinstance(result, list) else repr(result))
            out[f"{name}/ner={ner}/many"] = batched
    for ner in (False, True):
        settings = Settings(pseudonym_key="snapshot-key", ner=ner)
        inspector = build_inspector(settings)
        encoded = inspection_items(3000, 2026, settings, 0.5)
        verdicts = []
        for first in range(0, len(encoded), BATCH):
            verdicts += inspector.inspect_many(encoded[first : first + BATCH])
        verdicts += [inspector.inspect(value, flow, origin) for value, flow, origin in encoded[:1000]]
        out[f"inspect/ner={ner}"] = [
            [
                str(v.decision),
                v.value.hex(),
                [[key, value.hex()] for key, value in v.headers],
                _findings(v.findings),
                v.digest,
                v.detail,
                list(v.subjects),
            ]
            for v in verdicts
        ]
    return out


def compare(before: Snapshot, after: Snapshot) -> list[str]:
    """One line per set: ``same``, or where it first differs."""
    lines = []
    for key in sorted(before.keys() | after.keys()):
        if key not in before or key not in after:
            lines.append(f"MISSING {key} ({'after' if key in before else 'before'})")
            continue
        old, new = before[key], after[key]
        if old == new:
            lines.append(f"same {key} ({len(old)} records)")
            continue
        differ = [index for index, (a, b) in enumerate(zip(old, new, strict=False)) if a != b]
        first = differ[0] if differ else min(len(old), len(new))
        lengths = f"{len(old)} / {len(new)}"
        lines.append(f"DIFFERS {key}: {len(differ)} records, lengths {lengths}, first at {first}")
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Snapshot every detection result, or compare two snapshots.")
    parser.add_argument("out", nargs="?", type=Path, help="write a snapshot here")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args(argv)
    if args.compare:
        before, after = (json.loads(path.read_text(encoding="utf-8")) for path in args.compare)
        lines = compare(before, after)
        print("\n".join(lines))
        sys.exit(0 if all(line.startswith("same") for line in lines) else 1)
    if args.out is None:
        parser.error("give OUT or --compare BEFORE AFTER")
    args.out.write_text(json.dumps(snapshot(), ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
