"""The quarantine topic into the review store: one held row per origin record, payload encrypted."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from review.analysis import Analyst, record_date
from review.store import NewHeld, Store
from review.vault import Vault
from streams import headers as h

log = logging.getLogger("customs.review.ingest")

MAX_REF = 128


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
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(part for part in (text or "").split(",") if part)


class Ingest:
    def __init__(self, store: Store, vault: Vault, analyst: Analyst) -> None:
        self.store = store
        self.vault = vault
        self.analyst = analyst

    def to_held(self, message: Quarantined) -> NewHeld:
        headers = h.as_text(message.headers)
        analysis = self.analyst.analyse(message.value, record_date(message.timestamp_ms))
        ref = None
        if analysis.decoded is not None and isinstance(analysis.decoded.record, dict):
            raw_ref = analysis.decoded.record.get("id")
            if isinstance(raw_ref, str | int) and not isinstance(raw_ref, bool):
                ref = str(raw_ref)[:MAX_REF]
        # Without origin headers (not from the gateway) the quarantine position is the origin.
        origin_topic = headers.get(h.ORIGIN_TOPIC) or message.topic
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
            source=headers.get(h.SOURCE),
            destination=headers.get(h.DESTINATION),
            purpose=headers.get(h.PURPOSE),
            reasons=_split(headers.get(h.REASONS)),
            rules=_split(headers.get(h.RULES)),
            entities=analysis.entities,
            categories=tuple(sorted(c.value for c in analysis.categories)),
            sensitive=analysis.sensitive,
            finding_count=len(analysis.findings),
            policy_version=headers.get(h.POLICY_VERSION),
            digest=headers.get(h.DIGEST),
            detail=headers.get(h.DETAIL) or analysis.error,
            format=analysis.format,
            held_at=(message.timestamp_ms / 1000) if message.timestamp_ms else self.store.clock(),
            key_enc=self.vault.seal(message.key) if message.key is not None else None,
            value_enc=self.vault.seal(message.value or b""),
            headers_enc=self.vault.seal(sealed_headers),
        )

    def add(self, message: Quarantined) -> str | None:
        """Hold ``message``; the new row's id, or None when its origin was held already."""
        held_id = self.store.add_held(self.to_held(message))
        if held_id is not None:
            log.info("held %s from %s/%d@%d", held_id, message.topic, message.partition, message.offset)
        return held_id


def unseal_headers(vault: Vault, sealed: bytes) -> tuple[tuple[str, bytes], ...]:
    pairs = json.loads(vault.open(sealed))
    return tuple((str(k), bytes.fromhex(v)) for k, v in pairs)
