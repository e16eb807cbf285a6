"""tokenise: reversible, format-preserving tokens (NIST FF3-1 through the ``ff3`` library).

Digits-only values keep their length and digit alphabet (radix 10); letters and digits use a radix-36
alphabet in the value's own case. Separators (spaces, ``-()+./@_:``) stay where they are. The AES key
and the per-entity 56-bit tweak are derived from the token secret (``CUSTOMS_TOKEN_KEY``, else the
pseudonym key), so ``customs policy reidentify --entity E TOKEN`` gives the value back to whoever holds
that secret. Values FF3 cannot take — too short (6 digits, 4 letters-and-digits), too long, mixed case,
other scripts — become their type tag.
"""

from __future__ import annotations

import hashlib
import hmac
import string
from dataclasses import dataclass

from ff3 import FF3Cipher

from rules.operators.base import Operator, OperatorContext, Params, type_tag

SEPARATORS = frozenset(" -()+./@_:")
DIGITS = string.digits
UPPER = string.digits + string.ascii_uppercase
LOWER = string.digits + string.ascii_lowercase


class TokenError(ValueError):
    """A value that cannot be tokenised or reidentified (no value in the message)."""


@dataclass(frozen=True, slots=True)
class _Shape:
    alphabet: str
    chars: str  # the characters that are enciphered
    template: str  # the value with every enciphered character replaced by \0


def _shape(value: str) -> _Shape:
    chars = "".join(c for c in value if c not in SEPARATORS)
    if not chars:
        raise TokenError("nothing to tokenise")
    if all(c in DIGITS for c in chars):
        alphabet = DIGITS
    elif all(c in UPPER for c in chars):
        alphabet = UPPER
    elif all(c in LOWER for c in chars):
        alphabet = LOWER
    else:
        raise TokenError("mixed case or characters outside ASCII letters and digits")
    template = "".join("\0" if c not in SEPARATORS else c for c in value)
    return _Shape(alphabet, chars, template)


def _fill(template: str, chars: str) -> str:
    it = iter(chars)
    return "".join(next(it) if c == "\0" else c for c in template)


def _cipher(secret: bytes, entity: str, alphabet: str) -> FF3Cipher:
    key = hmac.new(secret, b"customs-tokenise-key", hashlib.sha256).hexdigest()  # AES-256
    tweak = hmac.new(secret, f"customs-tokenise-tweak\x00{entity}".encode(), hashlib.sha256).hexdigest()
    return FF3Cipher.withCustomAlphabet(key, tweak[:14], alphabet)  # FF3-1: a 56-bit tweak


def _has_letter(text: str) -> bool:
    return any(not c.isdigit() for c in text)


def _run(secret: bytes, entity: str, value: str, encrypt: bool) -> str:
    shape = _shape(value)
    cipher = _cipher(secret, entity, shape.alphabet)
    if not cipher.minLen <= len(shape.chars) <= cipher.maxLen:
        raise TokenError(f"length {len(shape.chars)} outside FF3's {cipher.minLen}..{cipher.maxLen}")
    step = cipher.encrypt if encrypt else cipher.decrypt
    out = step(shape.chars)
    # Cycle walking: a radix-36 token must keep a letter, or it would read as digits-only on the way back.
    while shape.alphabet != DIGITS and not _has_letter(out):
        out = step(out)
    return _fill(shape.template, out)


def tokenise(value: str, entity: str, secret: bytes) -> str:
    """The FF3-1 token of ``value``; raises ``TokenError`` when FF3 cannot take it."""
    return _run(secret, entity, value, encrypt=True)


def reidentify(token: str, entity: str, secret: bytes) -> str:
    """The value behind ``token`` (made by ``tokenise`` for ``entity`` under ``secret``)."""
    return _run(secret, entity, token, encrypt=False)


class Tokenise(Operator):
    name = "tokenise"

    def operate_in(
        self, value: str, entity: str, params: Params, key: bytes, context: OperatorContext
    ) -> str:
        try:
            return tokenise(value, entity, context.token_key or key)
        except TokenError:
            return type_tag(entity)
