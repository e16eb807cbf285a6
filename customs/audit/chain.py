"""Hash chains of audit events.

An audit event is a JSON object. A chained event also has:

- ``chain``: the chain it belongs to (``gateway:TOPIC:PARTITION`` for the gateway's input partition,
  ``review`` or ``review:INSTANCE`` for the review service);
- ``seq``: its place in the chain, from 0;
- ``prev``: the ``hash`` of the event before it in the chain (``GENESIS`` for the first);
- ``hash``: SHA-256 (hex) of the event's canonical encoding without ``hash``.

The canonical encoding is JSON with sorted keys, no insignificant white space and UTF-8 text (``canonical``);
anyone can recompute it from an exported event with any JSON library that sorts keys. Changing any field of an
event changes its hash; dropping, inserting or reordering events breaks a ``prev`` link or a ``seq``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
CHAIN_FIELDS = ("chain", "seq", "prev", "hash")
# ``json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``, built once.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical(event: Mapping[str, Any]) -> bytes:
    """The bytes an event's hash covers: the event without ``hash``, as sorted compact UTF-8 JSON."""
    body = {key: value for key, value in event.items() if key != "hash"}
    return _CANONICAL.encode(body).encode("utf-8")


def event_hash(event: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()


@dataclass(frozen=True, slots=True)
class Head:
    """Where a chain stands: the ``seq`` the next event gets and the hash it links to; ``signed`` when
    the event at the head is a checkpoint (no event after the last checkpoint waits for a signature)."""

    chain: str
    next_seq: int = 0
    hash: str = GENESIS
    signed: bool = False

    def encode(self) -> str:
        """A short text form (kept as Kafka offset-commit metadata by the gateway):
        ``audit1:SEQ:HASH``, with ``:signed`` after it when the head is a checkpoint."""
        return f"audit1:{self.next_seq}:{self.hash}" + (":signed" if self.signed else "")

    @classmethod
    def decode(cls, chain: str, text: str | None) -> Head:
        """The head ``encode`` wrote; a fresh chain for no text or text of another kind. A head written
        before ``signed`` was kept reads as unsigned (at worst, one checkpoint more)."""
        if not text or not text.startswith("audit1:"):
            return cls(chain)
        _, seq, rest = text.split(":", 2)
        digest, _, flag = rest.partition(":")
        return cls(chain, int(seq), digest, flag == "signed")


def link(head: Head, event: Mapping[str, Any]) -> tuple[dict[str, Any], Head]:
    """``event`` chained after ``head``, and the new head. Pure: the caller keeps the head."""
    chained = {key: value for key, value in event.items() if key not in CHAIN_FIELDS}
    chained.update(chain=head.chain, seq=head.next_seq, prev=head.hash)
    # ``event_hash(chained)``; it has no ``hash`` yet, so no copy without it is needed.
    chained["hash"] = hashlib.sha256(_CANONICAL.encode(chained).encode("utf-8")).hexdigest()
    signed = chained.get("type") == "checkpoint"
    return chained, Head(head.chain, head.next_seq + 1, chained["hash"], signed)


class Chainer:
    """Chains events one after another from a head (one chain, one writer)."""

    def __init__(self, head: Head) -> None:
        self.head = head

    def add(self, event: Mapping[str, Any]) -> dict[str, Any]:
        chained, self.head = link(self.head, event)
        return chained
