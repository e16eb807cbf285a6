"""``customs report …``: the transfer ledger (the audit topic counted into the review store) and the filing
report read from it. See the README section *Proving what crossed*."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from customs.settings import Settings

report_app = typer.Typer(
    help="The transfer ledger and the filing report: what crossed, per flow, in a period.",
    no_args_is_help=True,
)


@report_app.command("ingest")
def ingest(
    idle: Annotated[float, typer.Option(help="Stop after this many seconds without a new audit event")] = 3.0,
) -> None:
    """Count the audit topic's events into the transfer ledger in the review store, up to its end, then
    stop. Each event is counted once, however often it is read: the running review service does the same
    continuously (same consumer group), so this is for a store without one, or to catch up at once."""
    from review.db import Database
    from review.kafka import QuarantineConsumer
    from review.ledger import Ledger
    from review.runner import audit_into_ledger, ledger_group
    from rules.policy import load_policy
    from streams.kafka_security import confluent_security

    settings = Settings()
    db = Database.from_settings(settings)
    added = load_policy(settings.policy).tuning.new_entities  # the categories of the policy's own entities
    ledger = Ledger(db, lambda: added)
    counted = 0

    def handle(message):  # type: ignore[no-untyped-def]
        nonlocal counted
        counted += audit_into_ledger(ledger, message)

    consumer = QuarantineConsumer(
        settings.bootstrap_servers,
        ledger_group(settings),
        settings.output_topic_names["audit"],
        handle,
        confluent_security(settings),
    )
    read = 0
    try:
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < idle:
            handled = consumer.poll_once(timeout=1.0, batch=1000)
            read += handled
            if handled:
                quiet_since = time.monotonic()
    finally:
        consumer.close()
        db.close()
    typer.echo(f"read {read} audit events, {counted} new in the ledger ({ledger_total(settings)} in all)")


def ledger_total(settings: Settings) -> int:
    from review.db import Database
    from review.ledger import Ledger

    db = Database.from_settings(settings)
    try:
        return Ledger(db).events_counted()
    finally:
        db.close()


@report_app.command("transfers")
def transfers(
    start: Annotated[datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="First day (UTC)")],
    end: Annotated[datetime, typer.Option("--to", formats=["%Y-%m-%d"], help="Last day (UTC, included)")],
    flow: Annotated[str | None, typer.Option("--flow", help="Only this flow id")] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv, json or html")] = "csv",
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of to stdout")] = None,
) -> None:
    """Records transferred per flow by decision, their categories and sensitive categories, the estimated
    number of distinct data subjects, the recipient, its jurisdiction, the contract kind and filing
    reference, quarantines by reason and releases after review with who approved them."""
    from review.db import Database
    from review.ledger import Ledger
    from review.report import FORMATS, build, render
    from review.store import Store
    from rules.policy import PolicyError, load_policy

    if fmt not in FORMATS:
        raise typer.BadParameter(f"one of {', '.join(FORMATS)}", param_hint="--format")
    first, last = start.date(), end.date()
    if first > last:
        raise typer.BadParameter("--from is after --to", param_hint="--from")
    settings = Settings()
    try:
        policy = load_policy(settings.policy)
    except PolicyError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    if flow is not None and flow not in {f.id for f in policy.flows}:
        typer.secho(f"note: flow {flow!r} is not in the policy", err=True)
    db = Database.from_settings(settings)
    try:
        store = Store(db, time.time)
        text = render(build(Ledger(db), store, policy, first, last, flow), fmt)
    finally:
        db.close()
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)
