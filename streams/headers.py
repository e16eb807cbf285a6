"""The Kafka headers the gateway reads (flow metadata) and writes (provenance of every decision)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

# Set by the producing enterprise system on every inbound record.
SOURCE = "customs-source"  # organisation id of the processor, e.g. gz-tcm-hospital
DESTINATION = "customs-destination"  # organisation id of the recipient, e.g. hku-tcm-lab
PURPOSE = "customs-purpose"  # purpose of the transfer, e.g. clinical_research
IMPORTANT_DATA = "customs-important-data"  # "true" marks important data, which never passes

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


def as_text(headers: RawHeaders | None) -> dict[str, str]:
    """Kafka headers as a dict of text; undecodable or empty values are dropped; the last one wins."""
    if headers is None:
        return {}
    items = headers.items() if isinstance(headers, Mapping) else headers
    out: dict[str, str] = {}
    for key, value in items:
        if isinstance(value, str):
            out[key] = value
        elif isinstance(value, bytes):
            try:
                out[key] = value.decode("utf-8")
            except UnicodeDecodeError:
                continue
    return out
