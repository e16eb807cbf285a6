"""Keyed digests of the identifiers in a record, so that a data subject's request can be answered from the
audit trail without anyone storing the identifier in clear.

A subject digest is HMAC-SHA256, under the pseudonym key, of the identifier in a normal form (``normal``):
e-mail addresses lower case; other identifiers upper case without spaces, hyphens, dots or brackets; phone
numbers without a +86, +852 or +853 country code. ``customs subject find`` computes the same digest from what
the requester gives and looks it up. Without the key a digest reveals nothing.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable

from detectors.finding import Finding
from detectors.walker import JsonValue, text_at

# Entities that identify one person on their own (a name does not: many people share it).
IDENTIFIERS = frozenset(
    {
        "CN_RESIDENT_ID",
        "HK_ID_CARD",
        "MO_ID_CARD",
        "CN_PASSPORT",
        "HK_MO_EXIT_PERMIT",
        "HOME_RETURN_PERMIT",
        "MEDICAL_RECORD_NUMBER",
        "PHONE_NUMBER",
        "EMAIL_ADDRESS",
        "IM_ACCOUNT",
        "CN_BANK_CARD",
        "CREDIT_CARD",
    }
)
_SEPARATORS = re.compile(r"[\s\-().+/]")
_COUNTRY_CODES = (("0086", 11), ("86", 11), ("00852", 8), ("852", 8), ("00853", 8), ("853", 8))


def normal(identifier: str) -> str:
    text = identifier.strip()
    if "@" in text:
        return text.lower()
    text = _SEPARATORS.sub("", text).upper()
    if text.isdigit():
        for code, length in _COUNTRY_CODES:
            if text.startswith(code) and len(text) == len(code) + length:
                return text[len(code) :]
    return text


def subject_digest(identifier: str, key: bytes) -> str:
    return hmac.digest(key, b"data-customs-subject\x00" + normal(identifier).encode(), "sha256").hex()


def subject_digests(record: JsonValue, findings: Iterable[Finding], key: bytes) -> tuple[str, ...]:
    """The sorted, distinct subject digests of the identifiers ``findings`` locate in ``record``."""
    digests: set[str] = set()
    texts: dict[str, str | None] = {}  # each field's text, looked up once
    values: set[str] = set()  # each identifier digested once
    for finding in findings:
        if finding.entity not in IDENTIFIERS:
            continue
        path = finding.path
        text = texts[path] if path in texts else texts.setdefault(path, text_at(record, path))
        if text is None:
            continue
        value = text[finding.start : finding.end]
        if value not in values and value.strip():
            values.add(value)
            digests.add(subject_digest(value, key))
    return tuple(sorted(digests))
