"""What a release produces: the record (as held, or desensitised) with its provenance headers."""

from __future__ import annotations

import hashlib

from customs import headers as h
from review.analysis import Analysis, Analyst, record_date
from review.errors import Invalid
from review.ingest import unseal_headers
from review.models import HeldRecord, Release, ReleaseMode
from review.publisher import (
    APPROVED_BY,
    RELEASE_ID,
    RELEASE_MODE,
    RELEASE_OPERATOR,
    RELEASED_BY,
    Outbound,
)
from review.store import Sealed
from review.vault import Vault
from rules.decision import MaskInstruction
from rules.desensitise import desensitise
from rules.operators import OPERATORS

DEFAULT_OPERATOR = "type_tag"


def release_operators() -> list[str]:
    """The operators a reviewer may pick (those that work without parameters), the default first."""
    usable = []
    for name, operator in sorted(OPERATORS.items(), key=lambda item: (item[0] != DEFAULT_OPERATOR, item[0])):
        try:
            operator.validate({})
        except ValueError:
            continue
        usable.append(name)
    return usable


def masked_value(analysis: Analysis, analyst: Analyst, operator: str, key: bytes) -> bytes:
    """Every finding of the record desensitised by ``operator``, in the record's own format."""
    if analysis.decoded is None:
        raise Invalid("an undecodable record can only be released as is")
    if operator not in release_operators():
        raise Invalid(f"choose an operator: {', '.join(release_operators())}")
    masks = [MaskInstruction(finding, operator) for finding in analysis.findings]
    masked = desensitise(analysis.decoded.record, masks, key)
    return analyst.codec.encode(masked, analysis.decoded)


def build_outbound(
    held: HeldRecord,
    release: Release,
    sealed: Sealed,
    vault: Vault,
    analyst: Analyst,
    pseudonym_key: bytes,
    partition: int,
) -> Outbound:
    original = vault.open(sealed.value_enc)
    if release.mode is ReleaseMode.MASKED:
        assert release.operator is not None
        analysis = analyst.analyse(original, record_date(int(held.held_at * 1000)))
        value = masked_value(analysis, analyst, release.operator, pseudonym_key)
    else:
        value = original
    inbound = {k: v for k, v in unseal_headers(vault, sealed.headers_enc) if k in h.FLOW_HEADERS}
    headers: list[tuple[str, str]] = [
        (h.DECISION, release.target),
        (h.ORIGIN_TOPIC, held.origin_topic),
        (h.ORIGIN_PARTITION, str(held.origin_partition)),
        (h.ORIGIN_OFFSET, str(held.origin_offset)),
        (h.POLICY_VERSION, held.policy_version or ""),
        (h.DIGEST, held.digest or hashlib.sha256(original).hexdigest()),
        (RELEASE_ID, release.id),
        (RELEASE_MODE, release.mode.value),
        (RELEASED_BY, release.requested_by),
    ]
    if release.approved_by:
        headers.append((APPROVED_BY, release.approved_by))
    if release.operator:
        headers.append((RELEASE_OPERATOR, release.operator))
    encoded = tuple((k, v.encode()) for k, v in headers) + tuple(inbound.items())
    key = vault.open(sealed.key_enc) if sealed.key_enc is not None else None
    return Outbound(release.topic, partition, key, value, encoded, release.id)
