"""The quarantine topic into the review store: one held row per origin record, payload encrypted.

Every record is stored, whatever it holds: a record that could stop the ingest would stall its
partition for good (it is retried after every failure). So the record's id and the header texts are
stored with what a database may refuse (NUL, other control characters, lone surrogates) escaped, and
a record the analysis fails on is held with the failure as its detail.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from customs import headers as h
from review.analysis import Analysis, Analyst, record_date
from review.retention import analysis_subjects, record_subjects
from review.store import NewHeld, Store
from review.vault import Vault

log = logging.getLogger("customs.review.ingest")

MAX_REF = 128
MAX_TEXT = 1024  # characters of a header text kept (policy version, digest, detail)


@dataclass(frozen=True, slots=True)
class Quarantined:
    """A record read from the quarantine topic."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]
    timestamp_ms: int | None


def _int(text: str | None, default: int) -> int:
    """A partition or offset header: ``default`` unless it is an integer a database column holds."""
    if text is None or not 0 < len(text) <= 19:
        return default
    try:
        value = int(text)
    except ValueError:
        return default
    return value if 0 <= value < 2**63 else default


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(part for part in (printable(text) or "").split(",") if part)


def _escape(char: str) -> str:
    if char.isprintable():
        return char
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def printable(text: str | None, limit: int = MAX_TEXT) -> str | None:
    """``text`` cut to ``limit`` characters, each one that is not printable (NUL, control characters, a
    lone surrogate) written as a ``\\uXXXX`` escape: text any database stores and any page shows."""
    if text is None:
        return None
    if not text.isprintable():
        text = "".join(_escape(char) for char in text[:limit])
    return text[:limit]


def record_ref(record: object) -> str | None:
    """The record's own ``id`` (a string or an integer), for search; None without one."""
    raw = record.get("id") if isinstance(record, dict) else None
    if isinstance(raw, str | int) and not isinstance(raw, bool):
        return printable(raw if isinstance(raw, str) else str(raw), MAX_REF)
    return None


class Ingest:
    def __init__(
        self, store: Store, vault: Vault, analyst: Analyst, subject_key: bytes | None = None
    ) -> None:
        self.store = store
        self.vault = vault
        self.analyst = analyst
        # The pseudonym key: with it, a held record's identifiers are kept as keyed subject digests
        # (``review.retention``), so ``customs subject find`` finds the record; never the identifiers.
        self.subject_key = subject_key

    def _analyse(self, message: Quarantined) -> Analysis:
        try:
            return self.analyst.analyse(message.value, record_date(message.timestamp_ms))
        except Exception as exc:  # a detector's bug costs this record its analysis, not its partition
            log.warning("analysis failed on %s/%d@%d", message.topic, message.partition, message.offset)
            return Analysis(None, (), frozenset(), frozenset(), f"analysis failed: {type(exc).__name__}")

    def to_held(self, message: Quarantined, analysis: Analysis | None = None) -> NewHeld:
        headers = h.as_text(message.headers)
        if analysis is None:
            analysis = self._analyse(message)
        ref = record_ref(analysis.decoded.record) if analysis.decoded is not None else None
        # Without origin headers (not from the gateway) the quarantine position is the origin.
        origin_topic = printable(headers.get(h.ORIGIN_TOPIC), MAX_REF) or message.topic
        has_origin = h.ORIGIN_TOPIC in headers
        sealed_headers = json.dumps([[k, v.hex()] for k, v in message.headers]).encode()
        return NewHeld(
            origin_topic=origin_topic,
            origin_partition=_int(headers.get(h.ORIGIN_PARTITION), message.partition)
            if has_origin
            else message.partition,
            origin_offset=_int(headers.get(h.ORIGIN_OFFSET), message.offset)
            if has_origin
            else message.offset,
            quarantine_partition=message.partition,
            quarantine_offset=message.offset,
            record_ref=ref,
            source=h.flow_value(headers.get(h.SOURCE)),
            destination=h.flow_value(headers.get(h.DESTINATION)),
            purpose=h.flow_value(headers.get(h.PURPOSE)),
            reasons=_split(headers.get(h.REASONS)),
            rules=_split(headers.get(h.RULES)),
            entities=analysis.entities,
            categories=tuple(sorted(c.value for c in analysis.categories)),
            sensitive=analysis.sensitive,
            finding_count=len(analysis.findings),
            policy_version=printable(headers.get(h.POLICY_VERSION)),
            digest=printable(headers.get(h.DIGEST)),
            detail=printable(headers.get(h.DETAIL) or analysis.error),
            format=analysis.format,
            held_at=(message.timestamp_ms / 1000) if message.timestamp_ms else self.store.clock(),
            key_enc=self.vault.seal(message.key) if message.key is not None else None,
            value_enc=self.vault.seal(message.value or b""),
            headers_enc=self.vault.seal(sealed_headers),
        )

    def add(self, message: Quarantined) -> str | None:
        """Hold ``message``; the new row's id, or None when its origin was held already."""
        analysis = self._analyse(message)
        with self.store.db.transaction():
            held_id = self.store.add_held(self.to_held(message, analysis))
            if held_id is not None and self.subject_key is not None:
                record_subjects(self.store, held_id, analysis_subjects(analysis, self.subject_key))
        if held_id is not None:
            log.info("held %s from %s/%d@%d", held_id, message.topic, message.partition, message.offset)
        return held_id


def unseal_headers(vault: Vault, sealed: bytes) -> tuple[tuple[str, bytes], ...]:
    pairs = json.loads(vault.open(sealed))
    return tuple((str(k), bytes.fromhex(v)) for k, v in pairs)
