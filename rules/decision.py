"""What ``decide`` returns, and what it needs to know about the flow."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from detectors.finding import Finding


class Action(StrEnum):
    ALLOW = "allow"
    MASK = "mask"
    QUARANTINE = "quarantine"


@dataclass(frozen=True, slots=True)
class FlowContext:
    """The flow a record travels on, from its Kafka headers, and the record's date."""

    source: str | None
    destination: str | None
    purpose: str | None
    record_date: date
    important_data: bool = False
    # The flow headers and customs-signature as sent (text, unnormalised), which a flow signature covers;
    # empty for a record that came without headers (offline scan, explain).
    as_sent: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class MaskInstruction:
    finding: Finding
    operator: str
    params: tuple[tuple[str, str | int], ...] = ()


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    reasons: tuple[str, ...]
    rule_ids: tuple[str, ...]
    policy_version: str
    masks: tuple[MaskInstruction, ...] = field(default=())
    flow_id: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "decision": self.action.value,
            "reasons": list(self.reasons),
            "rules": list(self.rule_ids),
            "policy_version": self.policy_version,
            "flow": self.flow_id,
        }
