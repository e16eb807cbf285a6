"""What reviewers do to held records: look, reveal, release (four-eyes when sensitive or unvouched), reject,
audit.

Four eyes without holes: a record holding sensitive personal information, or held for a reason the
gateway did not vouch for (``review.holds.UNVOUCHED``: no flow, no legal basis, important data, an
undecodable value, ...), is released only when a second user with the approver role approves; an
unvouched one also needs a written justification (audited with the request), and important data goes
out as is only with the reference of a security assessment. Bulk actions go record by record through the
same checks, and act only when the caller confirms how many records the selection matches.

Every action checks the actor's permission here, so the web pages and the JSON API obey the same rules,
and every action writes its audit entry in the same database transaction as its state change.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from review.analysis import Analysis, Analyst, record_date
from review.errors import Conflict, Forbidden, Invalid, NotFound, ReviewError, Unavailable
from review.export import render
from review.holds import HeldBecause, explain, unvouched
from review.ingest import unseal_headers
from review.models import (
    SYSTEM,
    AuditEntry,
    HeldRecord,
    QueueFilter,
    Release,
    ReleaseMode,
    ReleaseState,
    Status,
    User,
)
from review.monitoring import acting_role
from review.outbound import build_outbound, masked_value, release_operators
from review.publisher import Publisher
from review.roles import Permission
from review.store import Store
from review.vault import Vault
from rules.reasons import Reason
from streams.metrics import ReviewEvent, ReviewMetrics

log = logging.getLogger("customs.review")

MAX_REASON = 500
MIN_JUSTIFICATION = 10  # a sentence, not "ok"


@dataclass(frozen=True, slots=True)
class QueuePage:
    items: list[HeldRecord]
    total: int
    page: int
    pages: int
    by_status: dict[str, int]
    by_reason: dict[str, int]
    sources: list[str]


@dataclass(frozen=True, slots=True)
class Inspection:
    held: HeldRecord
    analysis: Analysis
    revealed: bool
    releases: list[Release]
    history: list[AuditEntry]
    headers: dict[str, str]
    held_because: list[HeldBecause] = field(default_factory=list)  # the reasons in plain words

    @property
    def unvouched(self) -> bool:
        """Held for a reason the gateway did not vouch for: four eyes and a justification to release."""
        return any(b.unvouched for b in self.held_because)

    @property
    def important_data(self) -> bool:
        return any(b.code == Reason.IMPORTANT_DATA for b in self.held_because)

    def request_of(self, release_id: str) -> AuditEntry | None:
        """The audited request of a release: its justification (``reason``) and what it was held for."""
        return next(
            (e for e in self.history if e.action == "release_requested" and e.release_id == release_id),
            None,
        )


@dataclass(frozen=True, slots=True)
class BulkPreview:
    """What a bulk action would touch, for the caller to confirm: ``count`` is what to send back."""

    count: int
    unvouched: int  # need a justification and a second approver
    sensitive: int  # need a second approver
    important_data: int  # not released as is without a security-assessment reference
    limit: int

    def to_json(self) -> dict[str, object]:
        return {
            "count": self.count,
            "unvouched": self.unvouched,
            "sensitive": self.sensitive,
            "important_data": self.important_data,
            "limit": self.limit,
        }


@dataclass
class BulkResult:
    released: list[str] = field(default_factory=list)
    awaiting_approval: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # id -> why

    def to_json(self) -> dict[str, object]:
        return {
            "released": self.released,
            "awaiting_approval": self.awaiting_approval,
            "rejected": self.rejected,
            "skipped": self.skipped,
        }


def require(user: User, permission: Permission) -> None:
    if not user.can(permission):
        raise Forbidden(f"{user.name} lacks the {permission.value} permission")


def _reason(text: str | None) -> str:
    reason = (text or "").strip()
    if not reason:
        raise Invalid("a reason is required")
    if len(reason) > MAX_REASON:
        raise Invalid(f"a reason has at most {MAX_REASON} characters")
    return reason


def _justification(text: str | None, held_for: tuple[str, ...]) -> str:
    why = (text or "").strip()
    if len(why) < MIN_JUSTIFICATION:
        raise Invalid(
            f"held for {', '.join(held_for)}, which the gateway did not vouch for: a written justification"
            f" (at least {MIN_JUSTIFICATION} characters) is required, and a second user with the approver"
            " role must approve"
        )
    if len(why) > MAX_REASON:
        raise Invalid(f"a justification has at most {MAX_REASON} characters")
    return why


def _unvouched(held: HeldRecord, analysis: Analysis) -> tuple[str, ...]:
    return unvouched(held.reasons, undecodable=not analysis.inspected or held.format == "undecodable")


class ReviewService:
    def __init__(
        self,
        store: Store,
        vault: Vault,
        analyst: Analyst,
        publisher: Publisher,
        topics: dict[str, str],
        pseudonym_key: bytes,
        page_size: int = 25,
        bulk_limit: int = 500,
        instance: str = "",
        metrics: ReviewMetrics | None = None,
    ) -> None:
        self.store = store
        self.vault = vault
        self.analyst = analyst
        self.publisher = publisher
        self.topics = topics  # allow and mask topic names
        self.pseudonym_key = pseudonym_key
        self.page_size = page_size
        self.bulk_limit = bulk_limit
        # This process's name among review processes sharing the store: it owns (produces and recovers)
        # the releases it moves to 'releasing'.
        self.instance = instance
        self.metrics = metrics  # what reviewers did, by role, and failed releases
        self._release_lock = threading.Lock()

    def _count(self, event: ReviewEvent, user: User, permission: Permission) -> None:
        if self.metrics is not None:
            self.metrics.count(event, acting_role(user, permission))

    # -- reading ---------------------------------------------------------------------------------

    def queue(self, user: User, selection: QueueFilter) -> QueuePage:
        require(user, Permission.VIEW)
        total = self.store.count(selection)
        pages = max(1, math.ceil(total / self.page_size))
        page = min(max(selection.page, 1), pages)
        items = self.store.page(replace(selection, page=page), self.page_size)
        return QueuePage(
            items,
            total,
            page,
            pages,
            self.store.counts_by_status(),
            self.store.counts_by_reason(selection),
            self.store.sources(),
        )

    def get(self, user: User, held_id: str) -> HeldRecord:
        require(user, Permission.VIEW)
        held = self.store.held(held_id)
        if held is None:
            raise NotFound("no such held record")
        return held

    def _analyse(self, held: HeldRecord) -> tuple[Analysis, bytes]:
        sealed = self.store.sealed(held.id)
        assert sealed is not None
        value = self.vault.open(sealed.value_enc)
        return self.analyst.analyse(value, record_date(int(held.held_at * 1000))), value

    def inspect(self, user: User, held_id: str, reveal: bool = False) -> Inspection:
        """A held record with its findings; ``reveal`` needs the permission and is audited."""
        held = self.get(user, held_id)
        if reveal:
            require(user, Permission.REVEAL)
        analysis, _ = self._analyse(held)
        if reveal:
            self.store.audit(user.name, "reveal", held.id, findings=len(analysis.findings))
            self._count("reveal", user, Permission.REVEAL)
            log.info("%s revealed %s", user.name, held.id)
        sealed = self.store.sealed(held.id)
        assert sealed is not None
        headers = {
            k: v.decode("utf-8", "replace")
            for k, v in unseal_headers(self.vault, sealed.headers_enc)
            if k.startswith("customs-")
        }
        undecodable = not analysis.inspected or held.format == "undecodable"
        return Inspection(
            held,
            analysis,
            reveal,
            self.store.releases_of(held.id),
            self.store.history(held.id),
            headers,
            explain(held.reasons, undecodable),
        )

    def history(self, user: User, held_id: str) -> list[AuditEntry]:
        self.get(user, held_id)
        return self.store.history(held_id)

    def release_of(self, user: User, release_id: str) -> Release:
        require(user, Permission.VIEW)
        release = self.store.release(release_id)
        if release is None:
            raise NotFound("no such release")
        return release

    def awaiting_approval(self, user: User) -> list[Release]:
        require(user, Permission.VIEW)
        return self.store.releases_in(ReleaseState.AWAITING_APPROVAL)

    def _record_request(
        self,
        user: User,
        release: Release,
        status: Status,
        categories: list[str] | None = None,
        justification: str | None = None,
        **more: Any,
    ) -> None:
        """In one transaction: the held record moves from held to ``status``, the release request is
        stored, and the request is audited (with the sensitive ``categories`` that asked for four eyes,
        the justification as its reason, and what else the request records)."""
        detail: dict[str, Any] = {} if categories is None else {"categories": categories}
        detail.update({k: v for k, v in more.items() if v})
        with self.store.db.transaction():
            if not self.store.set_status(release.held_id, status, [Status.HELD]):
                raise Conflict(f"the record is {self._status(release.held_id)}, not held")
            self.store.add_release(release)
            self.store.audit(
                user.name,
                "release_requested",
                release.held_id,
                release.id,
                justification,
                mode=release.mode.value,
                operator=release.operator,
                target=release.target,
                four_eyes=release.four_eyes,
                **detail,
            )

    # -- releasing -------------------------------------------------------------------------------

    def request_release(
        self,
        user: User,
        held_id: str,
        mode: ReleaseMode,
        operator: str | None = None,
        justification: str | None = None,
        security_assessment: str | None = None,
    ) -> Release:
        """Release a held record, or, when it holds sensitive personal information or was held for a
        reason the gateway did not vouch for, ask for approval. An unvouched record needs
        ``justification``; important data as is needs the ``security_assessment`` reference."""
        require(user, Permission.RELEASE)
        held = self.get(user, held_id)
        if mode is ReleaseMode.MASKED:
            if operator not in release_operators():
                raise Invalid(f"choose an operator: {', '.join(release_operators())}")
        else:
            operator = None
        analysis, _ = self._analyse(held)
        if mode is ReleaseMode.MASKED:
            masked_value(analysis, self.analyst, operator or "", self.pseudonym_key)  # refuses early
        held_for = _unvouched(held, analysis)
        why = _justification(justification, held_for) if held_for else None
        assessment = (security_assessment or "").strip() or None
        if Reason.IMPORTANT_DATA in held_for and mode is ReleaseMode.AS_IS and assessment is None:
            raise Invalid(
                "important data is never released as is unless under a security assessment: give its"
                " reference (or release it masked)"
            )
        if assessment is not None and len(assessment) > MAX_REASON:
            raise Invalid(f"a security-assessment reference has at most {MAX_REASON} characters")
        four_eyes = held.sensitive or analysis.sensitive or bool(held_for)
        target = "mask" if mode is ReleaseMode.MASKED else "allow"
        release = Release(
            id=uuid.uuid4().hex,
            held_id=held.id,
            mode=mode,
            operator=operator,
            target=target,
            topic=self.topics[target],
            partition=None,
            scan_from=None,
            state=ReleaseState.AWAITING_APPROVAL,
            four_eyes=four_eyes,
            requested_by=user.name,
            requested_at=self.store.clock(),
            approved_by=None,
            approved_at=None,
            released_at=None,
            released_offset=None,
        )
        if four_eyes:
            categories = sorted(c.value for c in analysis.categories)
            self._record_request(
                user,
                release,
                Status.AWAITING_APPROVAL,
                categories=categories,
                justification=why,
                held_for=list(held_for),
                security_assessment=assessment,
            )
            self._count("request", user, Permission.RELEASE)
            log.info("%s requested release %s of %s (four-eyes)", user.name, release.id, held.id)
            return release
        with self._release_lock:
            partition, scan_from = self._position(held, release.topic)
            release = replace(
                release,
                state=ReleaseState.RELEASING,
                partition=partition,
                scan_from=scan_from,
                owner=self.instance,
            )
            self._record_request(user, release, Status.RELEASING)
            self._count("request", user, Permission.RELEASE)
            released = self._publish(release, recovered=False)
            self._count("release", user, Permission.RELEASE)
            return released

    def approve(self, user: User, release_id: str) -> Release:
        require(user, Permission.APPROVE)
        release = self.release_of(user, release_id)
        if release.state is not ReleaseState.AWAITING_APPROVAL:
            raise Conflict(f"the release is {release.state.value}, not awaiting approval")
        if release.requested_by == user.name:
            raise Forbidden("four-eyes: the requester cannot approve their own release")
        held = self.get(user, release.held_id)
        with self._release_lock:
            partition, scan_from = self._position(held, release.topic)
            with self.store.db.transaction():
                if not self.store.update_release(
                    release.id,
                    ReleaseState.AWAITING_APPROVAL,
                    state=ReleaseState.RELEASING,
                    partition=partition,
                    scan_from=scan_from,
                    approved_by=user.name,
                    approved_at=self.store.clock(),
                    owner=self.instance,
                ) or not self.store.set_status(held.id, Status.RELEASING, [Status.AWAITING_APPROVAL]):
                    raise Conflict("the release is no longer awaiting approval")
                self.store.audit(
                    user.name, "release_approved", held.id, release.id, requested_by=release.requested_by
                )
            log.info("%s approved release %s", user.name, release.id)
            self._count("approval", user, Permission.APPROVE)
            approved = self.store.release(release.id)
            assert approved is not None
            released = self._publish(approved, recovered=False)
            self._count("release", user, Permission.APPROVE)
            return released

    def decline(self, user: User, release_id: str, reason: str | None) -> Release:
        """Say no to a release request (an approver) or withdraw it (its requester): the record is held."""
        release = self.release_of(user, release_id)
        if not (user.can(Permission.APPROVE) or release.requested_by == user.name):
            raise Forbidden(f"{user.name} may neither approve nor withdraw this request")
        why = _reason(reason)
        with self.store.db.transaction():
            if not self.store.update_release(
                release.id, ReleaseState.AWAITING_APPROVAL, state=ReleaseState.DECLINED
            ):
                raise Conflict("the release is not awaiting approval")
            self.store.set_status(release.held_id, Status.HELD, [Status.AWAITING_APPROVAL])
            self.store.audit(user.name, "release_declined", release.held_id, release.id, why)
        return self.release_of(user, release_id)

    def _position(self, held: HeldRecord, topic: str) -> tuple[int, int]:
        """The target partition (the origin's number, like the gateway) and its end offset now."""
        try:
            partition = held.origin_partition % self.publisher.partitions(topic)
            return partition, self.publisher.end_offset(topic, partition)
        except Exception as exc:  # nothing was written yet: the reviewer may simply try again
            log.error("target topic %s unavailable (%s)", topic, type(exc).__name__)
            if self.metrics is not None:
                self.metrics.release_failed("target")
            raise Unavailable(f"the target topic {topic} is not available; try again later") from exc

    def _publish(self, release: Release, recovered: bool) -> Release:
        held = self.store.held(release.held_id)
        sealed = self.store.sealed(release.held_id)
        assert held is not None and sealed is not None and release.partition is not None
        message = build_outbound(
            held, release, sealed, self.vault, self.analyst, self.pseudonym_key, release.partition
        )
        try:
            offset = self.publisher.publish(message)
        except Exception as exc:
            log.error(
                "release %s not produced (%s); it stays 'releasing' for recovery",
                release.id,
                type(exc).__name__,
            )
            if self.metrics is not None:
                self.metrics.release_failed("produce")
            raise Unavailable("the release could not be produced yet; it will be retried") from exc
        return self._finish(release, offset, recovered=recovered)

    def _finish(self, release: Release, offset: int, recovered: bool) -> Release:
        with self.store.db.transaction():
            self.store.update_release(
                release.id,
                ReleaseState.RELEASING,
                state=ReleaseState.RELEASED,
                released_at=self.store.clock(),
                released_offset=offset,
            )
            self.store.set_status(release.held_id, Status.RELEASED, [Status.RELEASING])
            self.store.audit(
                SYSTEM.name if recovered else (release.approved_by or release.requested_by),
                "released",
                release.held_id,
                release.id,
                topic=release.topic,
                partition=release.partition,
                offset=offset,
                mode=release.mode.value,
                operator=release.operator,
                requested_by=release.requested_by,
                approved_by=release.approved_by,
                recovered=recovered,
            )
        log.info(
            "released %s as %s to %s/%s@%d",
            release.held_id,
            release.id,
            release.topic,
            release.partition,
            offset,
        )
        done = self.store.release(release.id)
        assert done is not None
        return done

    def recover(self) -> int:
        """Settle this instance's releases left 'releasing' by a crash or a failed produce: find the committed
        message, else produce it once. Another instance's are its own to settle (its producer may still be
        at work on them)."""
        settled = 0
        with self._release_lock:
            for release in self.store.releases_in(ReleaseState.RELEASING, owner=self.instance):
                assert release.partition is not None and release.scan_from is not None
                offset = self.publisher.find(release.topic, release.partition, release.scan_from, release.id)
                if offset is not None:
                    log.info("release %s was committed before a crash (offset %d)", release.id, offset)
                    self._finish(release, offset, recovered=True)
                else:
                    log.info("release %s was not committed before a crash; producing it", release.id)
                    self._publish(release, recovered=True)
                self._count("release", SYSTEM, Permission.RELEASE)
                settled += 1
        return settled

    # -- rejecting -------------------------------------------------------------------------------

    def reject(self, user: User, held_id: str, reason: str | None) -> HeldRecord:
        require(user, Permission.REJECT)
        held = self.get(user, held_id)
        why = _reason(reason)
        with self.store.db.transaction():
            if not self.store.set_status(held.id, Status.REJECTED, [Status.HELD, Status.AWAITING_APPROVAL]):
                raise Conflict(f"the record is {self._status(held.id)}; only a held record can be rejected")
            for release in self.store.releases_of(held.id):
                if release.state is ReleaseState.AWAITING_APPROVAL:
                    self.store.update_release(
                        release.id, ReleaseState.AWAITING_APPROVAL, state=ReleaseState.CANCELLED
                    )
            self.store.audit(user.name, "rejected", held.id, None, why)
        self._count("rejection", user, Permission.REJECT)
        log.info("%s rejected %s", user.name, held.id)
        return self.get(user, held_id)

    # -- bulk ------------------------------------------------------------------------------------

    def bulk_preview(self, user: User, selection: QueueFilter) -> BulkPreview:
        """How many held records a bulk action on ``selection`` would touch, and how many of them need a
        second approver; the action itself wants ``count`` back as its confirmation."""
        require(user, Permission.VIEW)
        records = [self.store.held(i) for i in self.store.ids(_held_only(selection), self.bulk_limit)]
        held = [r for r in records if r is not None]
        held_for = [unvouched(r.reasons, r.format == "undecodable") for r in held]
        return BulkPreview(
            count=len(held),
            unvouched=sum(1 for reasons in held_for if reasons),
            sensitive=sum(1 for r in held if r.sensitive),
            important_data=sum(1 for reasons in held_for if Reason.IMPORTANT_DATA in reasons),
            limit=self.bulk_limit,
        )

    def _confirmed(self, selection: QueueFilter, confirmed_count: int | None) -> list[str]:
        """The ids a bulk action acts on, when the caller confirmed their number; refused otherwise."""
        ids = self.store.ids(_held_only(selection), self.bulk_limit)
        if confirmed_count is None:
            raise Invalid(f"confirm the count: this selection matches {len(ids)} held records")
        if confirmed_count != len(ids):
            raise Conflict(
                f"the selection matches {len(ids)} held records, not {confirmed_count}:"
                " check and confirm again"
            )
        return ids

    def bulk_reject(
        self, user: User, selection: QueueFilter, reason: str | None, confirmed_count: int | None = None
    ) -> BulkResult:
        require(user, Permission.REJECT)
        _reason(reason)
        result = BulkResult()
        for held_id in self._confirmed(selection, confirmed_count):
            try:
                self.reject(user, held_id, reason)
                result.rejected.append(held_id)
            except ReviewError as exc:
                result.skipped[held_id] = str(exc)
        self.store.audit(
            user.name,
            "bulk_reject",
            None,
            None,
            reason,
            count=len(result.rejected),
            filter=_fields(selection),
        )
        return result

    def bulk_release(
        self,
        user: User,
        selection: QueueFilter,
        mode: ReleaseMode,
        operator: str | None,
        confirmed_count: int | None = None,
        justification: str | None = None,
        security_assessment: str | None = None,
    ) -> BulkResult:
        """Each record goes through ``request_release``: sensitive or unvouched ones become requests for a
        second approver (unvouched ones skipped without a justification), none is released past the rule."""
        require(user, Permission.RELEASE)
        result = BulkResult()
        for held_id in self._confirmed(selection, confirmed_count):
            try:
                release = self.request_release(
                    user, held_id, mode, operator, justification, security_assessment
                )
            except ReviewError as exc:
                result.skipped[held_id] = str(exc)
                continue
            if release.state is ReleaseState.RELEASED:
                result.released.append(held_id)
            else:
                result.awaiting_approval.append(held_id)
        self.store.audit(
            user.name,
            "bulk_release",
            None,
            None,
            None,
            released=len(result.released),
            awaiting_approval=len(result.awaiting_approval),
            filter=_fields(selection),
        )
        return result

    # -- audit trail -----------------------------------------------------------------------------

    def audit_trail(self, user: User, limit: int | None = None) -> list[AuditEntry]:
        require(user, Permission.AUDIT)
        return list(self.store.audit_entries(limit=limit))

    def export(self, user: User, fmt: str) -> str:
        """The whole audit trail as CSV or JSON, or ``jsonl``: the chained events one per line, which
        ``customs audit verify FILE`` checks. The rows' hash chain is verified first: a broken trail is
        not exported (the attempt is audited with the first broken link). The export is itself audited."""
        require(user, Permission.EXPORT)
        if fmt not in ("csv", "json", "jsonl"):
            raise Invalid("export formats: csv, json, jsonl")
        report = self.store.verify_audit()
        if report.first_break is not None:
            broken = str(report.first_break)
            self.store.audit(user.name, "export_refused", None, None, None, first_break=broken)
            log.error("audit trail broken: %s", broken)
            raise Conflict(f"the audit trail does not verify: {broken}")
        entries = list(self.store.audit_entries())
        self.store.audit(user.name, "export", None, None, None, format=fmt, entries=len(entries))
        if fmt == "jsonl":
            return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in self.store.chained_audit())
        return render(entries, fmt)

    def _status(self, held_id: str) -> str:
        held = self.store.held(held_id)
        return held.status.value if held else "gone"


def _fields(selection: QueueFilter) -> dict[str, object]:
    return {
        "status": selection.status,
        "reason": selection.reason,
        "source": selection.source,
        "entity": selection.entity,
        "age": selection.age,
        "record_ref": selection.record_ref,
        "page": selection.page,
    }


def _held_only(selection: QueueFilter) -> QueueFilter:
    """Bulk actions touch only records still waiting for a reviewer, whatever the status filter says."""
    return replace(selection, status=Status.HELD.value, page=1)
