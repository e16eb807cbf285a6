"""``customs keys …``: the keys organisations sign their flow headers with.

See the README section *Authenticated flow headers*.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from customs.settings import Settings

keys_app = typer.Typer(help="Keys that organisations sign their flow headers with.", no_args_is_help=True)

KEY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}(:[A-Za-z0-9._-]{1,32})?")


def _fail(message: str) -> NoReturn:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(2)


@keys_app.command("flow-new")
def flow_new(
    key_id: Annotated[str, typer.Argument(help="The organisation id (as in the policy), or ORG:LABEL")],
    ed25519: Annotated[
        bool, typer.Option("--ed25519", help="An Ed25519 key pair instead of an HMAC-SHA256 secret")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="File to write (default: CUSTOMS_FLOW_KEYS_DIR/KEY_ID.key, or KEY_ID.pem with --ed25519)",
        ),
    ] = None,
) -> None:
    """Make a new flow signing key (mode 0600; an existing file is never replaced) and print the policy
    lines for its organisation. The key itself is never printed."""
    from customs.flow_keys import new_ed25519_key, new_hmac_key

    if not KEY_ID.fullmatch(key_id):
        _fail(f"{key_id!r} is not a key id: ORG or ORG:LABEL (letters, digits, '.', '_', '-')")
    org = key_id.partition(":")[0]
    directory = Settings().flow_keys_dir
    path = out or directory / f"{key_id}{'.pem' if ed25519 else '.key'}"
    try:
        if ed25519:
            public = new_ed25519_key(path)
        else:
            new_hmac_key(path)
    except FileExistsError:
        _fail(f"{path} exists: a key is never replaced (remove it first, or use ORG:LABEL for a new one)")
    except OSError as exc:
        _fail(f"{path}: {exc.strerror}")
    if ed25519:
        typer.echo(f"wrote the private key to {path} (mode 0600): it belongs to the producer of {org} only;")
        typer.echo("the gateway needs just the public key, in the policy:\n")
        lines = ["organisations:", f"  {org}:", "    signing: ed25519", "    public_keys:"]
        typer.echo("\n".join([*lines, f"      {key_id}: {public}"]))
    else:
        typer.echo(f"wrote the HMAC secret to {path} (mode 0600): the producer of {org} signs with a copy,")
        typer.echo(f"and the gateway reads it from CUSTOMS_FLOW_KEYS_DIR ({directory}). In the policy:\n")
        typer.echo(f"organisations:\n  {org}:\n    signing: hmac-sha256")
    typer.echo("\nand on each flow from it that must be signed:  require_signature: true")
