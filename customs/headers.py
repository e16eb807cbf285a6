"""The Kafka headers the gateway reads (flow metadata) and writes (provenance of every decision)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# Set by the producing enterprise system on every inbound record.
SOURCE = "customs-source"  # organisation id of the processor, e.g. gz-tcm-hospital
DESTINATION = "customs-destination"  # organisation id of the recipient, e.g. hku-tcm-lab
PURPOSE = "customs-purpose"  # purpose of the transfer, e.g. clinical_research
IMPORTANT_DATA = "customs-important-data"  # "true" marks important data, which never passes
# v1.<algorithm>.<key id>.<base64url>: the source organisation vouches for the flow headers and the value
# (customs/flow_signature.py); the policy may require it per flow.
SIGNATURE = "customs-signature"

# Written by the gateway on every routed record.
DECISION = "customs-decision"
REASONS = "customs-reasons"  # comma-separated reason codes
RULES = "customs-rules"  # comma-separated ids of the rules that fired
DETAIL = "customs-detail"  # value-free detail, e.g. why a record could not be decoded
POLICY_VERSION = "customs-policy-version"
ORIGIN_TOPIC = "customs-origin-topic"
ORIGIN_PARTITION = "customs-origin-partition"
ORIGIN_OFFSET = "customs-origin-offset"
DIGEST = "customs-digest"  # sha256 hex of the original value

FLOW_HEADERS = (SOURCE, DESTINATION, PURPOSE, IMPORTANT_DATA)

HeaderValue = str | bytes | None
RawHeaders = Mapping[str, HeaderValue] | Iterable[tuple[str, HeaderValue]]

UNREADABLE = "\ufffd"  # the value of a flow header repeated with different values: which one holds?
MAX_FLOW_VALUE = 128  # characters of a source, destination or purpose
INVALID = "<invalid>"  # a flow value that is not a short printable text, in its place
# ``customs-important-data`` values that clearly say "not important data"; any other value says it is.
NOT_IMPORTANT = frozenset({"false", "0", "no", "off", "否"})


def as_text(headers: RawHeaders | None) -> dict[str, str]:
    """Kafka headers as a dict of text; the last one wins. A value that is not UTF-8 is kept with
    U+FFFD in place of its bad bytes (present, never dropped: an absent ``customs-important-data``
    means "not important"); a flow header (or ``customs-signature``) repeated with different values
    reads as U+FFFD."""
    if headers is None:
        return {}
    items = headers.items() if isinstance(headers, Mapping) else headers
    out: dict[str, str] = {}
    for key, raw in items:
        if raw is None:
            continue
        value = raw if isinstance(raw, str) else raw.decode("utf-8", "replace")
        if (key in FLOW_HEADERS or key == SIGNATURE) and out.get(key, value) != value:
            value = UNREADABLE
        out[key] = value
    return out


def flow_value(text: str | None) -> str | None:
    """A source, destination or purpose as read from its header: None when absent or empty, ``INVALID``
    when it is not 1 to ``MAX_FLOW_VALUE`` printable characters (no control characters, nothing
    unreadable), so that no such value is echoed into audit events (no flow is filed under ``INVALID``)."""
    if not text:
        return None
    if 0 < len(text) <= MAX_FLOW_VALUE and text.isprintable() and UNREADABLE not in text:
        return text
    return INVALID


def important_data(text: str | None) -> bool:
    """Whether ``customs-important-data`` marks the record as important data. Fails closed: only an
    absent header or a clear no (``false``, ``0``, ``no``, ``off``, ``否``, in any case, blanks around
    it ignored) means not important; anything else, ``true``, ``y``, ``是``, an empty or undecodable
    value, means important."""
    return text is not None and text.strip().lower() not in NOT_IMPORTANT
