"""Encryption at rest of held payloads (Fernet: AES-128-CBC + HMAC-SHA256), and keys derived from it."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from customs.key_file import create_once
from customs.settings import Settings


class VaultError(Exception):
    """A held payload could not be decrypted (wrong key or tampered row)."""


def _key_from_file(path: Path) -> bytes:
    if not path.exists():
        create_once(path, Fernet.generate_key())  # another process may have made it first
    return path.read_bytes().strip()


class Vault:
    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)
        self._key = key

    @classmethod
    def from_settings(cls, settings: Settings) -> Vault:
        if settings.review_key is not None:
            return cls(settings.review_key.get_secret_value().encode())
        return cls(_key_from_file(settings.review_key_file))

    def seal(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def open(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken:
            raise VaultError("held payload cannot be decrypted with this key") from None

    def derive(self, purpose: str) -> bytes:
        """A separate secret for ``purpose`` (e.g. signing session cookies), derived from the key."""
        return hmac.new(self._key, purpose.encode(), hashlib.sha256).digest()
