"""Local users (argon2 password hashes), login sessions (signed cookie + server-side row) and API tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from review.db import Database, Row
from review.errors import Conflict, Invalid, NotFound
from review.models import User
from review.roles import Role

Clock = Callable[[], float]

MAX_FAILED_LOGINS = 5
LOCKOUT_SECONDS = 300.0
MIN_PASSWORD = 12
TOKEN_PREFIX = "crt"


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    csrf: str
    expires_at: float


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _user(row: Row) -> User:
    roles = tuple(Role(part) for part in row["roles"].split(",") if part)
    return User(row["id"], row["name"], roles, bool(row["active"]))


def check_name(name: str) -> str:
    name = name.strip()
    if not (1 <= len(name) <= 64) or not all(c.isalnum() or c in "._-@" for c in name):
        raise Invalid("a user name is 1–64 letters, digits or . _ - @")
    return name


class Accounts:
    def __init__(
        self,
        db: Database,
        signing_key: bytes,
        clock: Clock,
        idle_seconds: float,
        max_seconds: float,
        hasher: PasswordHasher | None = None,
    ) -> None:
        self.db = db
        self._signing_key = signing_key
        self.clock = clock
        self.idle_seconds = idle_seconds
        self.max_seconds = max_seconds
        self._hasher = hasher or PasswordHasher()
        self._dummy_hash = self._hasher.hash(secrets.token_hex(8))

    # -- users -----------------------------------------------------------------------------------

    def create_user(self, name: str, password: str, roles: Sequence[Role]) -> User:
        name = check_name(name)
        if len(password) < MIN_PASSWORD:
            raise Invalid(f"a password needs at least {MIN_PASSWORD} characters")
        if not roles:
            raise Invalid("a user needs at least one role")
        if self.db.one("SELECT 1 FROM users WHERE name = ?", (name,)):
            raise Conflict(f"user {name!r} exists")
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO users (name, password_hash, roles, created_at) VALUES (?, ?, ?, ?)",
                (name, self._hasher.hash(password), ",".join(r.value for r in roles), self.clock()),
            )
        user = self.user_named(name)
        assert user is not None
        return user

    def user_named(self, name: str) -> User | None:
        row = self.db.one("SELECT * FROM users WHERE name = ?", (name,))
        return _user(row) if row else None

    def users(self) -> list[User]:
        return [_user(row) for row in self.db.all("SELECT * FROM users ORDER BY name")]

    def set_password(self, name: str, password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise Invalid(f"a password needs at least {MIN_PASSWORD} characters")
        with self.db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE name = ?",
                (self._hasher.hash(password), name),
            )
            if cursor.rowcount != 1:
                raise NotFound(f"no user {name!r}")
            conn.execute(
                "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?)", (name,)
            )

    def set_active(self, name: str, active: bool) -> None:
        with self.db.transaction() as conn:
            cursor = conn.execute("UPDATE users SET active = ? WHERE name = ?", (int(active), name))
            if cursor.rowcount != 1:
                raise NotFound(f"no user {name!r}")
            if not active:
                conn.execute(
                    "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?)", (name,)
                )

    def authenticate(self, name: str, password: str) -> User | None:
        """The user if the password matches; failed attempts lock the account for a while."""
        row = self.db.one("SELECT * FROM users WHERE name = ?", (name,))
        now = self.clock()
        if row is None:
            self._verify(self._dummy_hash, password)  # same cost whether or not the name exists
            return None
        if not row["active"] or (row["locked_until"] is not None and row["locked_until"] > now):
            return None
        if not self._verify(row["password_hash"], password):
            failed = row["failed_logins"] + 1
            locked = now + LOCKOUT_SECONDS if failed >= MAX_FAILED_LOGINS else None
            with self.db.transaction() as conn:
                conn.execute(
                    "UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?",
                    (0 if locked else failed, locked, row["id"]),
                )
            return None
        with self.db.transaction() as conn:
            rehash = self._hasher.check_needs_rehash(row["password_hash"])
            new_hash = self._hasher.hash(password) if rehash else row["password_hash"]
            conn.execute(
                "UPDATE users SET failed_logins = 0, locked_until = NULL, password_hash = ? WHERE id = ?",
                (new_hash, row["id"]),
            )
        return _user(row)

    def _verify(self, hashed: str, password: str) -> bool:
        try:
            return self._hasher.verify(hashed, password)
        except (VerificationError, InvalidHashError):
            return False

    # -- sessions --------------------------------------------------------------------------------

    def _sign(self, value: str) -> str:
        mac = hmac.new(self._signing_key, value.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def open_session(self, user: User) -> tuple[str, Session]:
        """A new session: the signed cookie value and the session."""
        session_id = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = self.clock()
        expires = now + self.idle_seconds
        with self.db.transaction() as conn:
            conn.execute(
                "DELETE FROM sessions WHERE expires_at < ? OR created_at < ?", (now, now - self.max_seconds)
            )
            conn.execute(
                "INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at, last_seen)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (_digest(session_id), user.id, csrf, now, expires, now),
            )
        return f"{session_id}.{self._sign(session_id)}", Session(user, csrf, expires)

    def session(self, cookie: str | None) -> Session | None:
        """The live session of a cookie, its idle expiry pushed on; None if absent, forged or expired."""
        if not cookie or "." not in cookie:
            return None
        session_id, signature = cookie.rsplit(".", 1)
        if not hmac.compare_digest(signature, self._sign(session_id)):
            return None
        row = self.db.one(
            "SELECT s.*, u.name, u.roles, u.active, u.id AS uid FROM sessions s"
            " JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?",
            (_digest(session_id),),
        )
        now = self.clock()
        if row is None or not row["active"]:
            return None
        if row["expires_at"] < now or row["created_at"] + self.max_seconds < now:
            self.close_session(cookie)
            return None
        expires = min(now + self.idle_seconds, row["created_at"] + self.max_seconds)
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE sessions SET expires_at = ?, last_seen = ? WHERE id_hash = ?",
                (expires, now, row["id_hash"]),
            )
        roles = tuple(Role(part) for part in row["roles"].split(",") if part)
        return Session(User(row["uid"], row["name"], roles, True), row["csrf"], expires)

    def close_session(self, cookie: str) -> None:
        session_id = cookie.rsplit(".", 1)[0]
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM sessions WHERE id_hash = ?", (_digest(session_id),))

    # -- API tokens ------------------------------------------------------------------------------

    def issue_token(self, user: User, name: str, days: float | None = 90.0) -> str:
        """A new API token for ``user``; only its hash is kept, so it is shown once."""
        token_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        now = self.clock()
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO tokens (id, user_id, name, secret_hash, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (token_id, user.id, name, _digest(secret), now, now + days * 86_400 if days else None),
            )
        return f"{TOKEN_PREFIX}_{token_id}_{secret}"

    def token_user(self, token: str) -> User | None:
        parts = token.split("_", 2)
        if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
            return None
        row = self.db.one(
            "SELECT t.*, u.name AS user_name, u.roles, u.active AS user_active FROM tokens t"
            " JOIN users u ON u.id = t.user_id WHERE t.id = ?",
            (parts[1],),
        )
        now = self.clock()
        if row is None or row["revoked"] or not row["user_active"]:
            return None
        if not hmac.compare_digest(row["secret_hash"], _digest(parts[2])):
            return None
        if row["expires_at"] is not None and row["expires_at"] < now:
            return None
        with self.db.transaction() as conn:
            conn.execute("UPDATE tokens SET last_used = ? WHERE id = ?", (now, parts[1]))
        roles = tuple(Role(part) for part in row["roles"].split(",") if part)
        return User(row["user_id"], row["user_name"], roles, True)

    def revoke_token(self, token_id: str) -> None:
        with self.db.transaction() as conn:
            if conn.execute("UPDATE tokens SET revoked = 1 WHERE id = ?", (token_id,)).rowcount != 1:
                raise NotFound(f"no token {token_id!r}")
