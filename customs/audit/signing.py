"""Signed checkpoints: the gateway's Ed25519 key and what its signatures cover.

A checkpoint is an audit event of its own chain (``type: checkpoint``) that signs the chain's head at that
point: ``prev`` is the hash of the last event it covers and ``covers`` that event's ``seq``. The signature
is Ed25519 over ``signed_message(chain, covers, prev)``, so anyone with the public key can check that every
event up to ``covers`` is as the gateway wrote it: each hash links back from the signed head.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from customs.audit.chain import Head
from customs.key_file import create_once


def signed_message(chain: str, covers: int, head: str) -> bytes:
    return f"data-customs-audit-checkpoint:v1:{chain}:{covers}:{head}".encode()


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    """The checkpoint key in ``path`` (PEM, PKCS#8); a new one is written there (mode 0600) if missing."""
    if not path.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        create_once(path, pem)  # another process may have made it first: then theirs is used
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path}: not an Ed25519 private key")
    return key


def public_pem(key: Ed25519PrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def checkpoint(head: Head, key: Ed25519PrivateKey, at_ms: int) -> dict[str, Any]:
    """An unchained checkpoint event signing ``head`` (chain it with ``chain.link``: its ``prev`` is the
    head's hash). ``head`` must follow at least one event."""
    if head.next_seq == 0:
        raise ValueError("a checkpoint signs at least one event")
    covers = head.next_seq - 1
    signature = key.sign(signed_message(head.chain, covers, head.hash))
    return {
        "type": "checkpoint",
        "covers": covers,
        "at_ms": at_ms,
        "key_id": key_id(key.public_key()),
        "signature": base64.b64encode(signature).decode(),
    }


def signature_valid(event: Mapping[str, Any], public: Ed25519PublicKey) -> bool:
    """Whether a chained checkpoint's signature covers its ``chain``, ``covers`` and ``prev``."""
    try:
        signature = base64.b64decode(str(event["signature"]), validate=True)
        message = signed_message(str(event["chain"]), int(event["covers"]), str(event["prev"]))
        public.verify(signature, message)
    except (InvalidSignature, KeyError, TypeError, ValueError):
        return False
    return True
