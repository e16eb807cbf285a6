"""Machine-readable reason codes, the vocabulary of every quarantine and mask decision.

A decision carries its reasons in order, each once (the ``customs-reasons`` header, the audit event,
``decisions.jsonl``). Reasons from the flow checks come first and stop there; rule reasons follow.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Every code a decision may carry. Each member's docstring says when, and what follows."""

    NO_FLOW = "no_flow"
    """Quarantine: the policy files no flow for the record's source, destination and purpose headers
    (or a header is missing). Only when the policy has ``require_flow: true``."""

    FLOW_UNAUTHENTICATED = "flow_unauthenticated"
    """Quarantine, before anything else: the flow headers are not vouched for by their source. The flow
    requires a signature (``require_signature``) and the record has none, or the record carries a
    ``customs-signature`` that is malformed, names another organisation's key or an unknown one, or does
    not verify (a header or the value changed, a wrong key) — a present signature is checked even where
    none is required. ``customs-detail`` says which (``signature_missing``, ``signature_malformed``,
    ``signature_unsupported``, ``key_not_source``, ``key_unknown``, ``signature_mismatch``); the record is
    published unchanged, with ``important_data`` too when it claims to be."""

    CONTRACT_NOT_IN_FORCE = "contract_not_in_force"
    """Quarantine: the flow's contract is not in force on the record's date (its Kafka timestamp, or
    ``--date`` offline): before ``in_force_from`` or after ``in_force_until``."""

    NO_LEGAL_BASIS = "no_legal_basis"
    """Quarantine: personal information leaves the mainland (source in a mainland city, destination in
    Hong Kong, Macau or ``elsewhere``) on a flow with no legal basis: ``contract: {kind: none}``, or a
    basis without its reference. PIPL Art. 38 needs the standard contract, a certification, a security
    assessment or an exemption; masking is not one. ``policy check`` refuses a flow that lists personal
    categories so; at run time this catches a record that holds them anyway."""

    DESTINATION_OUTSIDE_GBA = "destination_outside_gba"
    """Quarantine: a party of the flow is where no contract of its kind can reach: outside the Greater
    Bay Area under a GBA Standard Contract, or ``elsewhere`` with no legal basis at all."""

    CONTRACT_KIND_MISMATCH = "contract_kind_mismatch"
    """Quarantine: a party is inside the Greater Bay Area but the flow's GBA contract is the other
    version: a Macau recipient under the Hong Kong contract (``gba_standard_contract``), or a Hong Kong
    one under ``gba_standard_contract_macau``. ``policy check`` refuses such a flow."""

    CATEGORY_NOT_PERMITTED = "category_not_permitted"
    """Quarantine: the record holds a personal-information category (including ``minor``) that the
    flow's ``categories`` do not list."""

    SENSITIVE_WITHOUT_CONSENT = "sensitive_without_consent"
    """Quarantine: sensitive personal information (identity documents, financial accounts, health,
    minors) on a flow without both ``consent_for_sensitive`` and ``impact_assessment``."""

    IMPORTANT_DATA = "important_data"
    """Quarantine, before anything else: the producer marked the record as important data
    (``customs-important-data: true``), which the GBA Standard Contract excludes."""

    LOW_CONFIDENCE = "low_confidence"
    """Quarantine: a finding scored between the policy's ``review_threshold`` and ``score_threshold``
    (too uncertain to act on, too likely to release unseen) and its rule's ``on_low_confidence``, or
    the policy's ``low_confidence_action``, is ``quarantine``. May come with ``rule_quarantine``."""

    DECODE_ERROR = "decode_error"
    """Quarantine: the value could not be decoded (not UTF-8 JSON, bad Avro, too large, too deep), or
    the strict decoder refused it; ``customs-detail`` says why, starting with a code for the refusals:
    ``duplicate_key``, ``non_standard_number``, ``invalid_unicode``, ``number_too_long``. The record is
    published unchanged."""

    POLICY_ERROR = "policy_error"
    """Quarantine: the gateway could not apply the policy to this record (a bug, an operator that
    failed); the detail names the exception class, never a value."""

    INSPECTION_TIMEOUT = "inspection_timeout"
    """Quarantine: finding the personal information in the record took longer than the inspection budget
    (``CUSTOMS_INSPECTION_BUDGET_SECONDS``), so the gateway stopped and judged nothing; ``customs-detail``
    gives the budget. One slow record costs only itself: the records after it go on. The record is
    published unchanged."""

    PII_IN_KEY = "pii_in_key"
    """Quarantine: an object key (a JSON key, an Avro map key) holds personal information that a rule
    would mask, such as ``{"contacts": {"13800138000": …}}``. A key cannot be masked without changing the
    record's shape (two masked keys may collide, readers look fields up by key), so the record is held;
    ``customs-rules`` names the rules that asked for the mask. The finding's path ends in ``\\kN``, the
    key's position in its object (``detectors.walker.key_path``), never the key itself."""

    MASK_BREAKS_SCHEMA = "mask_breaks_schema"
    """Quarantine: a value was to be masked, but its Avro schema cannot hold the masked value (a type tag
    such as ``<PHONE_NUMBER>`` into a ``long`` field, a token with a leading zero); ``customs-detail``
    names the schema id, never a value. The record is published unchanged."""

    RULE_QUARANTINE = "rule_quarantine"
    """Quarantine: a rule with ``action: quarantine`` (or ``default_action: quarantine``, rule id
    ``default``) matched a finding; ``customs-rules`` names the rules."""

    RULE_MASK = "rule_mask"
    """Mask: rules with ``action: mask`` (or ``default_action: mask``) matched findings and no rule
    quarantined; the findings were replaced by their operators' output."""
