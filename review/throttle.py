"""Login throttling: attempts counted per (account, client address) and per client address, atomically.

Two counts decide whether a login attempt may try its password at all:

1. **Per account and address**: ``ACCOUNT_LIMIT`` attempts at one name from one address lock that name *from
   that address* for ``ACCOUNT_LOCK_SECONDS``. Someone who knows a user's name can lock that user out only
   where they themselves are, never from everywhere.
2. **Per address**: ``ADDRESS_LIMIT`` attempts from one address, at any names, block that address for
   ``ADDRESS_LOCK_SECONDS``. One address cannot spray guesses over many names.

An attempt is counted *before* its password is checked (a claim): a single ``INSERT … ON CONFLICT DO UPDATE
… RETURNING`` statement, atomic on SQLite and PostgreSQL alike, takes the next place or finds none. However
many wrong passwords arrive at once, no more than the limit are ever checked, and the count is never lost to
a concurrent update. A success gives its place back: it clears its (account, address) count and takes one
off its address's. Counts lapse after ``WINDOW_SECONDS`` without an attempt, and a lock after its time.

Unknown names are counted exactly like known ones, so neither the answers nor their timing tell which names
exist. Addresses are the client's as the web server reports it (behind a reverse proxy, start uvicorn so that
it trusts the proxy's ``X-Forwarded-For``); an IPv6 address counts by its /64 network, which one client
usually holds whole.
"""

from __future__ import annotations

import ipaddress

from review.db import Connection, Database

ACCOUNT_LIMIT = 5
ACCOUNT_LOCK_SECONDS = 300.0
ADDRESS_LIMIT = 30
ADDRESS_LOCK_SECONDS = 900.0
WINDOW_SECONDS = 900.0

ANY_ACCOUNT = ""  # the account of an address's own count (a user name is never empty)
MAX_KEY = 128

# One statement: a new row, or the next attempt of a row that is not locked (a lapsed count or lock starts
# again at 1); a row still locked is left alone and returns nothing. The row locks when it reaches the limit.
_CLAIM = """
INSERT INTO login_attempts AS a (account, address, attempts, last_at, locked_until) VALUES (?, ?, 1, ?, ?)
ON CONFLICT (account, address) DO UPDATE SET
    attempts = CASE WHEN a.locked_until IS NOT NULL OR a.last_at < ? THEN 1 ELSE a.attempts + 1 END,
    locked_until = CASE
        WHEN (CASE WHEN a.locked_until IS NOT NULL OR a.last_at < ? THEN 1 ELSE a.attempts + 1 END) >= ?
        THEN ? ELSE NULL END,
    last_at = ?
WHERE a.locked_until IS NULL OR a.locked_until <= ?
RETURNING attempts
"""


def client_key(address: str | None) -> str:
    """What an address is counted by: an IPv4 address, an IPv6 address's /64 network, or the text as given."""
    text = (address or "unknown").strip()
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return text[:MAX_KEY]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class LoginThrottle:
    def __init__(self, db: Database) -> None:
        self.db = db

    def claim(self, account: str, address: str, now: float) -> bool:
        """Count one attempt at ``account`` from ``address``; False if either count is locked (then the
        password must not be tried)."""
        account = account[:MAX_KEY]
        with self.db.transaction() as conn:
            conn.execute(
                "DELETE FROM login_attempts WHERE last_at < ? AND (locked_until IS NULL OR locked_until < ?)",
                (now - WINDOW_SECONDS - ADDRESS_LOCK_SECONDS, now),
            )
            if not _claim(conn, ANY_ACCOUNT, address, now, ADDRESS_LIMIT, ADDRESS_LOCK_SECONDS):
                return False
            return _claim(conn, account, address, now, ACCOUNT_LIMIT, ACCOUNT_LOCK_SECONDS)

    def succeeded(self, account: str, address: str) -> None:
        """The attempt was right: its account's count from that address ends, its address's drops by one."""
        with self.db.transaction() as conn:
            conn.execute(
                "DELETE FROM login_attempts WHERE account = ? AND address = ?", (account[:MAX_KEY], address)
            )
            conn.execute(
                "UPDATE login_attempts SET attempts = attempts - 1,"
                " locked_until = CASE WHEN attempts - 1 < ? THEN NULL ELSE locked_until END"
                " WHERE account = ? AND address = ? AND attempts > 0",
                (ADDRESS_LIMIT, ANY_ACCOUNT, address),
            )

    def forget(self, account: str) -> None:
        """Drop an account's counts from every address (its password was reset)."""
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM login_attempts WHERE account = ?", (account[:MAX_KEY],))


def _claim(conn: Connection, account: str, address: str, now: float, limit: int, lock: float) -> bool:
    lapsed = now - WINDOW_SECONDS
    until = now + lock
    cursor = conn.execute(
        _CLAIM,
        (account, address, now, until if limit <= 1 else None, lapsed, lapsed, limit, until, now, now),
    )
    return bool(cursor.fetchall())
