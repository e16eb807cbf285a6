"""Check an audit export and prove a record's place in it, with the public key only.

``verify`` walks every chain in the order its events appear and stops at the first broken link:

1. an event without chain fields (``chain``, ``seq``, ``prev``, ``hash``) is ``unchained``;
2. a ``hash`` that is not the SHA-256 of the event's canonical encoding is ``tampered``;
3. a ``seq`` other than the previous one's plus one is ``gap`` (an event dropped) or ``out_of_order``;
4. a ``prev`` other than the previous event's hash is ``broken_link`` (an event dropped or moved);
5. a checkpoint whose signature does not verify, or that covers another event than the one before it, is
   ``bad_signature``.

A chain may start at any ``seq`` (an export of a topic whose oldest events were deleted by retention); the
first event is then trusted as the start, and the report says so.

``prove`` takes the bytes of a record as published, finds the audit event whose ``digest_out`` is their
SHA-256, and follows that event's chain from it to the first signed checkpoint after it: every hash on the
way is recomputed and linked, and the checkpoint's signature is verified. No original data is needed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from customs.audit.chain import CHAIN_FIELDS, GENESIS, event_hash
from customs.audit.signing import signature_valid

Event = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Located:
    """An event and where it was read (``audit/2@15`` on a topic, ``line 7`` in a file)."""

    where: str
    event: Event


@dataclass(frozen=True, slots=True)
class Break:
    where: str
    chain: str | None
    seq: int | None
    problem: str  # unchained, tampered, gap, out_of_order, broken_link, bad_signature
    detail: str

    def __str__(self) -> str:
        chain = f" (chain {self.chain}, seq {self.seq})" if self.chain is not None else ""
        return f"{self.where}{chain}: {self.problem}: {self.detail}"


@dataclass
class Report:
    events: int = 0
    chains: dict[str, int] = field(default_factory=dict)  # chain -> events
    checkpoints: int = 0
    partial: list[str] = field(default_factory=list)  # chains that did not start at seq 0
    first_break: Break | None = None

    @property
    def ok(self) -> bool:
        return self.first_break is None


@dataclass(frozen=True, slots=True)
class _Last:
    seq: int
    hash: str


def _check(item: Located, last: _Last | None, public: Ed25519PublicKey | None) -> Break | None:
    event = item.event
    if any(name not in event for name in CHAIN_FIELDS):
        return Break(item.where, None, None, "unchained", "the event has no chain, seq, prev or hash")
    chain, seq = str(event["chain"]), event["seq"]
    if not isinstance(seq, int):
        return Break(item.where, chain, None, "tampered", "seq is not a number")
    if event_hash(event) != event["hash"]:
        return Break(item.where, chain, seq, "tampered", "the hash does not match the event's content")
    if last is None:
        if seq == 0 and event["prev"] != GENESIS:
            return Break(item.where, chain, seq, "broken_link", "the first event does not start the chain")
    elif seq != last.seq + 1:
        problem = "gap" if seq > last.seq + 1 else "out_of_order"
        return Break(item.where, chain, seq, problem, f"expected seq {last.seq + 1} after {last.seq}")
    elif event["prev"] != last.hash:
        return Break(item.where, chain, seq, "broken_link", "prev is not the hash of the event before it")
    if event.get("type") == "checkpoint":
        if public is None:
            return None
        if event.get("covers") != seq - 1 or not signature_valid(event, public):
            return Break(
                item.where, chain, seq, "bad_signature", "the checkpoint's signature does not verify"
            )
    return None


def verify(events: Iterable[Located], public: Ed25519PublicKey | None) -> Report:
    """Check every chain and checkpoint signature (none without ``public``); stop at the first break."""
    report = Report()
    last: dict[str, _Last] = {}
    for item in events:
        report.events += 1
        broken = _check(item, last.get(str(item.event.get("chain"))), public)
        if broken is not None:
            report.first_break = broken
            return report
        chain = str(item.event["chain"])
        if chain not in last and item.event["seq"] != 0:
            report.partial.append(chain)
        last[chain] = _Last(item.event["seq"], str(item.event["hash"]))
        report.chains[chain] = report.chains.get(chain, 0) + 1
        report.checkpoints += item.event.get("type") == "checkpoint"
    return report


@dataclass(frozen=True, slots=True)
class Proof:
    digest: str  # SHA-256 of the record as published
    event: Located | None  # the audit event that published it
    checkpoint: Located | None  # the signed checkpoint over it
    links: int  # hashes checked from the event to the checkpoint
    problem: str | None  # why it is not proven; None when it is

    @property
    def ok(self) -> bool:
        return self.problem is None


def prove(record: bytes, events: Sequence[Located], public: Ed25519PublicKey) -> Proof:
    """Prove that ``record`` (its bytes as published) left through the gateway (see the module docstring)."""
    digest = hashlib.sha256(record).hexdigest()
    start = next((i for i, item in enumerate(events) if item.event.get("digest_out") == digest), None)
    if start is None:
        return Proof(digest, None, None, 0, "no audit event has this record's digest_out")
    found = events[start]
    chain = found.event.get("chain")
    if chain is None:
        return Proof(digest, found, None, 0, "the audit event is not chained")
    previous: _Last | None = None
    links = 0
    for item in events[start:]:
        if item.event.get("chain") != chain:
            continue
        broken = _check(item, previous, public)
        if broken is not None:
            return Proof(digest, found, None, links, str(broken))
        links += 1
        previous = _Last(item.event["seq"], str(item.event["hash"]))
        if item.event.get("type") == "checkpoint":
            return Proof(digest, found, item, links, None)
    return Proof(digest, found, None, links, "no signed checkpoint covers the event yet")
