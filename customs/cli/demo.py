"""The main job: topics, a gateway worker, a synthetic GBA feed and a live count per decision."""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, deque
from importlib import resources
from pathlib import Path

import yaml
from confluent_kafka import Consumer, KafkaException, TopicPartition
from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.panel import Panel
from rich.table import Table

from customs import headers as h
from customs.flow_keys import new_hmac_key, signing_keys
from customs.samples.feed import NotDelivered, publish
from customs.settings import REPO_ROOT, Settings
from streams.kafka_security import confluent_security
from streams.peek import display_codec, readable
from streams.topics import create_topics

DECISIONS = ("allow", "mask", "quarantine")
SIGNED_SOURCE, SIGNED_FLOW = "dg-factory", "supply-chain"  # the demo's flow that requires signatures
FORGED_SHARE = 0.05  # of the signing source's records, sent with a forged signature
WINDOW_SECONDS = 10.0  # rates are taken over the last this many seconds
BROKER_CHECK_SECONDS = 2.0


class Tally:
    """Counts of routed records, read back (committed only) from the output topics; ``fed`` counts the
    records the broker confirmed, not those merely handed to the producer."""

    def __init__(self) -> None:
        self.decisions: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()
        self.last_masked = ""
        self.fed = 0
        self.broker_up = True
        self.broker_down_since: float | None = None
        self._samples: deque[tuple[float, dict[str, int]]] = deque()

    def counts(self) -> dict[str, int]:
        return {**{d: self.decisions[d] for d in DECISIONS}, "fed": self.fed}

    def sample(self, now: float) -> None:
        """Remember the counts at ``now`` (the view calls it on every refresh)."""
        self._samples.append((now, self.counts()))
        while len(self._samples) > 2 and now - self._samples[1][0] >= WINDOW_SECONDS:
            self._samples.popleft()

    def rates(self) -> dict[str, float]:
        """Records a second over the last ``WINDOW_SECONDS`` (0 until two samples are known): a stalled
        broker reads 0 at once, not an average since the start."""
        if len(self._samples) < 2:
            return dict.fromkeys([*DECISIONS, "fed"], 0.0)
        (first, before), (last, after) = self._samples[0], self._samples[-1]
        span = max(last - first, 1e-6)
        return {key: max(after[key] - before[key], 0) / span for key in after}

    def mark_broker(self, up: bool, now: float) -> None:
        if up:
            self.broker_up, self.broker_down_since = True, None
        elif self.broker_up:
            self.broker_up, self.broker_down_since = False, now

    def view(self, started: float, settings: Settings, worker_log: Path) -> Group:
        now = time.monotonic()
        self.sample(now)
        rates = self.rates()
        table = Table(title="Data Customs — live decisions", expand=False)
        table.add_column("decision")
        table.add_column("records", justify="right")
        table.add_column(f"per second (last {WINDOW_SECONDS:.0f} s)", justify="right")
        for decision in DECISIONS:
            table.add_row(decision, f"{self.decisions[decision]:,}", f"{rates[decision]:,.1f}")
        table.add_row("[dim]fed[/dim]", f"[dim]{self.fed:,}[/dim]", f"[dim]{rates['fed']:,.1f}[/dim]")
        reasons = Table(title="quarantine and mask reasons")
        reasons.add_column("reason")
        reasons.add_column("records", justify="right")
        for reason, count in self.reasons.most_common(8):
            reasons.add_row(reason, f"{count:,}")
        sample = Panel(self.last_masked[:400] or "(none yet)", title="latest masked record (safe to show)")
        hint = (
            f"Topics: {', '.join(settings.output_topic_names.values())} on {settings.bootstrap_servers}. "
            f"Review UI: http://{settings.review_host}:{settings.review_port}/ "
            f"(users in var/secrets/demo-users.txt). Worker log: {worker_log}. Press Ctrl-C to stop."
        )
        parts: list[RenderableType] = [table, reasons, sample, hint]
        if not self.broker_up:
            down = now - (self.broker_down_since or now)
            banner = Panel(
                f"Kafka at {settings.bootstrap_servers} cannot be reached (for {down:,.0f} s): nothing is "
                "routed or lost meanwhile — the feed and the worker wait and resume when it is back. "
                "Check `deploy/kafka/kafka status`.",
                title="broker unreachable",
                style="bold red",
            )
            parts.insert(0, banner)
        return Group(*parts)


def _output_consumer(settings: Settings) -> Consumer:
    return Consumer(
        {
            "bootstrap.servers": settings.bootstrap_servers,
            **confluent_security(settings),
            "group.id": f"customs-demo-view-{uuid.uuid4().hex[:8]}",
            "isolation.level": "read_committed",
            "enable.auto.commit": False,
            "log_level": 0,  # librdkafka's own lines (hundreds while a broker is down): the banner says it
        }
    )


def output_start(settings: Settings) -> list[TopicPartition]:
    """Where the demo starts counting: the end of every output partition now, so that everything routed
    from here on is counted once, even across a broker outage (the view keeps its own positions)."""
    consumer = _output_consumer(settings)
    try:
        starts = []
        for decision in DECISIONS:
            topic = settings.output_topic_names[decision]
            for partition in range(settings.partitions):
                while True:
                    try:
                        _, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
                        break
                    except KafkaException:  # the broker is away: wait for it, the feed waits too
                        time.sleep(1)
                starts.append(TopicPartition(topic, partition, high))
        return starts
    finally:
        consumer.close()


def _count_outputs(
    settings: Settings, tally: Tally, stop: threading.Event, starts: list[TopicPartition]
) -> None:
    topics = settings.output_topic_names
    consumer = _output_consumer(settings)
    consumer.assign(starts)  # no group offsets: positions live here, so an outage loses no count
    by_topic = {topics[d]: d for d in DECISIONS}
    codec = display_codec(settings)  # masked bank records are Avro: shown as JSON
    checked = 0.0
    try:
        while not stop.is_set():
            now = time.monotonic()
            if now - checked >= BROKER_CHECK_SECONDS:
                checked = now
                tally.mark_broker(_reachable(consumer), now)
            message = consumer.poll(0.2)
            if message is None or message.error():
                continue
            decision = by_topic[str(message.topic())]
            tally.decisions[decision] += 1
            headers = h.as_text(message.headers())
            for reason in filter(None, headers.get(h.REASONS, "").split(",")):
                tally.reasons[reason] += 1
            if decision == "mask":
                tally.last_masked = readable(codec, message.value() or b"")
    finally:
        consumer.close()


def _reachable(consumer: Consumer) -> bool:
    try:
        consumer.list_topics(timeout=1.5)
    except KafkaException:
        return False
    return True


class _FeedStopped(Exception):
    pass


def signed_demo_policy(settings: Settings) -> Settings:
    """With the shipped policy, the demo runs its copy in which the Dongguan factory signs its flow headers
    (an HMAC key made once in ``CUSTOMS_FLOW_KEYS_DIR``) and its supply-chain flow requires it; the feed
    signs its records and forges a few, which the live view shows held as ``flow_unauthenticated``."""
    if settings.policy != "gba-default":
        return settings
    key = settings.flow_keys_dir / f"{SIGNED_SOURCE}.key"
    if not key.exists():
        new_hmac_key(key)
    preset = resources.files("rules.presets").joinpath("gba-default.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(preset)
    data["name"] = "gba-default-signed"
    data["organisations"][SIGNED_SOURCE]["signing"] = "hmac-sha256"
    for flow in data["flows"]:
        if flow["id"] == SIGNED_FLOW:
            flow["require_signature"] = True
    path = REPO_ROOT / "var" / "demo" / "gba-default-signed.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    header = f"# customs demo: gba-default, with {SIGNED_SOURCE} signing and {SIGNED_FLOW} requiring it\n"
    path.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return settings.model_copy(update={"policy": str(path)})


def _feed(settings: Settings, rate: float, tally: Tally, stop: threading.Event) -> None:
    def sent(_sample: object) -> None:
        if stop.is_set():
            raise _FeedStopped

    def delivered() -> None:
        tally.fed += 1

    with contextlib.suppress(_FeedStopped, NotDelivered):
        publish(
            settings,
            count=0,
            rate=rate,
            seed=int(time.time()),
            on_sent=sent,
            on_delivered=delivered,
            flow_keys=signing_keys(settings.flow_keys_dir),
            forged_share=FORGED_SHARE,
        )


DEMO_USERS = (("demo-reviewer", "reviewer"), ("demo-approver", "approver"), ("demo-admin", "admin"))


def _start(command: str, log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """``customs COMMAND`` in a child process, its output appended to ``log``."""
    with log.open("ab") as log_handle:
        return subprocess.Popen(
            [str(Path(sys.executable).parent / "customs"), command],
            stdout=log_handle,
            stderr=subprocess.STDOUT,
            env=env,
        )


def demo_users(settings: Settings) -> Path:
    """Create the demo's review users once, each with a random password kept in a 0600 file."""
    from review.roles import parse_roles
    from review.runner import open_accounts

    path = REPO_ROOT / "var" / "secrets" / "demo-users.txt"
    accounts = open_accounts(settings)
    lines = path.read_text().splitlines() if path.exists() else []
    known = {line.split()[0] for line in lines if line.strip()}
    for name, role in DEMO_USERS:
        if name in known and accounts.user_named(name) is not None:
            continue
        password = secrets.token_urlsafe(12)
        if accounts.user_named(name) is None:
            accounts.create_user(name, password, parse_roles(role))
        else:
            accounts.set_password(name, password)
        lines = [line for line in lines if not line.startswith(f"{name} ")] + [f"{name} {password} ({role})"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text("\n".join(lines) + "\n")
    return path


def run_demo(settings: Settings, rate: float, duration: float = 0.0) -> None:
    console = Console()
    settings = signed_demo_policy(settings)
    log_dir = REPO_ROOT / "var" / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    worker_log = log_dir / "worker.log"
    console.print(f"[bold]Creating topics[/bold] on {settings.bootstrap_servers}")
    for result in create_topics(settings):
        console.print(
            f"  {'created' if result.created else 'exists '} {result.name} ({result.partitions} partitions)"
        )
    children_env = {**os.environ, **settings.as_env()}  # the worker and review UI run with these settings
    console.print(f"[bold]Starting a gateway worker[/bold] (policy {settings.policy}); log: {worker_log}")
    worker = _start("worker", worker_log, children_env)
    review_log = log_dir / "review.log"
    users_file = demo_users(settings)
    review_url = f"http://{settings.review_host}:{settings.review_port}/"
    console.print(f"[bold]Starting the quarantine review UI[/bold] at {review_url}; log: {review_log}")
    console.print(f"  demo users and passwords (reviewer, approver, admin): {users_file}")
    review = _start("review", review_log, children_env)
    tally = Tally()
    stop = threading.Event()
    stop_feed = threading.Event()
    starts = output_start(settings)
    threads = [
        threading.Thread(target=_count_outputs, args=(settings, tally, stop, starts), daemon=True),
        threading.Thread(target=_feed, args=(settings, rate, tally, stop_feed), daemon=True),
    ]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    try:
        with Live(tally.view(started, settings, worker_log), console=console, refresh_per_second=2) as live:
            while duration <= 0 or time.monotonic() - started < duration:
                if worker.poll() is not None:
                    console.print(f"[red]The worker exited ({worker.returncode}); see {worker_log}[/red]")
                    break
                time.sleep(0.5)
                live.update(tally.view(started, settings, worker_log))
    except KeyboardInterrupt:
        pass
    finally:
        console.print("[bold]Stopping[/bold] the feed; the worker routes what was fed, then stops...")
        stop_feed.set()
        threads[1].join(timeout=10)
        caught_up = time.monotonic() + 30  # every fed record routed (read committed), or give up waiting
        while (
            worker.poll() is None
            and sum(tally.decisions.values()) < tally.fed
            and time.monotonic() < caught_up
        ):
            time.sleep(0.2)
        stop.set()
        for process in (worker, review):
            process.terminate()
        for process in (worker, review):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        for thread in threads:
            thread.join(timeout=10)
    summary = ", ".join(f"{d} {tally.decisions[d]:,}" for d in DECISIONS)
    console.print(f"Routed: {summary} (fed {tally.fed:,}).")
    console.print(
        "Next: `.venv/bin/customs review` serves the quarantine review UI again at "
        f"http://{settings.review_host}:{settings.review_port}/ (users in var/secrets/demo-users.txt); "
        "`.venv/bin/customs peek mask` shows routed records (or allow, quarantine, audit); "
        "`.venv/bin/customs scan FILE --out DIR` dry-runs a file; "
        "the broker keeps running — stop it with `deploy/kafka/kafka stop`."
    )
