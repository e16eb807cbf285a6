"""The ``customs`` command line."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from customs.cli.audit import audit_app, subject_app
from customs.cli.keys import keys_app
from customs.cli.policy import policy_app
from customs.cli.report import report_app
from customs.logs import configure as configure_logging
from customs.settings import Settings

app = typer.Typer(
    help="Data Customs: classify, decide and route personal information crossing the Greater Bay Area.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
topics_app = typer.Typer(help="Kafka topics of the gateway.", no_args_is_help=True)
app.add_typer(topics_app, name="topics")
app.add_typer(policy_app, name="policy")
app.add_typer(audit_app, name="audit")
app.add_typer(subject_app, name="subject")
app.add_typer(report_app, name="report")
app.add_typer(keys_app, name="keys")

PolicyOption = Annotated[
    str | None,
    typer.Option("--policy", help="Policy file or preset (gba-default, mask-all); default from settings"),
]


def _version(show: bool) -> None:
    if show:
        from importlib.metadata import version

        typer.echo(f"customs (data-customs) {version('data-customs')}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit"),
    ] = False,
) -> None:
    """Data Customs: classify, decide and route personal information crossing the Greater Bay Area."""


def _environment(*prefixes: str, exclude: tuple[str, ...] = ()) -> str:
    """The ``CUSTOMS_*`` variables of the settings fields starting with ``prefixes`` (all: none given)."""
    names = [
        f"CUSTOMS_{name.upper()}"
        for name in Settings.model_fields
        if (not prefixes or name.startswith(prefixes)) and not name.startswith(exclude)
    ]
    return "Environment (or .env; README, Configuration): " + ", ".join(names) + "."


_KAFKA_DOWN = 1  # exit code: Kafka could not be reached, or records were not delivered


def _kafka_down(message: str) -> None:
    """One line, no traceback: what failed, at which address, and what to check."""
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(_KAFKA_DOWN)


def _one_shot_logging(settings: Settings) -> None:
    """Commands that report Kafka's absence themselves: librdkafka's lines only at debug level."""
    from streams.reach import quiet_kafka_logs

    configure_logging(settings.log_level)
    quiet_kafka_logs(settings.log_level)


def _settings() -> Settings:
    return Settings()


def _fail(message: str) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(2)


@app.command()
def detect(
    file: Annotated[Path, typer.Argument(help="JSON Lines file: one JSON object per line", exists=True)],
) -> None:
    """Print the personal information found in each record, one JSON line per input line, in order."""
    from customs.cli.offline import run_detect

    settings = _settings()
    configure_logging("warning")
    run_detect(file, settings, sys.stdout)


@app.command()
def scan(
    file: Annotated[Path, typer.Argument(help="JSON Lines file: one JSON object per line", exists=True)],
    out: Annotated[Path, typer.Option("--out", help="Directory for allow/mask/quarantine/decisions.jsonl")],
    policy: PolicyOption = None,
    source: Annotated[str | None, typer.Option(help="Flow: source organisation id")] = None,
    destination: Annotated[str | None, typer.Option(help="Flow: destination organisation id")] = None,
    purpose: Annotated[str | None, typer.Option(help="Flow: purpose of the transfer")] = None,
    on: Annotated[
        str | None, typer.Option("--date", help="Record date for contract checks (YYYY-MM-DD; default today)")
    ] = None,
) -> None:
    """Dry run: route a file of records exactly as the stream would, into files."""
    from customs.cli.offline import run_scan
    from rules.policy import PolicyError, load_policy

    settings = _settings()
    configure_logging("warning")
    try:
        active = load_policy(policy or settings.policy)
    except PolicyError as exc:
        _fail(str(exc))
        return
    record_date = date.fromisoformat(on) if on else datetime.now(UTC).date()
    counts = run_scan(file, out, settings, active, (source, destination, purpose), record_date)
    summary = ", ".join(f"{name} {counts.get(name, 0)}" for name in ("allow", "mask", "quarantine"))
    typer.echo(
        f"scanned {sum(counts.values())} records with policy {active.name} ({active.version}): {summary}",
        err=True,
    )
    typer.echo(f"wrote {out}/allow.jsonl, mask.jsonl, quarantine.jsonl, decisions.jsonl", err=True)


@app.command("eval")
def evaluate(
    count: Annotated[int, typer.Option(help="Records in the labelled synthetic corpus")] = 3000,
    seed: Annotated[int, typer.Option(help="Seed of the corpus generator")] = 0,
    labels: Annotated[
        Path | None,
        typer.Option(
            help="Score on this labelled JSON Lines file (your own sample, or "
            "load/challenge/gba-challenge.jsonl) instead of the synthetic corpus; "
            "format in customs/samples/labelled.py"
        ),
    ] = None,
    misses: Annotated[int, typer.Option(help="Also print the first N misses (they show the values)")] = 0,
    ner: Annotated[
        bool, typer.Option(help="Run the statistical NER model on free text (--no-ner: the rules alone)")
    ] = True,
) -> None:
    """Measure detection on a labelled corpus: per-entity precision, recall and F1, the false-positive
    rate on clean records and herbs flagged as people."""
    from customs.samples.evaluation import format_report, run_eval
    from customs.samples.labelled import LabelError

    configure_logging("warning")
    try:
        report = run_eval(count, seed, labels, ner)
    except (LabelError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(format_report(report, show_misses=misses))


@topics_app.command("create")
def topics_create() -> None:
    """Create the inbound and output topics (idempotent)."""
    from streams.reach import KafkaUnreachable
    from streams.topics import create_topics

    settings = _settings()
    _one_shot_logging(settings)
    try:
        results = create_topics(settings)
    except KafkaUnreachable as exc:
        _kafka_down(str(exc))
        return
    for result in results:
        state = "created" if result.created else "exists"
        typer.echo(f"{state:8} {result.name} ({result.partitions} partitions)")


@app.command(epilog=_environment(exclude=("review_",)))
def worker() -> None:
    """Run a gateway worker (exactly once; engine: CUSTOMS_STREAM_ENGINE) until interrupted."""
    from customs.factory import build_inspector
    from rules.policy import PolicyError
    from streams.worker import run_worker

    settings = _settings()
    configure_logging(settings.log_level)
    try:
        inspector = build_inspector(settings)
    except PolicyError as exc:
        _fail(str(exc))
        return
    run_worker(settings, inspector)


@app.command()
def feed(
    count: Annotated[int, typer.Option(help="Records to publish; 0 means until interrupted")] = 1000,
    rate: Annotated[float, typer.Option(help="Records per second; 0 means flat out")] = 0.0,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic generator")] = 0,
    avro_share: Annotated[float, typer.Option(help="Share of bank records sent as Avro")] = 0.5,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the last deliveries")] = 30.0,
    flow_keys: Annotated[
        Path | None,
        typer.Option(
            "--flow-keys",
            help="Sign each record whose source has a key here (ORG.key: HMAC, ORG.pem: Ed25519);"
            " default CUSTOMS_FLOW_KEYS_DIR",
        ),
    ] = None,
    sign: Annotated[
        bool, typer.Option(help="Sign flow headers where a key is found (--no-sign: never)")
    ] = True,
    forged_share: Annotated[
        float, typer.Option(help="Share of the signing sources' records sent with a forged signature")
    ] = 0.0,
) -> None:
    """Publish synthetic GBA records (TCM visits, bank credit, insurance claims, supply chain, malformed).
    Exits 1 unless the broker confirmed every record."""
    from customs.flow_keys import signing_keys
    from customs.samples.feed import NotDelivered, publish

    settings = _settings()
    _one_shot_logging(settings)
    keys = signing_keys(flow_keys or settings.flow_keys_dir) if sign else {}
    if keys:
        typer.echo(f"signing the records of {', '.join(sorted(keys))}", err=True)
    try:
        sent = publish(
            settings,
            count=count,
            rate=rate,
            seed=seed,
            avro_share=avro_share,
            flush_timeout=timeout,
            flow_keys=keys,
            forged_share=forged_share,
        )
    except NotDelivered as exc:
        _kafka_down(str(exc))
        return
    typer.echo(f"published {sent} records to {settings.inbound_topic_names[0]}", err=True)


@app.command()
def demo(
    rate: Annotated[float, typer.Option(help="Demo feed rate, records per second")] = 50.0,
    duration: Annotated[float, typer.Option(help="Stop after this many seconds; 0 runs until Ctrl-C")] = 0.0,
) -> None:
    """The main job: topics, a worker, a synthetic feed and a live count per decision (needs a broker)."""
    from customs.cli.demo import run_demo

    run_demo(_settings(), rate, duration)


@app.command()
def peek(
    output: Annotated[str, typer.Argument(help="allow, mask, quarantine or audit")],
    count: Annotated[int, typer.Option(help="How many of the latest records to show")] = 5,
) -> None:
    """Show the latest committed records of an output topic, with their customs headers."""
    from streams.peek import latest
    from streams.reach import KafkaUnreachable

    settings = _settings()
    _one_shot_logging(settings)
    topics = settings.output_topic_names
    if output not in topics:
        _fail(f"unknown output {output!r}; choose one of {', '.join(topics)}")
    try:
        rows = latest(settings, topics[output], count)
    except KafkaUnreachable as exc:
        _kafka_down(str(exc))
        return
    for headers, value in rows:
        typer.secho(" ".join(f"{k}={v}" for k, v in headers.items() if k.startswith("customs-")), dim=True)
        typer.echo(value)


# -- quarantine review: `customs review` and `customs users` ------------------------------------------

users_app = typer.Typer(help="Local users of the review service, and their API tokens.", no_args_is_help=True)
app.add_typer(users_app, name="users")

PasswordFileOption = Annotated[
    Path | None,
    typer.Option("--password-file", help="Read the password from this file (first line) instead of a prompt"),
]


def _password(password_file: Path | None) -> str:
    if password_file is not None:
        lines = password_file.read_text().splitlines()
        return lines[0] if lines else ""
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def _create_user(name: str, roles: str, password_file: Path | None) -> None:
    from review.errors import ReviewError
    from review.roles import parse_roles
    from review.runner import open_accounts

    try:
        wanted = parse_roles(roles)
    except ValueError as exc:
        _fail(f"unknown role ({exc}); roles: reviewer, approver, auditor, admin")
        return
    accounts = open_accounts(_settings())
    try:
        user = accounts.create_user(name, _password(password_file), wanted)
    except ReviewError as exc:
        _fail(str(exc))
        return
    typer.echo(f"created user {user.name} ({', '.join(r.value for r in user.roles)})")


@app.command(
    epilog=_environment(
        "review_",
        "bootstrap_servers",
        "app_id",
        "topic_prefix",
        "allow_topic",
        "mask_topic",
        "quarantine_topic",
        "audit_topic",
        "policy",
        "pseudonym_key",
        "token_key",
        "schemas_dir",
        "max_record_bytes",
        "max_depth",
        "score_threshold",
        "ner",
        "log_level",
        "metrics_host",
        "kafka_timeout",
    )
)
def review(
    host: Annotated[str | None, typer.Option(help="Listen address (default from settings)")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port (default from settings)")] = None,
    instance: Annotated[
        str | None,
        typer.Option(help="This process's name where several share one store (CUSTOMS_REVIEW_INSTANCE)"),
    ] = None,
    settle_only: Annotated[
        bool,
        typer.Option(
            "--settle-only",
            help="Settle the releases this instance left 'releasing', then exit (an instance gone for good)",
        ),
    ] = False,
) -> None:
    """Run the quarantine review service: ingest the quarantine topic and serve the web UI and JSON API."""
    from review.runner import serve, settle
    from streams.kafka_security import confluent_security
    from streams.reach import KafkaUnreachable, check_reachable, quiet_kafka_logs

    settings = _settings()
    update: dict[str, object] = {}
    if host is not None or port is not None:
        update.update(review_host=host or settings.review_host, review_port=port or settings.review_port)
    if instance is not None:
        update["review_instance"] = instance
    if update:
        try:
            settings = Settings.model_validate({**settings.model_dump(), **update})
        except ValidationError as exc:
            _fail(f"--instance: {exc.errors()[0]['msg']} (letters, digits, '.', '_' and '-', at most 64)")
            return
    _one_shot_logging(settings)
    try:
        check_reachable(settings.bootstrap_servers, settings.kafka_timeout, confluent_security(settings))
        quiet_kafka_logs(settings.log_level, quiet=False)  # from here on, librdkafka's lines are logged
        if settle_only:
            settled = settle(settings)
            typer.echo(
                f"settled {settled} releases of review instance {settings.review_instance or '(default)'}"
            )
            return
        serve(settings)
    except KafkaUnreachable as exc:
        _kafka_down(
            f"{exc}; the review service needs it to start (its release producer fences a crashed one)"
        )


@users_app.command("create-admin")
def users_create_admin(
    name: Annotated[str, typer.Argument(help="User name")], password_file: PasswordFileOption = None
) -> None:
    """Create an admin user (manages users, reads and exports the audit trail)."""
    _create_user(name, "admin", password_file)


@users_app.command("create")
def users_create(
    name: Annotated[str, typer.Argument(help="User name")],
    roles: Annotated[
        str, typer.Option("--roles", help="Comma-separated: reviewer, approver, auditor, admin")
    ],
    password_file: PasswordFileOption = None,
) -> None:
    """Create a user with one or more roles."""
    _create_user(name, roles, password_file)


@users_app.command("token")
def users_token(
    name: Annotated[str, typer.Argument(help="User name")],
    label: Annotated[str, typer.Option(help="What the token is for")] = "api",
    days: Annotated[float, typer.Option(help="Days until it expires; 0 never")] = 90.0,
) -> None:
    """Issue an API token for a user (printed once; only its hash is kept)."""
    from review.runner import open_accounts

    accounts = open_accounts(_settings())
    user = accounts.user_named(name)
    if user is None:
        _fail(f"no user {name!r}")
        return
    typer.echo(accounts.issue_token(user, label, days or None))


@users_app.command("list")
def users_list() -> None:
    """List users and their roles."""
    from review.runner import open_accounts

    for user in open_accounts(_settings()).users():
        state = "" if user.active else " (disabled)"
        typer.echo(f"{user.name}\t{','.join(r.value for r in user.roles)}{state}")


@users_app.command("tokens")
def users_tokens(name: Annotated[str, typer.Argument(help="User name")]) -> None:
    """List a user's API tokens: id, label, created, expires, last used, state (never the secrets)."""
    from review.runner import open_accounts

    accounts = open_accounts(_settings())
    if accounts.user_named(name) is None:
        _fail(f"no user {name!r}")
        return

    def when(epoch: float | None) -> str:
        return "-" if epoch is None else datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%MZ")

    for token in accounts.tokens(name):
        state = "revoked" if token.revoked else "active"
        typer.echo(
            f"{token.id}\t{token.name}\t{when(token.created_at)}\t{when(token.expires_at)}"
            f"\t{when(token.last_used)}\t{state}"
        )


@users_app.command("revoke-token")
def users_revoke_token(
    token: Annotated[str, typer.Argument(help="The token's id (from `customs users tokens`) or the token")],
) -> None:
    """Revoke one API token; the user's other tokens and sessions keep working."""
    from review.errors import ReviewError
    from review.runner import open_accounts

    try:
        revoked = open_accounts(_settings()).revoke_token(token)
    except ReviewError as exc:
        _fail(str(exc))
        return
    typer.echo(f"revoked token {revoked.id} ({revoked.name}) of {revoked.user}")


@users_app.command("disable")
def users_disable(name: Annotated[str, typer.Argument(help="User name")]) -> None:
    """Disable a user: their sessions end and their tokens stop working."""
    from review.errors import ReviewError
    from review.runner import open_accounts

    try:
        open_accounts(_settings()).set_active(name, False)
    except ReviewError as exc:
        _fail(str(exc))
    typer.echo(f"disabled {name}")


def main() -> None:
    app()
