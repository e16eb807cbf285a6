"""Why a record was held, in plain words, and which holds the gateway did not vouch for.

A record held for a rule (a finding a rule says to hold, a low-confidence finding) was inspected and
judged by the policy; a reviewer decides what the rule left open. A record held because its transfer
itself is in doubt — no filed flow, a flow its source did not sign, no legal basis, a contract not in force
or of the wrong kind, a recipient outside the GBA, important data — or because nobody could read it, was
never vouched for: releasing it always needs a written justification and a second person with the approver
role, and important data goes out as is only under a security assessment whose reference the release records.
"""

from __future__ import annotations

from dataclasses import dataclass

from rules.reasons import Reason

# Held for what the transfer is, or for what nobody could see: four eyes and a justification, always.
UNVOUCHED: frozenset[str] = frozenset(
    {
        Reason.IMPORTANT_DATA,
        Reason.NO_FLOW,
        Reason.FLOW_UNAUTHENTICATED,  # nobody vouched that the flow headers are the source's own
        Reason.DECODE_ERROR,
        Reason.DESTINATION_OUTSIDE_GBA,
        Reason.CONTRACT_NOT_IN_FORCE,
        Reason.NO_LEGAL_BASIS,
        Reason.CONTRACT_KIND_MISMATCH,
        Reason.POLICY_ERROR,  # the gateway could not apply its policy: it judged nothing
        Reason.INSPECTION_TIMEOUT,  # the gateway stopped inspecting: it judged nothing
    }
)

PLAIN_WORDS: dict[str, str] = {
    Reason.NO_FLOW: "No filed transfer matches this record's source, destination and purpose: nobody has "
    "declared that this data may go there.",
    Reason.FLOW_UNAUTHENTICATED: "The record's source did not vouch for it: the transfer requires the "
    "source organisation's signature and it is missing, or a signature is wrong (another key, or the "
    "record or its transfer details changed on the way). Who sent it, and where it may go, is unproven.",
    Reason.CONTRACT_NOT_IN_FORCE: "The transfer's contract was not in force on the record's date (before "
    "it took effect, or after it ended).",
    Reason.NO_LEGAL_BASIS: "Personal information would leave the mainland without a legal basis: no "
    "standard contract, certification, security assessment or exemption is on file for this transfer. "
    "Masking is not a legal basis.",
    Reason.DESTINATION_OUTSIDE_GBA: "A party to the transfer is outside the Greater Bay Area, where the "
    "transfer's contract cannot reach.",
    Reason.CONTRACT_KIND_MISMATCH: "The transfer's GBA contract is the wrong version for a party: the Hong "
    "Kong version for a Macau recipient, or the Macau version for a Hong Kong one.",
    Reason.CATEGORY_NOT_PERMITTED: "The record holds a kind of personal information the filed transfer "
    "does not list.",
    Reason.SENSITIVE_WITHOUT_CONSENT: "Sensitive personal information (identity documents, financial "
    "accounts, health, children) on a transfer without both consent and an impact assessment.",
    Reason.IMPORTANT_DATA: "The producer marked this record as important data, which the GBA Standard "
    "Contract excludes: it may leave as is only under a security assessment.",
    Reason.LOW_CONFIDENCE: "A detector found something it was unsure of, so a person should look.",
    Reason.DECODE_ERROR: "The gateway could not decode this record, so nobody has inspected its content.",
    Reason.POLICY_ERROR: "The gateway could not apply its policy to this record (an internal error): "
    "nothing about it was checked.",
    Reason.INSPECTION_TIMEOUT: "Finding the personal information in this record took too long, so the "
    "gateway stopped and checked nothing.",
    Reason.PII_IN_KEY: "Personal information sits in a field name, which cannot be masked without "
    "changing the record's shape.",
    Reason.MASK_BREAKS_SCHEMA: "A value was to be masked, but the record's schema cannot hold the masked "
    "value.",
    Reason.RULE_QUARANTINE: "A policy rule holds records with this information for a person to review.",
    Reason.RULE_MASK: "A policy rule masked information in this record.",
}


@dataclass(frozen=True, slots=True)
class HeldBecause:
    """One reason a record is held: its code, the plain words, and whether the gateway vouched."""

    code: str
    words: str
    unvouched: bool


def explain(reasons: tuple[str, ...], undecodable: bool = False) -> list[HeldBecause]:
    """The reasons in plain words; an undecodable record is unvouched whatever its reasons say."""
    codes = list(reasons)
    if undecodable and Reason.DECODE_ERROR not in codes:
        codes.append(Reason.DECODE_ERROR)
    return [HeldBecause(c, PLAIN_WORDS.get(c, c), c in UNVOUCHED) for c in codes]


def unvouched(reasons: tuple[str, ...], undecodable: bool = False) -> tuple[str, ...]:
    """The reasons the gateway did not vouch for (decode_error too for a value nobody could read)."""
    return tuple(b.code for b in explain(reasons, undecodable) if b.unvouched)
