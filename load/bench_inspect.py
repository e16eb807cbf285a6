"""Per-record inspection throughput: ``Inspector.inspect`` alone, no broker, single thread.

    python -m load.bench_inspect [--records 5000] [--runs 5] [--seed 2026] [--avro-share 0.5]

The records are :func:`customs.samples.generator.generate`'s mixed synthetic GBA records (malformed ones
included), encoded as the gateway receives them (half of the bank records as Avro, like
``load.bench_gateway``) with their flow headers. The inspector is the one the worker builds
(``build_inspector(Settings(pseudonym_key="benchmark-key"))``, default policy). After one warm-up pass
over a few records, every timed pass inspects all records; the audit line also serialises each verdict's
audit event as the worker does. Prints the median records/s of ``--runs`` passes and every pass; times
are printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Sequence
from datetime import date

from customs import headers as h
from customs.codec import SchemaStore
from customs.factory import build_inspector
from customs.inspection import Inspector, Origin, audit_bytes, flow_context
from customs.samples.feed import as_avro, encoded, flow_headers
from customs.samples.generator import generate
from customs.settings import Settings
from load.bench_detect import time_passes
from rules.decision import FlowContext

WARM_UP_RECORDS = 50
RECORD_DATE = date(2026, 6, 1)  # a fixed record date: the contract checks give the same result every run
Item = tuple[bytes, FlowContext, Origin]


def inspection_items(count: int, seed: int, settings: Settings, avro_share: float) -> list[Item]:
    """``count`` generated records as (value, flow, origin), as the worker hands them to the inspector."""
    schemas = SchemaStore(settings.schemas_dir)
    items: list[Item] = []
    limits = {"max_record_bytes": settings.max_record_bytes, "max_depth": settings.max_depth}
    samples = generate(count, seed=seed, **limits)
    for index, sample in enumerate(samples):
        value = encoded(sample, schemas, as_avro(index, avro_share))
        headers = h.as_text(flow_headers(sample))
        origin = Origin("bench.inbound", 0, index, 1_780_000_000_000 + index)
        items.append((value, flow_context(headers, RECORD_DATE), origin))
    return items


def bench(inspector: Inspector, items: Sequence[Item], runs: int, audit: bool) -> list[float]:
    """Seconds of each timed pass of ``inspector.inspect`` (and the audit event's bytes if ``audit``)."""
    for value, flow, origin in items[:WARM_UP_RECORDS]:
        inspector.inspect(value, flow, origin)

    def inspect_all() -> None:
        for value, flow, origin in items:
            inspector.inspect(value, flow, origin)

    def inspect_and_audit() -> None:
        for value, flow, origin in items:
            audit_bytes(inspector.inspect(value, flow, origin).audit_event(origin, flow))

    return time_passes(inspect_and_audit if audit else inspect_all, runs)


def _line(name: str, records: int, seconds: list[float]) -> str:
    median = statistics.median(seconds)
    passes = ", ".join(f"{records / s:,.0f}" for s in seconds)
    return f"{name:<16}{records / median:>10,.0f} records/s (median of {len(seconds)}; passes: {passes})"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Inspector.inspect throughput over generated records (median records/s of passes)."
    )
    parser.add_argument("--records", type=int, default=5000, help="records per pass (default 5000)")
    parser.add_argument("--runs", type=int, default=5, help="timed passes (default 5)")
    parser.add_argument("--seed", type=int, default=2026, help="generator seed (default 2026)")
    parser.add_argument("--avro-share", type=float, default=0.5, help="share of bank records sent as Avro")
    parser.add_argument("--no-audit", action="store_true", help="skip the inspect + audit measurement")
    args = parser.parse_args(argv)

    settings = Settings(pseudonym_key="benchmark-key")
    inspector = build_inspector(settings)
    items = inspection_items(args.records, args.seed, settings, args.avro_share)
    print(f"{len(items)} records (seed {args.seed}), {args.runs} timed passes, single thread")
    print(_line("inspect", len(items), bench(inspector, items, args.runs, audit=False)))
    if not args.no_audit:
        print(_line("inspect+audit", len(items), bench(inspector, items, args.runs, audit=True)))


if __name__ == "__main__":
    main()
