"""Signed flow headers: the source organisation vouches for a record's flow and value.

A producer adds one header, ``customs-signature: v1.<algorithm>.<key id>.<signature>``:

* ``algorithm``: ``hmac-sha256`` (a secret shared by the organisation and the gateway, kept in
  ``CUSTOMS_FLOW_KEYS_DIR``) or ``ed25519`` (the organisation's public key listed in the policy);
* ``key id``: the source organisation's id, or ``ORG:LABEL`` for one of its keys (rotation). It must name
  the record's ``customs-source``: a key of another organisation never vouches for this one;
* ``signature``: base64url (no padding) of the HMAC-SHA256 tag or the Ed25519 signature over
  ``signed_message``.

The signed message is length-prefixed, so no two different header sets encode alike: a tag, then the
version, algorithm, key id, source, destination, purpose and important-data header, each as one byte
(0 absent, 1 present), four bytes of length (big-endian) and its UTF-8 text, then the 32 bytes of the
SHA-256 of the record's value (an absent value: of no bytes). A signature therefore covers the flow
(replayed onto another destination or purpose, or with ``customs-important-data`` dropped, it fails)
and the value (changed by one byte, it fails). It does not cover the topic, the key or the time: the same
record sent again on the same flow verifies again.

Pure: no IO, no clock. ``check`` returns what is wrong as data (``Unauthenticated``), never raises.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Final, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from customs import headers as h

VERSION = "v1"
HMAC_SHA256: Final = "hmac-sha256"
ED25519: Final = "ed25519"
Algorithm = Literal["hmac-sha256", "ed25519"]
ALGORITHMS: tuple[Algorithm, ...] = (HMAC_SHA256, ED25519)
_TAG = b"data-customs-flow-signature\x00"
_SIGNED_HEADERS = (h.SOURCE, h.DESTINATION, h.PURPOSE, h.IMPORTANT_DATA)
_SIGNATURE_BYTES = {HMAC_SHA256: 32, ED25519: 64}
MAX_HEADER = 512  # characters of a signature header; a longer one is malformed


class Unauthenticated(StrEnum):
    """Why a record's flow is not vouched for; the value-free ``customs-detail`` of its quarantine."""

    MISSING = "signature_missing"  # the flow requires a signature and there is none
    MALFORMED = "signature_malformed"  # not v1.<algorithm>.<key id>.<base64url> of the right length
    UNSUPPORTED = "signature_unsupported"  # another version or algorithm
    NOT_SOURCE = "key_not_source"  # the key id names another organisation than customs-source
    UNKNOWN_KEY = "key_unknown"  # no such key for the source (or not of this algorithm)
    MISMATCH = "signature_mismatch"  # the signature does not verify: headers or value changed, wrong key


@dataclass(frozen=True, slots=True)
class Signature:
    algorithm: Algorithm
    key_id: str
    raw: bytes

    def header(self) -> str:
        encoded = base64.urlsafe_b64encode(self.raw).rstrip(b"=").decode("ascii")
        return f"{VERSION}.{self.algorithm}.{self.key_id}.{encoded}"


@dataclass(frozen=True, slots=True)
class FlowKey:
    """A producer's signing key: an HMAC secret or an Ed25519 private key, under its key id."""

    key_id: str
    algorithm: Algorithm
    secret: bytes = b""  # hmac-sha256
    private_key: Ed25519PrivateKey | None = None  # ed25519

    def __repr__(self) -> str:  # never the key material
        return f"FlowKey({self.key_id!r}, {self.algorithm})"


def key_owner(key_id: str) -> str:
    """The organisation a key id names: ``ORG`` or ``ORG:LABEL``."""
    return key_id.partition(":")[0]


def _field(text: str | None) -> bytes:
    if text is None:
        return b"\x00"
    data = text.encode("utf-8", "surrogatepass")
    return b"\x01" + len(data).to_bytes(4, "big") + data


def signed_message(
    flow_headers: Mapping[str, str], value_sha256: bytes, algorithm: str, key_id: str
) -> bytes:
    """What a signature covers: ``flow_headers`` (text, absent ones left out) and the value's digest."""
    fields = (VERSION, algorithm, key_id, *(flow_headers.get(name) for name in _SIGNED_HEADERS))
    return _TAG + b"".join(_field(text) for text in fields) + value_sha256


def parse(header: str) -> Signature | Unauthenticated:
    """A ``customs-signature`` header's parts, or why it is not one."""
    if len(header) > MAX_HEADER or not header.isascii():
        return Unauthenticated.MALFORMED
    parts = header.split(".", 2)
    if len(parts) != 3:
        return Unauthenticated.MALFORMED
    version, algorithm, rest = parts
    key_id, _, encoded = rest.rpartition(".")
    if not key_id or not encoded or not key_id.isprintable():
        return Unauthenticated.MALFORMED
    if version != VERSION or algorithm not in ALGORITHMS:
        return Unauthenticated.UNSUPPORTED
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        return Unauthenticated.MALFORMED
    if len(raw) != _SIGNATURE_BYTES[algorithm] or "=" in encoded:
        return Unauthenticated.MALFORMED
    return Signature(HMAC_SHA256 if algorithm == HMAC_SHA256 else ED25519, key_id, raw)


def sign(flow_headers: Mapping[str, str], value: bytes | None, key: FlowKey) -> Signature:
    digest = hashlib.sha256(value or b"").digest()
    message = signed_message(flow_headers, digest, key.algorithm, key.key_id)
    if key.algorithm == ED25519:
        if key.private_key is None:
            raise ValueError(f"flow key {key.key_id}: no Ed25519 private key")
        return Signature(ED25519, key.key_id, key.private_key.sign(message))
    if not key.secret:
        raise ValueError(f"flow key {key.key_id}: no HMAC secret")
    return Signature(HMAC_SHA256, key.key_id, hmac.new(key.secret, message, hashlib.sha256).digest())


HeaderPairs = Iterable[tuple[str, str | bytes | None]]


def sign_headers(
    value: bytes | None, headers: Mapping[str, str | bytes | None] | HeaderPairs, key: FlowKey
) -> list[tuple[str, bytes]]:
    """The producer's helper: ``headers`` (a dict or pairs, text or UTF-8 bytes) with a
    ``customs-signature`` for ``value`` added (any earlier one replaced), as the pairs Kafka clients take.
    The key must be the source organisation's: its id is ``customs-source`` or ``customs-source:LABEL``."""
    text = h.as_text(headers)
    if key_owner(key.key_id) != text.get(h.SOURCE):
        raise ValueError(f"flow key {key.key_id} is not a key of customs-source {text.get(h.SOURCE)!r}")
    signature = sign(text, value, key)
    items = headers.items() if isinstance(headers, Mapping) else headers
    out = [
        (name, raw if isinstance(raw, bytes) else raw.encode("utf-8"))
        for name, raw in items
        if raw is not None and name != h.SIGNATURE
    ]
    return [*out, (h.SIGNATURE, signature.header().encode("ascii"))]


# (algorithm, key id) -> the key material to check with: an HMAC secret, or an Ed25519 public key (its
# 32 raw bytes); None when the source has no such key.
KeyLookup = Callable[[Algorithm, str], bytes | None]


@lru_cache(maxsize=256)
def _public_key(raw: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(raw)


def check(
    flow_headers: Mapping[str, str], value: bytes | None, required: bool, keys: KeyLookup
) -> Unauthenticated | None:
    """None when the record's flow is vouched for, or needs no vouching (``required`` false and no
    signature); else why not. A signature that is present is always checked, required or not: a wrong one
    is a forgery or a broken producer, and either way the record is held. ``flow_headers``: the headers as
    text (``headers.as_text``), ``customs-signature`` among them."""
    header = flow_headers.get(h.SIGNATURE)
    if header is None:
        return Unauthenticated.MISSING if required else None
    parsed = parse(header)
    if isinstance(parsed, Unauthenticated):
        return parsed
    source = flow_headers.get(h.SOURCE)
    if source is None or key_owner(parsed.key_id) != source:
        return Unauthenticated.NOT_SOURCE
    material = keys(parsed.algorithm, parsed.key_id)
    if not material:
        return Unauthenticated.UNKNOWN_KEY
    digest = hashlib.sha256(value or b"").digest()
    message = signed_message(flow_headers, digest, parsed.algorithm, parsed.key_id)
    if parsed.algorithm == HMAC_SHA256:
        expected = hmac.new(material, message, hashlib.sha256).digest()
        return None if hmac.compare_digest(expected, parsed.raw) else Unauthenticated.MISMATCH
    try:
        _public_key(material).verify(parsed.raw, message)
    except (InvalidSignature, ValueError):
        return Unauthenticated.MISMATCH
    return None
