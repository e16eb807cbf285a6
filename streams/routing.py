"""What the gateway publishes for one inbound record, whichever stream engine carries it.

An inbound Kafka message becomes a flow (from its headers) and an origin (where it was read); its
verdict becomes two outputs for the same partition number: the routed record (allow, mask or
quarantine, with the flow headers passed on and the decision's provenance headers added) and its
audit event. Pure: no Kafka client here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from customs import headers as h
from customs.audit.chain import Chainer
from customs.inspection import Origin, Verdict, audit_bytes, flow_context
from rules.decision import FlowContext

Headers = list[tuple[str, bytes]]


@dataclass(frozen=True, slots=True)
class Inbound:
    """One inbound record as read from Kafka, with what inspection needs from its headers."""

    value: bytes | None
    key: bytes | None
    flow: FlowContext
    origin: Origin
    passed_headers: Headers  # the flow headers, passed on to the routed record
    timestamp: float | None  # seconds since the epoch (the message's Kafka timestamp)


@dataclass(frozen=True, slots=True)
class Output:
    channel: str  # allow, mask, quarantine or audit (a key of Settings.output_topic_names)
    key: bytes | None
    value: bytes
    headers: Headers


def record_date(timestamp: float | None) -> date:
    """The day a record was produced (UTC), which date shifting and minors' ages count from."""
    if not timestamp:
        return datetime.now(UTC).date()
    return datetime.fromtimestamp(timestamp, UTC).date()


def inbound(
    *,
    topic: str,
    partition: int,
    offset: int,
    timestamp: float | None,
    key: bytes | None,
    value: bytes | None,
    headers: h.RawHeaders | None,
) -> Inbound:
    """An inbound message's flow and origin; ``timestamp`` in seconds since the epoch, or None."""
    text = h.as_text(headers)
    flow = flow_context(text, record_date(timestamp))
    origin = Origin(topic, partition, offset, int(timestamp * 1000) if timestamp else None)
    passed = [(name, text[name].encode()) for name in h.FLOW_HEADERS if name in text]
    return Inbound(value, key, flow, origin, passed, timestamp)


def chain_name(topic: str, partition: int) -> str:
    """The audit chain of an input partition: its events are chained in the order they are committed."""
    return f"gateway:{topic}:{partition}"


def outputs(record: Inbound, verdict: Verdict, chainer: Chainer | None = None) -> tuple[Output, Output]:
    """The routed record and its audit event (digests and counts only, never a raw value), linked into
    ``chainer``'s chain when given (the caller keeps the chain's head; see streams/gateway.py)."""
    routed = Output(
        verdict.action.value, record.key, verdict.value, record.passed_headers + list(verdict.headers)
    )
    event = verdict.audit_event(record.origin, record.flow)
    audit = Output(
        "audit",
        record.key,
        audit_bytes(chainer.add(event) if chainer is not None else event),
        [(h.DECISION, verdict.action.value.encode())],
    )
    return routed, audit


def audit_output(event: dict[str, object]) -> Output:
    """An audit event of its own (a checkpoint), already chained."""
    return Output("audit", None, audit_bytes(event), [])
