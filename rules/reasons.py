"""Machine-readable reason codes, the vocabulary of every quarantine and mask decision."""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    NO_FLOW = "no_flow"  # no filed flow for this source, destination and purpose
    CONTRACT_NOT_IN_FORCE = (
        "contract_not_in_force"  # the flow's contract is not in force on the record's date
    )
    DESTINATION_OUTSIDE_GBA = "destination_outside_gba"  # the recipient is outside what the contract allows
    CATEGORY_NOT_PERMITTED = "category_not_permitted"  # a PI category the flow does not list
    SENSITIVE_WITHOUT_CONSENT = (
        "sensitive_without_consent"  # sensitive PI without consent / impact assessment
    )
    IMPORTANT_DATA = "important_data"  # the record is tagged as important data
    LOW_CONFIDENCE = "low_confidence"  # a finding too uncertain to release unreviewed
    DECODE_ERROR = "decode_error"  # the record could not be decoded (see the detail)
    POLICY_ERROR = "policy_error"  # the policy could not be applied to this record
    RULE_QUARANTINE = "rule_quarantine"  # a policy rule sends this entity to quarantine
    RULE_MASK = "rule_mask"  # a policy rule masks this entity
