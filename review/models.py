"""Plain data of the review service: held records, release requests, audit entries, users, queue filters."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from review.roles import Permission, Role, permissions_of


class Status(StrEnum):
    HELD = "held"  # waiting for a reviewer
    AWAITING_APPROVAL = "awaiting_approval"  # a release was requested; a second user must approve
    RELEASING = "releasing"  # being produced (a crash here is recovered on start-up)
    RELEASED = "released"
    REJECTED = "rejected"


OPEN_STATUSES = (Status.HELD, Status.AWAITING_APPROVAL)


class ReleaseState(StrEnum):
    AWAITING_APPROVAL = "awaiting_approval"
    RELEASING = "releasing"
    RELEASED = "released"
    DECLINED = "declined"  # the approver said no; the record is held again
    CANCELLED = "cancelled"  # the record was rejected while the request was open


class ReleaseMode(StrEnum):
    AS_IS = "as_is"  # to the allow topic, unchanged
    MASKED = "masked"  # to the mask topic, every finding desensitised with one operator


@dataclass(frozen=True, slots=True)
class HeldFacts:
    """What the store keeps in clear about a quarantined record, to list, filter and audit it (the
    payload, key and headers stay encrypted): the row the ingest writes and the record a reviewer reads
    share these."""

    origin_topic: str
    origin_partition: int
    origin_offset: int
    record_ref: str | None  # the record's own "id" field, for search
    source: str | None
    destination: str | None
    purpose: str | None
    reasons: tuple[str, ...]
    rules: tuple[str, ...]
    entities: tuple[str, ...]
    categories: tuple[str, ...]
    sensitive: bool
    finding_count: int
    policy_version: str | None
    digest: str | None
    detail: str | None
    format: str  # json, avro or undecodable
    held_at: float

    @property
    def origin(self) -> str:
        return f"{self.origin_topic}/{self.origin_partition}@{self.origin_offset}"


@dataclass(frozen=True, slots=True)
class HeldRecord(HeldFacts):
    """A held record as a reviewer sees it: its facts, its id and where it stands."""

    id: str  # opaque, random: what URLs and the audit trail use
    status: Status
    status_at: float

    def summary(self) -> dict[str, object]:
        return {
            "id": self.id,
            "record_id": self.record_ref,
            "origin": {
                "topic": self.origin_topic,
                "partition": self.origin_partition,
                "offset": self.origin_offset,
            },
            "flow": {"source": self.source, "destination": self.destination, "purpose": self.purpose},
            "reasons": list(self.reasons),
            "rules": list(self.rules),
            "entities": list(self.entities),
            "categories": list(self.categories),
            "sensitive": self.sensitive,
            "findings": self.finding_count,
            "policy_version": self.policy_version,
            "digest": self.digest,
            "detail": self.detail,
            "format": self.format,
            "held_at": self.held_at,
            "status": self.status.value,
        }


@dataclass(frozen=True, slots=True)
class Release:
    id: str  # the customs-release-id header
    held_id: str
    mode: ReleaseMode
    operator: str | None
    target: str  # allow or mask
    topic: str
    partition: int | None
    scan_from: int | None  # end offset of the target partition before producing
    state: ReleaseState
    four_eyes: bool
    requested_by: str
    requested_at: float
    approved_by: str | None
    approved_at: float | None
    released_at: float | None
    released_offset: int | None
    owner: str = ""  # the review instance (CUSTOMS_REVIEW_INSTANCE) that produces it, once releasing

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "record": self.held_id,
            "mode": self.mode.value,
            "operator": self.operator,
            "target": self.target,
            "topic": self.topic,
            "state": self.state.value,
            "four_eyes": self.four_eyes,
            "requested_by": self.requested_by,
            "requested_at": self.requested_at,
            "approved_by": self.approved_by,
            "approved_at": self.approved_at,
            "released_at": self.released_at,
            "offset": self.released_offset,
        }


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: float
    actor: str
    action: str
    held_id: str | None
    release_id: str | None
    reason: str | None
    detail: dict[str, object]

    def to_json(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "record": self.held_id,
            "release": self.release_id,
            "reason": self.reason,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    roles: tuple[Role, ...]
    active: bool = True

    @property
    def permissions(self) -> frozenset[Permission]:
        return permissions_of(self.roles)

    def can(self, permission: Permission) -> bool:
        return self.active and permission in self.permissions


SYSTEM = User(0, "system", ())  # the actor of start-up recovery


AGES = {"1h": 3600.0, "24h": 86_400.0, "7d": 7 * 86_400.0}  # "held within"; "older" means beyond 7 days


@dataclass(frozen=True, slots=True)
class QueueFilter:
    status: str = "open"  # open (held or awaiting approval), a Status value, or "all"
    reason: str | None = None
    source: str | None = None
    entity: str | None = None
    age: str | None = None  # 1h, 24h, 7d or older
    record_ref: str | None = None
    page: int = 1

    def query(self, **changes: object) -> dict[str, str]:
        """The filter as query parameters (for paging links), with ``changes`` applied."""
        values: dict[str, object] = {
            "status": self.status,
            "reason": self.reason,
            "source": self.source,
            "entity": self.entity,
            "age": self.age,
            "record_id": self.record_ref,
            "page": self.page,
        }
        values.update(changes)
        return {k: str(v) for k, v in values.items() if v not in (None, "")}
