"""How much a mask-all scan alters what holds no personal data: the share of clean fields it rewrites.

    python -m load.clean_fields [--count 3000] [--seed 0] [--labels FILE] [--no-ner]

The records are :func:`customs.samples.corpus.labelled_corpus`'s mixed labelled records (visits, claims, bank
files, free text, orders, herb batches, formularies, catalogues), or with ``--labels`` those of a labelled
file (``customs.samples.labelled``). Each is inspected as ``customs scan --policy mask-all`` would (the
``mask-all`` preset: every finding masked with its type tag). A *clean field* is a string field with no
labelled span in it; it is *altered* when the value that leaves differs from the one that came in. Health
data needs a subject (``detectors.subject``): the herb lists of batches and formularies are no finding, so a
mask-all scan leaves them as they are. Prints the figure, overall and by record kind.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from customs.codec import Codec, SchemaStore, compact_json
from customs.inspection import Inspector, Origin
from customs.samples.corpus import LabelledRecord, labelled_corpus
from customs.samples.labelled import read_labelled
from customs.settings import Settings
from detectors.classify import Classifier
from detectors.walker import walk
from rules.decision import FlowContext
from rules.policy import load_policy

FLOW = FlowContext("dg-factory", "hk-trading", "supply_chain", date(2026, 1, 5))  # mask-all needs no flow


@dataclass
class CleanFields:
    """Clean string fields seen and altered, overall and by record kind."""

    fields: int = 0
    altered: int = 0
    fields_by_kind: Counter[str] = field(default_factory=Counter)
    altered_by_kind: Counter[str] = field(default_factory=Counter)

    @property
    def share(self) -> float:
        return self.altered / self.fields if self.fields else 0.0


def mask_all_inspector(classifier: Classifier) -> Inspector:
    settings = Settings()
    codec = Codec(SchemaStore(settings.schemas_dir), settings.max_record_bytes, settings.max_depth)
    return Inspector(classifier, codec, lambda: load_policy("mask-all"), b"clean-fields-key-0123456789abcdef")


def altered_clean_fields(corpus: Sequence[LabelledRecord], inspector: Inspector) -> CleanFields:
    """Inspect every record of ``corpus`` and count its clean string fields the verdict's value changed."""
    out = CleanFields()
    for offset, labelled in enumerate(corpus):
        verdict = inspector.inspect(compact_json(labelled.record), FLOW, Origin("clean-fields", 0, offset))
        after = {path: text for path, text, _ in walk(json.loads(verdict.value)).fields}
        labelled_paths = {span.path for span in labelled.spans}
        for path, text, _ in walk(labelled.record).fields:
            if path in labelled_paths:
                continue
            out.fields += 1
            out.fields_by_kind[labelled.kind] += 1
            if after.get(path) != text:
                out.altered += 1
                out.altered_by_kind[labelled.kind] += 1
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--labels", type=Path, help="a labelled JSON Lines file instead of the corpus")
    parser.add_argument("--no-ner", action="store_true", help="the rules alone")
    args = parser.parse_args(argv)
    corpus = read_labelled(args.labels) if args.labels else labelled_corpus(args.count, args.seed)
    counts = altered_clean_fields(corpus, mask_all_inspector(Classifier(ner=not args.no_ner)))
    source = str(args.labels) if args.labels else f"the labelled corpus, seed {args.seed}"
    print(
        f"mask-all altered {counts.altered} of {counts.fields} clean fields = {counts.share:.2%} "
        f"({len(corpus)} records of {source})"
    )
    for kind, fields in sorted(counts.fields_by_kind.items()):
        altered = counts.altered_by_kind[kind]
        print(f"  {kind:<18} {altered:>5} / {fields:<6} {altered / fields:.2%}")


if __name__ == "__main__":
    main()
