"""Flow signing keys on disk: the gateway's HMAC secrets, and the producers' keys.

The gateway reads ``CUSTOMS_FLOW_KEYS_DIR``: one file per key, named ``<key id>.key`` (``ORG.key``, or
``ORG:LABEL.key`` for a second key while rotating), whose text (blanks around it ignored) is the
HMAC-SHA256 secret, at least ``MIN_SECRET`` characters. Ed25519 organisations need nothing here: their
public keys are in the policy. The directory is read again when it changes (a key added, removed or
replaced by renaming, as a Kubernetes Secret volume does), checked at most every ``RESCAN_SECONDS``.

A producer's key file is the same HMAC secret file, or an Ed25519 private key (PEM, PKCS#8).
Nothing here logs key material.
"""

from __future__ import annotations

import base64
import errno
import logging
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from customs.flow_signature import ED25519, HMAC_SHA256, Algorithm, FlowKey, key_owner
from customs.key_file import create_once

log = logging.getLogger("customs.flow_keys")

MIN_SECRET = 32
RESCAN_SECONDS = 1.0
SUFFIX = ".key"


class FlowKeys:
    """The HMAC secrets in a directory, by key id (``None``: no directory, so no HMAC key)."""

    def __init__(self, directory: Path | None, clock: Callable[[], float] = time.monotonic) -> None:
        self.directory = directory
        self._clock = clock
        self._secrets: dict[str, bytes] = {}
        self._stamp: tuple[int, int] | None = None
        self._checked = float("-inf")
        self._rescan(force=True)

    def secret(self, key_id: str) -> bytes | None:
        self._rescan()
        return self._secrets.get(key_id)

    def lookup(self, algorithm: Algorithm, key_id: str) -> bytes | None:
        return self.secret(key_id) if algorithm == HMAC_SHA256 else None

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(self._secrets)

    def _rescan(self, force: bool = False) -> None:
        now = self._clock()
        if not force and now - self._checked < RESCAN_SECONDS:
            return
        self._checked = now
        if self.directory is None:
            return
        try:
            info = self.directory.stat()
        except OSError:
            stamp = None
        else:
            stamp = (info.st_mtime_ns, info.st_ino)
        if not force and stamp == self._stamp:
            return
        self._stamp = stamp
        self._secrets = read_secrets(self.directory) if stamp is not None else {}


def read_secrets(directory: Path) -> dict[str, bytes]:
    """Every ``<key id>.key`` in ``directory`` whose secret is long enough (others are logged by name)."""
    found: dict[str, bytes] = {}
    try:
        paths = sorted(directory.glob(f"*{SUFFIX}"))
    except OSError:
        return found
    for path in paths:
        key_id = path.name.removesuffix(SUFFIX)
        if not key_id or key_id.startswith("."):
            continue
        try:
            secret = path.read_text(encoding="utf-8").strip().encode("utf-8")
        except (OSError, UnicodeDecodeError):
            log.warning("flow key %s cannot be read as text; ignored", path.name)
            continue
        if len(secret) < MIN_SECRET:
            log.warning("flow key %s is shorter than %d characters; ignored", path.name, MIN_SECRET)
            continue
        found[key_id] = secret
    return found


def load_flow_key(path: Path, key_id: str | None = None) -> FlowKey:
    """A producer's signing key from ``path``: an Ed25519 private key (PEM), else an HMAC secret (text);
    its key id is ``key_id``, else the file name without its suffix (``gz-tcm-hospital.key``)."""
    data = path.read_bytes()
    name = key_id or path.name.removesuffix(SUFFIX).removesuffix(".pem")
    if data.lstrip().startswith(b"-----BEGIN"):
        private = serialization.load_pem_private_key(data, password=None)
        if not isinstance(private, Ed25519PrivateKey):
            raise ValueError(f"{path}: not an Ed25519 private key")
        return FlowKey(name, ED25519, private_key=private)
    secret = data.decode("utf-8").strip().encode("utf-8")
    if len(secret) < MIN_SECRET:
        raise ValueError(f"{path}: an HMAC secret needs at least {MIN_SECRET} characters")
    return FlowKey(name, HMAC_SHA256, secret=secret)


def signing_keys(directory: Path) -> dict[str, FlowKey]:
    """The producers' side of a key directory (the feed, a test): one signing key per organisation, from
    ``ORG.key`` (HMAC) or ``ORG.pem`` (Ed25519); a labelled key (``ORG:LABEL``) only where the organisation
    has no unlabelled one. Files that are not keys are skipped (by name in the log)."""
    keys: dict[str, FlowKey] = {}
    try:
        paths = sorted(p for p in directory.iterdir() if p.suffix in {SUFFIX, ".pem"})
    except OSError:
        return keys
    for path in paths:
        if path.name.startswith("."):
            continue
        try:
            key = load_flow_key(path)
        except (OSError, ValueError, UnicodeDecodeError):
            log.warning("flow key %s cannot be loaded; not signing with it", path.name)
            continue
        org = key_owner(key.key_id)
        if org not in keys or ":" in keys[org].key_id:
            keys[org] = key
    return keys


def _write_new(path: Path, data: bytes) -> None:
    if not create_once(path, data):  # an existing key is never replaced
        raise FileExistsError(errno.EEXIST, "a key file is already there", str(path))


def new_hmac_key(path: Path) -> None:
    """Write a new random HMAC secret to ``path`` (mode 0600; an existing file is never replaced)."""
    _write_new(path, (secrets.token_urlsafe(32) + "\n").encode("ascii"))


def new_ed25519_key(path: Path) -> str:
    """Write a new Ed25519 private key to ``path`` (PEM, mode 0600); its public key as the policy lists
    it (base64 of the 32 raw bytes)."""
    private = Ed25519PrivateKey.generate()
    _write_new(
        path,
        private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    )
    return public_key_text(private)


def public_key_text(private: Ed25519PrivateKey) -> str:
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")
