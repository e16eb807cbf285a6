"""End-to-end benchmark on a real broker: the gateway against pass-through baselines, in one run.

    .venv/bin/python -m load.bench_gateway [--records 20000] [--bootstrap HOST:PORT] [--out load/results]

Scenarios, all on the same broker and the same synthetic GBA records (half of the bank records Avro):
  passthrough-confluent  consume → produce with plain confluent-kafka (the machine's ceiling)
  passthrough-aiokafka   the worker's own stack (default engine: aiokafka, exactly once) with no inspection
  passthrough-aiokafka-2 the same with two processes in one group (how far a cheap worker scales here)
  passthrough-faust      the same with the Faust engine (CUSTOMS_STREAM_ENGINE=faust)
                         (pass-through scenarios get the records three times over, to run for as long)
  gateway-1              one `customs worker` (default engine; rules and the NER model)
  gateway-1-rules        the same with the NER model switched off (CUSTOMS_NER=false): the model's cost
  gateway-2              two `customs worker` processes in one group
  gateway-1-faust        one `customs worker` on the Faust engine
  latency                one worker fed at half its measured rate: p50/p99 end to end, read committed
Throughput is records / (last output − first output), from the outputs' own timestamps, so process
start-up does not count. Without --bootstrap a broker is started on a free port, warmed up with one
unmeasured pass-through and stopped at the end, and the worker scenarios also report the CPU milliseconds
per record of the broker, the workers and this process (feed and reader), read from /proc between feed
start and the last output.
Prints a table and the ratios, and writes JSON and a PNG chart to --out.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from confluent_kafka import Consumer, ConsumerGroupState, KafkaException, Producer
from confluent_kafka.admin import AdminClient

from customs.codec import SchemaStore
from customs.samples.feed import encoded, flow_headers
from customs.samples.generator import generate
from customs.settings import REPO_ROOT, Settings
from load.cpu import CpuMeter, per_record_ms
from load.ports import free_port_run
from streams.kafka_security import confluent_security
from streams.topics import create_topics

KAFKA = REPO_ROOT / "deploy" / "kafka" / "kafka"
Record = tuple[bytes, list[tuple[str, str | bytes | None]]]
# Pass-through is 4-5x faster than the gateway: it gets the records this many times over, so that its
# figure, too, is taken over several seconds rather than a two-second sample.
PASSTHROUGH_TIMES = 3
CPU_GROUPS = ("broker", "workers", "bench")


@dataclass
class Result:
    scenario: str
    records: int
    seconds: float
    per_second: float
    p50_ms: float | None = None
    p99_ms: float | None = None
    notes: list[str] = field(default_factory=list)
    runs: list[float] = field(default_factory=list)  # records/s of every round; per_second is their median
    # CPU ms per record from feed start to the last output, per kind of process: "broker", "workers",
    # "bench" (this process: the feed and the reader).
    cpu_ms: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Broker:
    bootstrap: str
    pid: int | None = None  # known when the benchmark started it: its CPU time is measured


@contextmanager
def broker(bootstrap: str | None) -> Iterator[Broker]:
    if bootstrap:
        yield Broker(bootstrap)
        return
    port = free_port_run(2)  # the broker's and its controller's
    data = tempfile.mkdtemp(prefix="bench-kafka-")
    env = {**os.environ, "KAFKA_PORT": str(port), "KAFKA_DATA_DIR": data}
    subprocess.run([str(KAFKA), "start"], env=env, check=True)
    try:
        yield Broker(f"127.0.0.1:{port}", int((Path(data) / "broker.pid").read_text()))
    finally:
        subprocess.run([str(KAFKA), "stop"], env=env, check=False)


def records(count: int, settings: Settings) -> list[Record]:
    schemas = SchemaStore(settings.schemas_dir)
    out: list[Record] = []
    for index, sample in enumerate(generate(count, seed=2026, max_record_bytes=settings.max_record_bytes)):
        out.append((encoded(sample, schemas, as_avro=index % 2 == 0), flow_headers(sample)))
    return out


def scenario_settings(
    bootstrap: str, partitions: int, engine: str = "aiokafka", ner: bool = True
) -> Settings:
    """A scenario's own topics and group; what its workers run with (``Settings.as_env``); ``ner``:
    whether the workers run the NER model."""
    run = uuid.uuid4().hex[:8]
    return Settings(
        bootstrap_servers=bootstrap,
        app_id=f"bench-{run}",
        topic_prefix=f"bench-{run}.",
        partitions=partitions,
        pseudonym_key="benchmark-key",
        stream_engine=engine,
        ner=ner,
        metrics_port=0,
        log_level="warning",
    )


def produce(settings: Settings, batch: list[Record], rate: float = 0.0) -> None:
    producer = Producer(
        {
            "bootstrap.servers": settings.bootstrap_servers,
            **confluent_security(settings),
            "linger.ms": 5,
            "enable.idempotence": True,
        }
    )
    topic = settings.inbound_topic_names[0]
    if rate > 0:
        # A paced feed measures latency from each record's timestamp: let the producer connect and get
        # its idempotent producer id first, or the first records would wait for that in its queue.
        producer.list_topics(timeout=10)
        warm_until = time.monotonic() + 1.5
        while time.monotonic() < warm_until:
            producer.poll(0.1)
    started = time.monotonic()
    for sent, (value, headers) in enumerate(batch, start=1):
        while True:
            try:
                # Round robin, so every partition (and every worker's share) holds the same records.
                producer.produce(topic, value=value, headers=headers, partition=sent % settings.partitions)
                break
            except BufferError:
                producer.poll(0.05)
        producer.poll(0)
        if rate > 0 and (ahead := sent / rate - (time.monotonic() - started)) > 0:
            time.sleep(ahead)
    producer.flush(60)


def collect(
    settings: Settings, topics: list[str], expected: int, timeout: float, latency: bool = False
) -> tuple[list[float], list[float]]:
    """Committed outputs: their own timestamps (s) and, with ``latency``, arrival − input time (ms)."""
    consumer = Consumer(
        {
            "bootstrap.servers": settings.bootstrap_servers,
            **confluent_security(settings),
            "group.id": f"bench-reader-{uuid.uuid4().hex}",
            "auto.offset.reset": "earliest",
            "isolation.level": "read_committed",
            "enable.auto.commit": False,
            "fetch.wait.max.ms": 10,  # the reader must not add its own waiting to the latency
        }
    )
    consumer.subscribe(topics)
    stamps: list[float] = []
    delays: list[float] = []
    deadline = time.monotonic() + timeout
    try:
        while len(stamps) < expected and time.monotonic() < deadline:
            for message in consumer.consume(num_messages=500, timeout=0.02):
                if message.error():
                    continue
                stamps.append(message.timestamp()[1] / 1000)
                if latency:
                    event = json.loads(message.value() or b"{}")
                    if event.get("timestamp_ms"):
                        delays.append(time.time() * 1000 - event["timestamp_ms"])
    finally:
        consumer.close()
    return stamps, delays


def _rate(name: str, count: int, stamps: list[float]) -> Result:
    if len(stamps) < count:
        return Result(name, len(stamps), 0.0, 0.0, notes=[f"only {len(stamps)} of {count} outputs arrived"])
    span = max(stamps) - min(stamps)
    return Result(name, count, span, count / span if span > 0 else float("inf"))


def passthrough_confluent(bootstrap: str, batch: list[Record], partitions: int) -> Result:
    settings = scenario_settings(bootstrap, partitions)
    create_topics(settings)
    produce(settings, batch)
    out_topic = settings.output_topic_names["allow"]
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            **confluent_security(settings),
            "group.id": settings.app_id,
            "auto.offset.reset": "earliest",
            "enable.auto.commit": True,
        }
    )
    producer = Producer(
        {
            "bootstrap.servers": bootstrap,
            **confluent_security(settings),
            "linger.ms": 5,
            "enable.idempotence": True,
        }
    )
    consumer.subscribe(settings.inbound_topic_names)
    moved = 0
    deadline = time.monotonic() + 300
    while moved < len(batch) and time.monotonic() < deadline:
        for message in consumer.consume(num_messages=1000, timeout=0.5):
            if message.error():
                continue
            while True:
                try:
                    producer.produce(
                        out_topic,
                        value=message.value(),
                        headers=message.headers(),
                        partition=int(message.partition() or 0),
                    )
                    break
                except BufferError:
                    producer.poll(0.05)
            moved += 1
        producer.poll(0)
    producer.flush(60)
    consumer.close()
    stamps, _ = collect(settings, [out_topic], len(batch), 120)
    return _rate("passthrough-confluent", len(batch), stamps)


def _start_workers(
    settings: Settings, count: int, module: list[str], log_dir: Path
) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, **settings.as_env()}
    procs = []
    for index in range(count):
        log = (log_dir / f"{settings.app_id}-{index}.log").open("ab")
        procs.append(subprocess.Popen(module, env=env, stdout=log, stderr=subprocess.STDOUT))
    return procs


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_for_group(settings: Settings, members: int, timeout: float = 90.0) -> None:
    """Until the workers' consumer group is stable with ``members`` members (a rebalance mid-run
    would be measured as gateway time)."""
    admin = AdminClient({"bootstrap.servers": settings.bootstrap_servers, **confluent_security(settings)})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            group = admin.describe_consumer_groups([settings.app_id])[settings.app_id].result(timeout=10)
            if group.state == ConsumerGroupState.STABLE and len(group.members) == members:
                time.sleep(2)  # transactional producers start right after the assignment
                return
        except KafkaException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"group {settings.app_id} did not settle with {members} members in {timeout:.0f}s")


def worker_run(
    name: str,
    kafka: Broker,
    batch: list[Record],
    partitions: int,
    workers: int,
    command: list[str],
    log_dir: Path,
    engine: str = "aiokafka",
    ner: bool = True,
) -> Result:
    settings = scenario_settings(kafka.bootstrap, partitions, engine, ner)
    create_topics(settings)
    procs = _start_workers(settings, workers, command, log_dir)
    try:
        wait_for_group(settings, workers)
        meter = CpuMeter(
            {
                "broker": [kafka.pid] if kafka.pid else [],
                "workers": [proc.pid for proc in procs],
                "bench": [os.getpid()],
            }
        )
        meter.start()
        produce(settings, batch)
        stamps, _ = collect(settings, [settings.output_topic_names["audit"]], len(batch), 600)
        used = meter.stop()
    finally:
        _stop(procs)
    result = _rate(name, len(batch), stamps)
    result.cpu_ms = per_record_ms(used, len(batch))
    return result


def latency_run(bootstrap: str, batch: list[Record], partitions: int, rate: float, log_dir: Path) -> Result:
    settings = scenario_settings(bootstrap, partitions)
    create_topics(settings)
    procs = _start_workers(settings, 1, [_customs(), "worker"], log_dir)
    try:
        wait_for_group(settings, 1)
        feeder = threading.Thread(target=produce, args=(settings, batch, rate))
        feeder.start()
        stamps, delays = collect(
            settings, [settings.output_topic_names["audit"]], len(batch), 600, latency=True
        )
        feeder.join()
    finally:
        _stop(procs)
    result = _rate("latency", len(batch), stamps)
    if delays:
        ordered = sorted(delays)
        result.p50_ms = statistics.median(ordered)
        result.p99_ms = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        result.notes.append(f"fed at {rate:,.0f} records/s (half of gateway-1)")
    return result


def presidio_run(batch: list[Record], settings: Settings) -> Result:
    """Presidio out of the box classifying every string field of the same records, in this process."""
    from customs.codec import Codec, DecodeError
    from load.bench_detect import bench_presidio, presidio_engine

    codec = Codec(SchemaStore(settings.schemas_dir), settings.max_record_bytes, settings.max_depth)
    decoded = []
    for value, _ in batch[:3000]:
        try:
            decoded.append(codec.decode(value).record)
        except DecodeError:
            continue
    engine, config = presidio_engine()
    measured = bench_presidio(engine, config, decoded, runs=3)
    rate = measured.records_per_second
    result = Result("presidio-out-of-the-box", len(decoded), measured.median_seconds, rate)
    result.notes.append(f"classification only, one process: {config}")
    return result


def _customs() -> str:
    return str(Path(sys.executable).parent / "customs")


def chart(results: list[Result], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    shown = [r for r in results if r.scenario != "latency" and r.per_second > 0]
    figure, axis = plt.subplots(figsize=(8, 4))
    axis.barh([r.scenario for r in shown], [r.per_second for r in shown], color="#3b6ea5")
    axis.set_xscale("log")  # plain confluent-kafka is two orders of magnitude above the rest
    axis.set_xlabel("records / second, log scale (end to end, read committed; medians)")
    axis.set_title("Data Customs gateway vs pass-through, same broker and records")
    for index, result in enumerate(shown):
        axis.text(result.per_second, index, f" {result.per_second:,.0f}", va="center")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    return True


def machine() -> dict[str, object]:
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "kafka": os.environ.get("KAFKA_VERSION", "4.1.1"),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--bootstrap", help="use this broker instead of starting one")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "load" / "results")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the throughput scenarios (medians)")
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="SCENARIO",
        help="run just these throughput scenarios (latency and Presidio still run unless --no-extras)",
    )
    parser.add_argument("--no-extras", action="store_true", help="skip the Presidio and latency scenarios")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    log_dir = Path(tempfile.mkdtemp(prefix="bench-logs-"))
    print(f"generating {args.records:,} synthetic GBA records ...", flush=True)
    batch = records(args.records, Settings())
    results: list[Result] = []
    with broker(args.bootstrap) as kafka:
        bootstrap = kafka.bootstrap
        passthrough = [sys.executable, "-m", "load.passthrough_worker"]
        worker = [_customs(), "worker"]

        def run(
            name: str,
            workers: int,
            command: list[str],
            engine: str = "aiokafka",
            times: int = 1,
            ner: bool = True,
        ) -> Callable[[], Result]:
            fed = batch * times
            return lambda: worker_run(
                name, kafka, fed, args.partitions, workers, command, log_dir, engine, ner
            )

        def passthrough_run(name: str, workers: int, engine: str = "aiokafka") -> Callable[[], Result]:
            return run(name, workers, passthrough, engine, PASSTHROUGH_TIMES)

        steps: list[tuple[str, Callable[[], Result]]] = [
            (
                "passthrough-confluent",
                lambda: passthrough_confluent(bootstrap, batch * PASSTHROUGH_TIMES, args.partitions),
            ),
            ("passthrough-aiokafka", passthrough_run("passthrough-aiokafka", 1)),
            ("passthrough-aiokafka-2", passthrough_run("passthrough-aiokafka-2", 2)),
            ("passthrough-faust", passthrough_run("passthrough-faust", 1, "faust")),
            ("gateway-1", run("gateway-1", 1, worker)),
            ("gateway-1-rules", run("gateway-1-rules", 1, worker, ner=False)),
            ("gateway-2", run("gateway-2", 2, worker)),
            ("gateway-1-faust", run("gateway-1-faust", 1, worker, "faust")),
        ]
        steps = [(name, step) for name, step in steps if not args.only or name in args.only]
        if not args.bootstrap:
            # A broker just started runs its code interpreted until the JIT has compiled it: the first
            # scenario would pay for that (measured: ~0.11 ms of broker CPU a record cold, ~0.08 warm).
            print("warming the broker up (one pass-through, not measured) ...", flush=True)
            passthrough_run("warm-up", 1)()
        rounds: dict[str, list[Result]] = {name: [] for name, _ in steps}
        for round_ in range(1, args.repeat + 1):  # interleaved, so a noisy minute hits every scenario
            for name, step in steps:
                print(f"round {round_}/{args.repeat}: running {name} ...", flush=True)
                rounds[name].append(step())
                print(f"  {rounds[name][-1].per_second:,.0f} records/s", flush=True)
        for runs in rounds.values():
            middle = sorted(runs, key=lambda r: r.per_second)[len(runs) // 2]
            middle.runs = [round(r.per_second, 1) for r in runs]
            middle.per_second = statistics.median(r.per_second for r in runs)
            middle.cpu_ms = {
                group: round(statistics.median(r.cpu_ms[group] for r in runs if group in r.cpu_ms), 3)
                for group in CPU_GROUPS
                if any(group in r.cpu_ms for r in runs)
            }
            results.append(middle)
        if not args.no_extras:
            print("running presidio-out-of-the-box ...", flush=True)
            results.append(presidio_run(batch, Settings()))
            print(f"  {results[-1].per_second:,.0f} records/s", flush=True)
        gateway_one = next((r.per_second for r in results if r.scenario == "gateway-1"), 0.0)
        if gateway_one > 0 and not args.no_extras:
            print("running latency at half the gateway-1 rate ...", flush=True)
            sample = batch[: max(1000, min(len(batch), int(gateway_one * 0.5 * 20)))]
            results.append(latency_run(bootstrap, sample, args.partitions, gateway_one * 0.5, log_dir))
    by = {r.scenario: r.per_second for r in results}
    ratios = {
        "gateway-1 / passthrough-aiokafka": _ratio(by.get("gateway-1"), by.get("passthrough-aiokafka")),
        "gateway-1 / gateway-1-rules (the NER model's cost)": _ratio(
            by.get("gateway-1"), by.get("gateway-1-rules")
        ),
        "gateway-1-faust / passthrough-faust": _ratio(by.get("gateway-1-faust"), by.get("passthrough-faust")),
        "gateway-1 / gateway-1-faust": _ratio(by.get("gateway-1"), by.get("gateway-1-faust")),
        "gateway-1 / passthrough-confluent": _ratio(by.get("gateway-1"), by.get("passthrough-confluent")),
        "gateway-2 / gateway-1": _ratio(by.get("gateway-2"), by.get("gateway-1")),
        "passthrough-aiokafka-2 / passthrough-aiokafka": _ratio(
            by.get("passthrough-aiokafka-2"), by.get("passthrough-aiokafka")
        ),
        "gateway-1 / presidio-out-of-the-box": _ratio(by.get("gateway-1"), by.get("presidio-out-of-the-box")),
    }
    print()
    print(f"{'scenario':24} {'records':>8} {'records/s':>11} {'p50 ms':>8} {'p99 ms':>8}  (medians)")
    for r in results:
        p50 = f"{r.p50_ms:,.0f}" if r.p50_ms is not None else "-"
        p99 = f"{r.p99_ms:,.0f}" if r.p99_ms is not None else "-"
        spread = f"runs {', '.join(f'{x:,.0f}' for x in r.runs)}" if len(r.runs) > 1 else ""
        notes = "; ".join([*r.notes, spread] if spread else r.notes)
        print(f"{r.scenario:24} {r.records:>8,} {r.per_second:>11,.0f} {p50:>8} {p99:>8}  {notes[:200]}")
    for name, value in ratios.items():
        print(f"{name:46} {value if value is not None else '-'}")
    measured = [r for r in results if r.cpu_ms]
    if measured:
        print()
        print(f"{'CPU ms per record':24} {'broker':>8} {'workers':>8} {'bench':>8}  (feed + reader)")
        for r in measured:
            cells = " ".join(f"{r.cpu_ms[k]:>8.3f}" if k in r.cpu_ms else f"{'-':>8}" for k in CPU_GROUPS)
            print(f"{r.scenario:24} {cells}")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {
        "machine": machine(),
        "records": args.records,
        "repeat": args.repeat,
        "results": [asdict(r) for r in results],
        "ratios": ratios,
    }
    (args.out / f"gateway-{stamp}.json").write_text(json.dumps(report, indent=2))
    (args.out / "gateway-latest.json").write_text(json.dumps(report, indent=2))
    if chart(results, args.out / "gateway-latest.png"):
        print(f"wrote {args.out}/gateway-latest.json and gateway-latest.png")


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


if __name__ == "__main__":
    main()
