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
from collections import Counter
from pathlib import Path

from confluent_kafka import Consumer
from rich.console import Console, Group
from rich.live import Live
from rich.panel import Panel
from rich.table import Table

from customs.settings import REPO_ROOT, Settings
from load.feed import publish
from streams import headers as h
from streams.kafka_security import confluent_security
from streams.peek import display_codec, readable
from streams.topics import create_topics

DECISIONS = ("allow", "mask", "quarantine")


class Tally:
    """Counts of routed records, read back (committed only) from the output topics."""

    def __init__(self) -> None:
        self.decisions: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()
        self.last_masked = ""
        self.fed = 0

    def view(self, started: float, settings: Settings, worker_log: Path) -> Group:
        elapsed = max(time.monotonic() - started, 1e-6)
        table = Table(title="Data Customs — live decisions", expand=False)
        table.add_column("decision")
        table.add_column("records", justify="right")
        table.add_column("per second", justify="right")
        for decision in DECISIONS:
            count = self.decisions[decision]
            table.add_row(decision, f"{count:,}", f"{count / elapsed:,.1f}")
        table.add_row("[dim]fed[/dim]", f"[dim]{self.fed:,}[/dim]", f"[dim]{self.fed / elapsed:,.1f}[/dim]")
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
        return Group(table, reasons, sample, hint)


def _count_outputs(settings: Settings, tally: Tally, stop: threading.Event) -> None:
    topics = settings.output_topic_names
    consumer = Consumer(
        {
            "bootstrap.servers": settings.bootstrap_servers,
            **confluent_security(settings),
            "group.id": f"customs-demo-view-{uuid.uuid4().hex[:8]}",
            "auto.offset.reset": "latest",
            "isolation.level": "read_committed",
            "enable.auto.commit": False,
        }
    )
    consumer.subscribe([topics[d] for d in DECISIONS])
    by_topic = {topics[d]: d for d in DECISIONS}
    codec = display_codec(settings)  # masked bank records are Avro: shown as JSON
    try:
        while not stop.is_set():
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


class _FeedStopped(Exception):
    pass


def _feed(settings: Settings, rate: float, tally: Tally, stop: threading.Event) -> None:
    def sent(_sample: object) -> None:
        tally.fed += 1
        if stop.is_set():
            raise _FeedStopped

    with contextlib.suppress(_FeedStopped):
        publish(settings, count=0, rate=rate, seed=int(time.time()), on_sent=sent)


DEMO_USERS = (("demo-reviewer", "reviewer"), ("demo-approver", "approver"), ("demo-admin", "admin"))


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
    with worker_log.open("ab") as log_handle:
        worker = subprocess.Popen(
            [str(Path(sys.executable).parent / "customs"), "worker"],
            stdout=log_handle,
            stderr=subprocess.STDOUT,
            env=children_env,
        )
    review_log = log_dir / "review.log"
    users_file = demo_users(settings)
    review_url = f"http://{settings.review_host}:{settings.review_port}/"
    console.print(f"[bold]Starting the quarantine review UI[/bold] at {review_url}; log: {review_log}")
    console.print(f"  demo users and passwords (reviewer, approver, admin): {users_file}")
    with review_log.open("ab") as log_handle:
        review = subprocess.Popen(
            [str(Path(sys.executable).parent / "customs"), "review"],
            stdout=log_handle,
            stderr=subprocess.STDOUT,
            env=children_env,
        )
    tally = Tally()
    stop = threading.Event()
    stop_feed = threading.Event()
    threads = [
        threading.Thread(target=_count_outputs, args=(settings, tally, stop), daemon=True),
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
        caught_up = time.monotonic() + 15  # every fed record routed (read committed), or give up waiting
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
