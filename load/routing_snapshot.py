"""Every byte the worker publishes for generated records, to show that a speed change changed none of them.

    python -m load.routing_snapshot OUT.jsonl [--records 3000]     # before the change, then after it
    python -m load.routing_snapshot --compare BEFORE.jsonl AFTER.jsonl
    python -m load.routing_snapshot --profile [--records 3000]     # cProfile of inspect + routing

The records are ``load.bench_inspect``'s (generated, half the bank records as Avro), read as the worker
reads them (``streams.routing.inbound``, flow headers; every 29th record signed with a key the gateway does
not hold, every eleventh without a timestamp, so dated today: compare snapshots made on the same day),
spread over four input partitions, inspected in batches of 500 (``Inspector.inspect_many``, as
``streams/gateway.py`` does) and routed with one audit chain per partition (``streams.routing.outputs``).
A snapshot line per output: channel, key, value, headers, in order, bytes as
hex. ``--compare`` prints the first differing line and exits 1 if any differs.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
from collections.abc import Iterator, Sequence

from customs import headers as h
from customs.audit.chain import Chainer, Head
from customs.codec import SchemaStore
from customs.factory import build_inspector
from customs.flow_signature import FlowKey
from customs.inspection import Inspector
from customs.samples.feed import as_avro, encoded, flow_headers, signed_headers
from customs.samples.generator import generate
from customs.settings import Settings
from streams import routing

PARTITIONS = 4
BATCH = 500
TIMESTAMP = 1_780_000_000.0  # seconds; a fixed day, so date checks give the same result every run


def _stranger(source: str) -> FlowKey:
    return FlowKey(f"{source}:stranger", "hmac-sha256", secret=b"a key no organisation holds")


def inbound_records(count: int, seed: int, settings: Settings) -> list[routing.Inbound]:
    schemas = SchemaStore(settings.schemas_dir)
    limits = {"max_record_bytes": settings.max_record_bytes, "max_depth": settings.max_depth}
    records = []
    for index, sample in enumerate(generate(count, seed=seed, **limits)):
        value = encoded(sample, schemas, as_avro(index, 0.5))
        headers: h.RawHeaders = (
            signed_headers(sample, value, {sample.flow.source: _stranger(sample.flow.source)})
            if index % 29 == 3
            else flow_headers(sample)
        )
        records.append(
            routing.inbound(
                topic="bench.inbound",
                partition=index % PARTITIONS,
                offset=index // PARTITIONS,
                timestamp=None if index % 11 == 5 else TIMESTAMP + index / 1000,
                key=str(index).encode() if index % 2 else None,
                value=value,
                headers=headers,
            )
        )
    return records


def route(inspector: Inspector, records: Sequence[routing.Inbound]) -> Iterator[routing.Output]:
    """The outputs of ``records``, batch by batch, as the gateway builds them."""
    chainers = {p: Chainer(Head(routing.chain_name("bench.inbound", p))) for p in range(PARTITIONS)}
    for start in range(0, len(records), BATCH):
        batch = records[start : start + BATCH]
        verdicts = inspector.inspect_many([(r.value, r.flow, r.origin) for r in batch])
        for record, verdict in zip(batch, verdicts, strict=True):
            yield from routing.outputs(record, verdict, chainers[record.origin.partition])


def _line(output: routing.Output) -> str:
    return json.dumps(
        [
            output.channel,
            output.key.hex() if output.key is not None else None,
            output.value.hex(),
            [[name, value.hex()] for name, value in output.headers],
        ]
    )


def _compare(before: str, after: str) -> int:
    with open(before, encoding="utf-8") as a, open(after, encoding="utf-8") as b:
        left, right = a.read().splitlines(), b.read().splitlines()
    for number, (x, y) in enumerate(zip(left, right, strict=False)):
        if x != y:
            print(f"output {number} differs:\n  before {x[:300]}\n  after  {y[:300]}")
            return 1
    if len(left) != len(right):
        print(f"{len(left)} outputs before, {len(right)} after")
        return 1
    print(f"same: {len(left)} outputs")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Snapshot (or compare, or profile) the worker's outputs.")
    parser.add_argument("out", nargs="?", help="snapshot file to write")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--profile", action="store_true", help="print a cProfile of inspect + routing")
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if args.compare:
        return _compare(*args.compare)
    settings = Settings(pseudonym_key="benchmark-key")
    inspector = build_inspector(settings)
    records = inbound_records(args.records, args.seed, settings)
    if args.profile:
        list(route(inspector, records[:BATCH]))  # warm-up
        profiler = cProfile.Profile()
        profiler.enable()
        list(route(inspector, records))
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(40)
        stats.sort_stats("cumulative").print_stats(60)
        return 0
    if not args.out:
        parser.error("give OUT, --compare or --profile")
    with open(args.out, "w", encoding="utf-8") as out:
        for output in route(inspector, records):
            out.write(_line(output) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
