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
from review.throttle import LoginThrottle, client_key

Clock = Callable[[], float]

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
        self.throttle = LoginThrottle(db)

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
                "UPDATE users SET password_hash = ? WHERE name = ?", (self._hasher.hash(password), name)
            )
            if cursor.rowcount != 1:
                raise NotFound(f"no user {name!r}")
            self.throttle.forget(name)
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

    def authenticate(self, name: str, password: str, address: str | None = None) -> User | None:
        """The user if the password matches. Attempts are throttled per (name, client address) and per
        address (``review.throttle``); every call checks exactly one password hash — a dummy one for an
        unknown name, a locked count or a disabled user — so that the time taken does not tell them apart."""
        client = client_key(address)
        row = self.db.one("SELECT * FROM users WHERE name = ?", (name,))
        allowed = self.throttle.claim(name, client, self.clock())
        hashed = row["password_hash"] if row is not None and allowed else self._dummy_hash
        matches = self._verify(hashed, password)
        if row is None or not allowed or not matches or not row["active"]:
            return None
        self.throttle.succeeded(name, client)
        if self._hasher.check_needs_rehash(row["password_hash"]):
            with self.db.transaction() as conn:
                conn.execute(
                    "UPDATE users SET password_hash = ? WHERE id = ?",
                    (self._hasher.hash(password), row["id"]),
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

    def tokens(self, user_name: str | None = None) -> list[Token]:
        """API tokens (never their secrets), oldest first: one user's, or everyone's."""
        sql = "SELECT t.*, u.name AS user_name FROM tokens t JOIN users u ON u.id = t.user_id"
        if user_name is None:
            rows = self.db.all(f"{sql} ORDER BY t.created_at, t.id")
        else:
            rows = self.db.all(f"{sql} WHERE u.name = ? ORDER BY t.created_at, t.id", (user_name,))
        return [_token(row) for row in rows]

    def token(self, token: str) -> Token | None:
        """One API token by its id (or the whole token, whose second part is its id)."""
        row = self.db.one(
            "SELECT t.*, u.name AS user_name FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?",
            (token_id(token),),
        )
        return _token(row) if row else None

    def revoke_token(self, token: str) -> Token:
        """Revoke one API token, by its id or the whole token; the user's other tokens keep working."""
        with self.db.transaction() as conn:
            if conn.execute("UPDATE tokens SET revoked = 1 WHERE id = ?", (token_id(token),)).rowcount != 1:
                raise NotFound(f"no token {token_id(token)!r}")
        revoked = self.token(token)
        assert revoked is not None
        return revoked


@dataclass(frozen=True, slots=True)
class Token:
    """What is known of an API token: its hash stays in the store, its secret nowhere."""

    id: str
    user: str
    name: str
    created_at: float
    expires_at: float | None
    last_used: float | None
    revoked: bool

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "user": self.user,
            "name": self.name,
            "created_at": self.created_at,
            "expires_at": self.expires_at,
            "last_used": self.last_used,
            "revoked": self.revoked,
        }


def token_id(token: str) -> str:
    """The id of a token given whole (``crt_<id>_<secret>``) or as its id."""
    parts = token.strip().split("_", 2)
    return parts[1] if len(parts) == 3 and parts[0] == TOKEN_PREFIX else token.strip()


def _token(row: Row) -> Token:
    return Token(
        row["id"],
        row["user_name"],
        row["name"],
        row["created_at"],
        row["expires_at"],
        row["last_used"],
        bool(row["revoked"]),
    )
