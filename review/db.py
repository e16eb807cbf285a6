"""The review store's database: a small interface with a SQLite and a PostgreSQL back end.

Callers write plain SQL with ``?`` placeholders that both back ends accept; each back end is one connection
shared by the web threads and the ingest, serialised by a lock. SQLite (the standard library) is the
default; ``review_database_url`` selects ``sqlite:///PATH`` or ``postgresql://…`` (``review.db_postgres``).
"""

from __future__ import annotations

import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Protocol

from customs.settings import Settings

SCHEMA = """
CREATE TABLE IF NOT EXISTS held (
    id TEXT PRIMARY KEY,
    origin_topic TEXT NOT NULL,
    origin_partition INTEGER NOT NULL,
    origin_offset INTEGER NOT NULL,
    quarantine_partition INTEGER NOT NULL,
    quarantine_offset INTEGER NOT NULL,
    record_ref TEXT,
    source TEXT,
    destination TEXT,
    purpose TEXT,
    reasons TEXT NOT NULL,
    rules TEXT NOT NULL,
    entities TEXT NOT NULL,
    categories TEXT NOT NULL,
    sensitive INTEGER NOT NULL,
    finding_count INTEGER NOT NULL,
    policy_version TEXT,
    digest TEXT,
    detail TEXT,
    format TEXT NOT NULL,
    held_at REAL NOT NULL,
    received_at REAL NOT NULL,
    key_enc BLOB,
    value_enc BLOB NOT NULL,
    headers_enc BLOB NOT NULL,
    status TEXT NOT NULL,
    status_at REAL NOT NULL,
    UNIQUE (origin_topic, origin_partition, origin_offset)
);
CREATE INDEX IF NOT EXISTS held_by_status ON held (status, held_at);
CREATE INDEX IF NOT EXISTS held_by_ref ON held (record_ref);
CREATE TABLE IF NOT EXISTS releases (
    id TEXT PRIMARY KEY,
    held_id TEXT NOT NULL REFERENCES held (id),
    mode TEXT NOT NULL,
    operator TEXT,
    target TEXT NOT NULL,
    topic TEXT NOT NULL,
    partition INTEGER,
    scan_from INTEGER,
    state TEXT NOT NULL,
    four_eyes INTEGER NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at REAL NOT NULL,
    approved_by TEXT,
    approved_at REAL,
    released_at REAL,
    released_offset INTEGER,
    owner TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS releases_by_state ON releases (state);
CREATE INDEX IF NOT EXISTS releases_by_held ON releases (held_id);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    held_id TEXT,
    release_id TEXT,
    reason TEXT,
    detail TEXT NOT NULL,
    chain_seq INTEGER,
    prev TEXT,
    hash TEXT
);
CREATE INDEX IF NOT EXISTS audit_by_held ON audit (held_id);
CREATE TABLE IF NOT EXISTS audit_head (
    id INTEGER PRIMARY KEY,
    next_seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    roles TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    csrf TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    last_seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL,
    revoked INTEGER NOT NULL DEFAULT 0,
    last_used REAL
);
CREATE TABLE IF NOT EXISTS ledger_seen (
    topic TEXT NOT NULL,
    partition INTEGER NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (topic, partition, position)
);
CREATE TABLE IF NOT EXISTS ledger (
    flow TEXT NOT NULL,
    day TEXT NOT NULL,
    decision TEXT NOT NULL,
    destination TEXT NOT NULL,
    dimension TEXT NOT NULL,
    value TEXT NOT NULL,
    records INTEGER NOT NULL,
    PRIMARY KEY (flow, day, decision, destination, dimension, value)
);
CREATE TABLE IF NOT EXISTS ledger_subjects (
    flow TEXT NOT NULL,
    day TEXT NOT NULL,
    decision TEXT NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY (flow, day, decision, digest)
);
CREATE TABLE IF NOT EXISTS held_subjects (
    held_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY (held_id, digest)
);
CREATE INDEX IF NOT EXISTS held_subjects_by_digest ON held_subjects (digest);
CREATE TABLE IF NOT EXISTS login_attempts (
    account TEXT NOT NULL,
    address TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    last_at REAL NOT NULL,
    locked_until REAL,
    PRIMARY KEY (account, address)
);
"""
# ``ledger*`` (``review.ledger``) is the transfer ledger built from the audit topic: ``ledger_seen`` holds the
# (topic, partition, offset) of every audit event counted, so each is counted exactly once. ``held_subjects``
# (``review.retention``) holds the keyed subject digests of a held record's identifiers, never the values.
# ``login_attempts`` (``review.throttle``) counts login attempts per (account, client address) and, with
# account '', per client address. It replaced ``users.failed_logins`` and ``users.locked_until``, which a
# store made before it still has and nothing reads.


# Columns added after a store may already have been made: (table, column, declaration). SCHEMA makes
# them in a new store; an older one gets them when it is opened.
ADDED_COLUMNS = (
    ("releases", "owner", "TEXT NOT NULL DEFAULT ''"),
    ("audit", "chain_seq", "INTEGER"),  # the audit rows' hash chain (review.store, customs.audit.chain)
    ("audit", "prev", "TEXT"),
    ("audit", "hash", "TEXT"),
)


class Row(Protocol):
    """A result row, by column name or position (``sqlite3.Row`` and ``db_postgres.PgRow``)."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> list[str]: ...


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchall(self) -> list[Any]: ...


class Connection(Protocol):
    """What a transaction hands out: ``execute`` with ``?`` placeholders."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...


class Database(ABC):
    """The review store's database; ``from_settings`` picks the back end."""

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        url = settings.review_database_url
        if url is None:
            return SQLiteDatabase(settings.review_db)
        if url.startswith("sqlite:///"):
            return SQLiteDatabase(url.removeprefix("sqlite:///"))
        if url.startswith(("postgresql://", "postgres://")):
            from review.db_postgres import PostgresDatabase

            return PostgresDatabase(url)
        raise ValueError(
            "review_database_url: expected sqlite:///PATH or postgresql://USER:PASS@HOST:PORT/DB"
        )

    @abstractmethod
    def transaction(self) -> AbstractContextManager[Connection]:
        """A write transaction; nested calls join the outer one, an exception rolls the whole one back."""

    @abstractmethod
    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    @abstractmethod
    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None: ...

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else row[0]

    @abstractmethod
    def close(self) -> None: ...


class SQLiteDatabase(Database):
    """One SQLite connection (WAL), serialised by a lock; writes take the write lock up front."""

    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.executescript(SCHEMA)
            for table, column, declaration in ADDED_COLUMNS:
                present = {row["name"] for row in self._conn.execute(f"PRAGMA table_info({table})")}
                if column not in present:
                    self._conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self._lock:
            if self._conn.in_transaction:
                yield self._conn
                return
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._lock:
            return list(self._conn.execute(sql, params).fetchall())

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        with self._lock:
            row: Row | None = self._conn.execute(sql, params).fetchone()
            return row

    def close(self) -> None:
        with self._lock:
            self._conn.close()
