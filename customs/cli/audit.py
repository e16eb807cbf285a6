"""``customs audit …``: the signing key's public half, export, verify and prove.

See the README section *Proving what crossed*.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

from customs.settings import Settings

audit_app = typer.Typer(
    help="The audit trail: export it, verify its hash chains and signatures, prove a record crossed.",
    no_args_is_help=True,
)

KeyOption = Annotated[
    Path | None,
    typer.Option(
        "--public-key",
        help="The gateway's public key (PEM, from `customs audit public-key`); default: derived"
        " from CUSTOMS_AUDIT_KEY_FILE",
    ),
]


def _fail(message: str) -> NoReturn:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(2)


def _public_key(path: Path | None):  # type: ignore[no-untyped-def]
    from customs.audit.signing import load_public_key, load_signing_key

    if path is not None:
        try:
            return load_public_key(path.read_bytes())
        except (OSError, ValueError) as exc:
            _fail(f"{path}: {exc}")
    return load_signing_key(Settings().audit_key_file).public_key()


@audit_app.command("public-key")
def public_key() -> None:
    """Print the public half of the checkpoint signing key (PEM): what a recipient verifies with."""
    from customs.audit.signing import load_signing_key, public_pem

    typer.echo(public_pem(load_signing_key(Settings().audit_key_file)), nl=False)


@audit_app.command("export")
def export(out: Annotated[Path, typer.Argument(help="JSON Lines file to write")]) -> None:
    """Write the audit topic's committed events to a file, one per line, as published."""
    from streams.audit_export import export as export_topic

    count = export_topic(Settings(), out)
    typer.echo(f"exported {count} audit events to {out}", err=True)


@audit_app.command("verify")
def verify(
    file: Annotated[Path | None, typer.Argument(help="An audit export (JSON Lines)")] = None,
    from_topic: Annotated[bool, typer.Option("--from-topic", help="Read the audit topic instead")] = False,
    key: KeyOption = None,
) -> None:
    """Check every hash chain and checkpoint signature; name the first broken link (exit 1)."""
    from customs.audit.verify import verify as check
    from streams.audit_export import from_file
    from streams.audit_export import from_topic as read_topic

    if (file is None) == (not from_topic):
        _fail("give an export FILE or --from-topic (one of them)")
    events = read_topic(Settings()) if from_topic else from_file(file)  # type: ignore[arg-type]
    report = check(events, _public_key(key))
    if report.first_break is not None:
        typer.secho(f"BROKEN after {report.events - 1} good events: {report.first_break}", fg="red")
        raise typer.Exit(1)
    chains = ", ".join(f"{name} ({n})" for name, n in sorted(report.chains.items()))
    typer.echo(f"ok: {report.events} events, {report.checkpoints} signed checkpoints; chains: {chains}")
    for chain in report.partial:
        typer.echo(f"note: chain {chain} starts after seq 0 (older events are not in this export)")


@audit_app.command("prove")
def prove(
    record: Annotated[Path, typer.Argument(help="The record as published (its exact bytes)", exists=True)],
    export_file: Annotated[
        Path | None, typer.Option("--export", help="An audit export (default: read the audit topic)")
    ] = None,
    key: KeyOption = None,
) -> None:
    """Find the audit event whose digest_out is this record's SHA-256 and verify its place under a
    signed checkpoint — with the public key and the audit trail only (exit 1 if not proven)."""
    from customs.audit.verify import prove as prove_record
    from streams.audit_export import from_file, from_topic

    events = from_file(export_file) if export_file is not None else from_topic(Settings())
    proof = prove_record(record.read_bytes(), events, _public_key(key))
    typer.echo(f"record sha256 {proof.digest}")
    if proof.event is not None:
        e = proof.event.event
        typer.echo(
            f"audit event {proof.event.where}: {e.get('type')} {e.get('decision') or e.get('action', '')}"
            f" chain {e.get('chain')} seq {e.get('seq')} flow {e.get('source')} -> {e.get('destination')}"
            f" policy {e.get('policy_version')}"
        )
    if not proof.ok:
        typer.secho(f"NOT PROVEN: {proof.problem}", fg="red")
        raise typer.Exit(1)
    assert proof.checkpoint is not None
    c = proof.checkpoint.event
    typer.echo(
        f"proven: {proof.links} linked hashes up to checkpoint {proof.checkpoint.where}"
        f" (seq {c.get('seq')}, signed by key {c.get('key_id')} at {c.get('at_ms')} ms)"
    )


subject_app = typer.Typer(help="Data-subject requests: what the audit trail holds about one person.")


@subject_app.command("find")
def subject_find(
    identifier: Annotated[
        str,
        typer.Option(
            "--id",
            prompt=True,
            hide_input=True,
            help="ID number, phone, e-mail, QQ/WeChat account or hospital record number",
        ),
    ],
    export_file: Annotated[
        Path | None, typer.Option("--export", help="An audit export (default: read the audit topic)")
    ] = None,
    held: Annotated[
        bool, typer.Option("--held/--no-held", help="Also list the review store's held records and releases")
    ] = True,
) -> None:
    """List the audit events (decisions, with their flow and digests), the held records and their releases
    that concern one identifier: its keyed digest is computed here and matched against the events'
    ``subjects`` and the review store's subject digests; the identifier is neither stored nor printed."""
    from customs.audit.subjects import subject_digest
    from streams.audit_export import from_file, from_topic

    settings = Settings()
    digest = subject_digest(identifier, settings.pseudonym_secret)
    events = from_file(export_file) if export_file is not None else from_topic(settings)
    found = [item for item in events if digest in (item.event.get("subjects") or [])]
    typer.echo(f"subject digest {digest[:16]}…: {len(found)} audit events")
    for item in found:
        e = item.event
        origin = e.get("origin") or {}
        typer.echo(
            f"{item.where}\t{e.get('decision')}\t{e.get('source')} -> {e.get('destination')}\t"
            f"{origin.get('topic')}/{origin.get('partition')}@{origin.get('offset')}"
            f"\tout {e.get('digest_out')}"
        )
    if held:
        _held_about(settings, digest)


def _held_about(settings: Settings, digest: str) -> None:
    """The review store's held records (any status, until purged) with this subject digest, and releases."""
    import time

    from review.db import Database
    from review.retention import held_about
    from review.store import Store

    db = Database.from_settings(settings)
    try:
        found = held_about(Store(db, time.time), digest)
    finally:
        db.close()
    typer.echo(f"review store: {len(found)} held records")
    for item in found:
        r = item.held
        typer.echo(
            f"held {r.id}\t{r.status.value}\t{r.source} -> {r.destination}\t{r.origin}"
            f"\treasons {','.join(r.reasons)}\tdigest {r.digest}"
        )
        for release in item.releases:
            typer.echo(
                f"  release {release.id}\t{release.state.value}\t{release.mode.value} to {release.topic}"
                f"@{release.released_offset}\trequested by {release.requested_by}"
                f"\tapproved by {release.approved_by or '-'}"
            )
