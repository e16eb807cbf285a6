"""A throwaway PostgreSQL server for tests: Debian's server binaries on a temporary data directory.

Like the Kafka broker, the tests start their own: ``initdb`` and ``pg_ctl`` from
``/usr/lib/postgresql/*/bin`` (``apt-get install postgresql``; bin/setup does it), listening on 127.0.0.1 on a
free port with its unix socket in the temporary directory, and run as the ``postgres`` user when the tests run
as root (the server refuses root). Each test gets a database of its own.
"""

from __future__ import annotations

import os
import pwd
import re
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from load.ports import free_port

SERVER_GLOB = "/usr/lib/postgresql/*/bin/initdb"
USER = "customs"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries here (or no unprivileged user to run them as root)."""


def server_bin_dir() -> Path:
    """The newest ``/usr/lib/postgresql/N/bin`` holding ``initdb`` and ``pg_ctl``."""
    found = [Path(p).parent for p in Path("/").glob(SERVER_GLOB.lstrip("/"))]
    found = [d for d in found if (d / "pg_ctl").exists()]
    if not found:
        raise PostgresUnavailable(f"no PostgreSQL server binaries ({SERVER_GLOB}); run bin/setup")
    return max(found, key=lambda d: int(re.sub(r"\D", "", d.parent.name) or 0))


@dataclass
class PostgresServer:
    bin_dir: Path
    root: Path
    port: int
    password: str
    run_as: str | None

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def _command(self, *args: str) -> list[str]:
        return ["runuser", "-u", self.run_as, "--", *args] if self.run_as else list(args)

    def _pg_ctl(self, *args: str, check: bool = True) -> None:
        subprocess.run(
            self._command(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), *args),
            check=check,
            capture_output=True,
            timeout=90,
        )

    def start(self) -> None:
        if self.run_as:
            shutil.chown(self.root, self.run_as)
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n")
        pwfile.chmod(0o600)
        if self.run_as:
            shutil.chown(pwfile, self.run_as)
        subprocess.run(
            self._command(
                str(self.bin_dir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                USER,
                f"--pwfile={pwfile}",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._pg_ctl("-l", str(self.root / "server.log"), "-w", "-t", "60", "-o", options, "start")

    def stop(self) -> None:
        try:
            self._pg_ctl("-m", "immediate", "-w", "stop", check=False)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def create_database(self) -> str:
        """A new empty database; its name."""
        name = f"review_{secrets.token_hex(6)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return name

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def start_postgres() -> PostgresServer:
    """Start a server (raises PostgresUnavailable if it cannot be run here); ``stop()`` it when done."""
    bin_dir = server_bin_dir()
    run_as = None
    if os.geteuid() == 0:
        try:
            run_as = pwd.getpwnam("postgres").pw_name
        except KeyError as exc:
            raise PostgresUnavailable("running as root and no 'postgres' user to run the server") from exc
    server = PostgresServer(
        bin_dir=bin_dir,
        root=Path(tempfile.mkdtemp(prefix="customs-pg-")),
        port=free_port(),
        password=secrets.token_urlsafe(12),
        run_as=run_as,
    )
    try:
        server.start()
    except Exception as exc:
        output = exc.stderr.decode(errors="replace") if isinstance(exc, subprocess.CalledProcessError) else ""
        log = server.log()
        server.stop()
        raise RuntimeError(f"PostgreSQL did not start: {exc}\n{output}\n{log}") from exc
    return server
