"""The JSON API: the same actions as the pages, for scripts, with ``Authorization: Bearer <token>``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from review.app import ReviewContext
from review.errors import NotFound, Unauthenticated
from review.models import QueueFilter, ReleaseMode, User
from review.roles import Permission, Role
from review.service import require
from review.view import finding_rows, revealed_values

router = APIRouter(prefix="/api", tags=["review"])
bearer = HTTPBearer(auto_error=False, description="An API token from `customs users token NAME`")


def _context(request: Request) -> ReviewContext:
    context: ReviewContext = request.app.state.review
    return context


def token_user(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> User:
    if credentials is None:
        raise Unauthenticated("an API token is required (Authorization: Bearer …)")
    user = _context(request).accounts.token_user(credentials.credentials)
    if user is None:
        raise Unauthenticated("the API token is unknown, revoked or expired")
    return user


UserDep = Annotated[User, Depends(token_user)]
Status = Literal["open", "held", "awaiting_approval", "releasing", "released", "rejected", "all"]
Age = Literal["1h", "24h", "7d", "older"]


class Selection(BaseModel):
    """Which held records: the queue's filters."""

    status: Status = "open"
    reason: str | None = None
    source: str | None = None
    entity: str | None = None
    age: Age | None = None
    record_id: str | None = Field(None, description="The record's own id field")

    def to_filter(self, page: int = 1) -> QueueFilter:
        return QueueFilter(self.status, self.reason, self.source, self.entity, self.age, self.record_id, page)


class ReleaseBody(BaseModel):
    mode: ReleaseMode = ReleaseMode.AS_IS
    operator: str | None = Field(None, description="For mode 'masked': redact, type_tag, partial, pseudonym")
    justification: str | None = Field(
        None,
        max_length=500,
        description="Why it may go: required for a record held for a reason the gateway did not vouch for"
        " (no_flow, no_legal_basis, important_data, decode_error, ...); audited with the request",
    )
    security_assessment: str | None = Field(
        None,
        max_length=500,
        description="The security assessment's reference: required for important data as is",
    )


class ReasonBody(BaseModel):
    reason: str = Field(..., min_length=1, max_length=500)


CONFIRM_COUNT = (
    "The number of held records the selection matches, from GET /api/bulk/preview: the confirmation"
)


class BulkRejectBody(BaseModel):
    selection: Selection = Field(default_factory=Selection)
    reason: str = Field(..., min_length=1, max_length=500)
    confirm_count: int | None = Field(None, ge=0, description=CONFIRM_COUNT)


class BulkReleaseBody(BaseModel):
    selection: Selection = Field(default_factory=Selection)
    mode: ReleaseMode = ReleaseMode.AS_IS
    operator: str | None = None
    confirm_count: int | None = Field(None, ge=0, description=CONFIRM_COUNT)
    justification: str | None = Field(
        None, max_length=500, description="For the unvouched records among them"
    )
    security_assessment: str | None = Field(None, max_length=500)


class NewUser(BaseModel):
    name: str
    password: str = Field(..., min_length=12)
    roles: list[Role]


def _selection(
    status: Status = "open",
    reason: str | None = None,
    source: str | None = None,
    entity: str | None = None,
    age: Age | None = None,
    record_id: str | None = None,
) -> Selection:
    return Selection(status=status, reason=reason, source=source, entity=entity, age=age, record_id=record_id)


@router.get("/me")
def me(user: UserDep) -> dict[str, Any]:
    return {
        "name": user.name,
        "roles": [r.value for r in user.roles],
        "permissions": sorted(p.value for p in user.permissions),
    }


@router.get("/records")
def records(
    request: Request,
    user: UserDep,
    selection: Annotated[Selection, Depends(_selection)],
    page: Annotated[int, Query(ge=1)] = 1,
) -> dict[str, Any]:
    """Held records matching the filters, newest first, one page at a time, with counts."""
    result = _context(request).service.queue(user, selection.to_filter(page))
    return {
        "total": result.total,
        "page": result.page,
        "pages": result.pages,
        "by_status": result.by_status,
        "by_reason": result.by_reason,
        "records": [held.summary() for held in result.items],
    }


@router.get("/records/{held_id}")
def record(request: Request, user: UserDep, held_id: str) -> dict[str, Any]:
    """A held record's metadata, findings (positions, never values) and releases."""
    inspection = _context(request).service.inspect(user, held_id)
    return {
        **inspection.held.summary(),
        "findings": [
            {
                "path": f.path,
                "entity": f.entity,
                "category": f.category,
                "sensitive": f.sensitive,
                "start": f.start,
                "end": f.end,
                "score": f.score,
            }
            for f in finding_rows(inspection.analysis)
        ],
        "releases": [r.to_json() for r in inspection.releases],
        "inspected": inspection.analysis.inspected,
        "unvouched": inspection.unvouched,
        "held_because": [
            {"reason": b.code, "words": b.words, "unvouched": b.unvouched} for b in inspection.held_because
        ],
    }


@router.post("/records/{held_id}/reveal")
def reveal(request: Request, user: UserDep, held_id: str) -> dict[str, Any]:
    """The held values of every finding (needs the reveal permission; audited)."""
    inspection = _context(request).service.inspect(user, held_id, reveal=True)
    return {"id": held_id, "findings": revealed_values(inspection.analysis)}


@router.get("/records/{held_id}/history")
def history(request: Request, user: UserDep, held_id: str) -> list[dict[str, Any]]:
    return [e.to_json() for e in _context(request).service.history(user, held_id)]


@router.post("/records/{held_id}/release")
def release(request: Request, user: UserDep, held_id: str, body: ReleaseBody) -> dict[str, Any]:
    """Release now; for sensitive personal information, or a record held for a reason the gateway did not
    vouch for (with a justification), create a request a second user with the approver role must approve."""
    service = _context(request).service
    return service.request_release(
        user, held_id, body.mode, body.operator, body.justification, body.security_assessment
    ).to_json()


@router.post("/records/{held_id}/reject")
def reject(request: Request, user: UserDep, held_id: str, body: ReasonBody) -> dict[str, Any]:
    return _context(request).service.reject(user, held_id, body.reason).summary()


@router.get("/releases")
def releases(request: Request, user: UserDep) -> list[dict[str, Any]]:
    """Release requests awaiting approval."""
    return [r.to_json() for r in _context(request).service.awaiting_approval(user)]


@router.get("/releases/{release_id}")
def release_state(request: Request, user: UserDep, release_id: str) -> dict[str, Any]:
    return _context(request).service.release_of(user, release_id).to_json()


@router.post("/releases/{release_id}/approve")
def approve(request: Request, user: UserDep, release_id: str) -> dict[str, Any]:
    """Approve another user's release request (approver role; four-eyes); the record is produced."""
    return _context(request).service.approve(user, release_id).to_json()


@router.post("/releases/{release_id}/decline")
def decline(request: Request, user: UserDep, release_id: str, body: ReasonBody) -> dict[str, Any]:
    return _context(request).service.decline(user, release_id, body.reason).to_json()


@router.get("/bulk/preview")
def bulk_preview(
    request: Request, user: UserDep, selection: Annotated[Selection, Depends(_selection)]
) -> dict[str, Any]:
    """How many held records a bulk action on this selection would touch (send it back as
    ``confirm_count``), and how many of them need a second approver."""
    return _context(request).service.bulk_preview(user, selection.to_filter()).to_json()


@router.post("/bulk/reject")
def bulk_reject(request: Request, user: UserDep, body: BulkRejectBody) -> dict[str, Any]:
    """Reject every held record matching the selection (up to the bulk limit), once the count is confirmed."""
    service = _context(request).service
    return service.bulk_reject(user, body.selection.to_filter(), body.reason, body.confirm_count).to_json()


@router.post("/bulk/release")
def bulk_release(request: Request, user: UserDep, body: BulkReleaseBody) -> dict[str, Any]:
    """Release every held record matching the selection, once the count is confirmed; sensitive and unvouched
    ones become approval requests (unvouched ones need the justification)."""
    service = _context(request).service
    return service.bulk_release(
        user,
        body.selection.to_filter(),
        body.mode,
        body.operator,
        body.confirm_count,
        body.justification,
        body.security_assessment,
    ).to_json()


@router.get("/audit")
def audit(
    request: Request, user: UserDep, limit: Annotated[int, Query(ge=1, le=10_000)] = 500
) -> list[dict[str, Any]]:
    return [e.to_json() for e in _context(request).service.audit_trail(user, limit=limit)]


@router.get("/audit/export")
def export(request: Request, user: UserDep, format: Literal["csv", "json", "jsonl"] = "json") -> Response:
    """The whole audit trail for a filing (the export is itself audited)."""
    body = _context(request).service.export(user, format)
    return Response(body, media_type="text/csv" if format == "csv" else "application/json")


@router.post("/users", status_code=201)
def create_user(request: Request, user: UserDep, body: NewUser) -> dict[str, Any]:
    """Create a local user (admin)."""
    require(user, Permission.MANAGE_USERS)
    context = _context(request)
    created = context.accounts.create_user(body.name, body.password, body.roles)
    context.service.store.audit(
        user.name, "user_created", None, None, None, name=created.name, roles=[r.value for r in created.roles]
    )
    return {"name": created.name, "roles": [r.value for r in created.roles]}


@router.get("/tokens")
def tokens(
    request: Request,
    user: UserDep,
    of: Annotated[str | None, Query(alias="user", description="Another user's tokens (admin)")] = None,
) -> list[dict[str, Any]]:
    """API tokens (ids and dates, never secrets): your own, or another user's (admin)."""
    if of is not None and of != user.name:
        require(user, Permission.MANAGE_USERS)
    return [t.to_json() for t in _context(request).accounts.tokens(of or user.name)]


@router.post("/tokens/{token_id}/revoke")
def revoke_token(request: Request, user: UserDep, token_id: str) -> dict[str, Any]:
    """Revoke one API token: your own, or anyone's (admin). The user's other tokens keep working."""
    context = _context(request)
    token = context.accounts.token(token_id)
    if token is None or (token.user != user.name and not user.can(Permission.MANAGE_USERS)):
        raise NotFound("no such token")
    revoked = context.accounts.revoke_token(token.id)
    context.service.store.audit(user.name, "token_revoked", None, None, None, token=token.id, user=token.user)
    return revoked.to_json()
