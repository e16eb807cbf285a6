"""Server-rendered pages: login, queue, record, approvals, audit trail. Forms carry a CSRF token."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse

from detectors.entities import ENTITIES
from review.accounts import Session
from review.app import FLASH_COOKIE, LOGIN_COOKIE, SESSION_COOKIE, ReviewContext, templates
from review.errors import Forbidden, Invalid, Unauthenticated
from review.models import AGES, QueueFilter, ReleaseMode, Status
from review.outbound import release_operators
from review.roles import Permission
from review.view import finding_rows, record_lines
from rules.reasons import Reason

router = APIRouter(include_in_schema=False)


def _context(request: Request) -> ReviewContext:
    context: ReviewContext = request.app.state.review
    return context


def current_session(request: Request) -> Session:
    session = _context(request).accounts.session(request.cookies.get(SESSION_COOKIE))
    if session is None:
        raise Unauthenticated("log in first")
    return session


SessionDep = Annotated[Session, Depends(current_session)]
CsrfField = Annotated[str, Form()]


def _check_csrf(session: Session, token: str) -> None:
    if not hmac.compare_digest(session.csrf.encode(), token.encode()):
        raise Forbidden("the form expired or did not come from this site; reload the page and try again")


def _set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None) -> None:
    """HttpOnly, SameSite=strict, and Secure when the service is reached over HTTPS."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=_context(request).secure_cookies,
    )


def _delete_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(name, httponly=True, samesite="strict", secure=_context(request).secure_cookies)


def _page(request: Request, name: str, session: Session | None, status: int = 200, **values: Any) -> Response:
    flash = request.cookies.get(FLASH_COOKIE)
    context = _context(request)
    data = {
        "user": session.user if session else None,
        "csrf": session.csrf if session else "",
        "can": (lambda p: session.user.can(Permission(p))) if session else (lambda p: False),
        "flash": flash,
        "now": context.service.store.clock(),
        **values,
    }
    response = templates.TemplateResponse(request, name, data, status_code=status)
    if flash:
        _delete_cookie(request, response, FLASH_COOKIE)
    return response


def _redirect(request: Request, url: str, flash: str | None = None) -> Response:
    response = RedirectResponse(url, status_code=303)
    if flash:
        _set_cookie(request, response, FLASH_COOKIE, flash, max_age=60)
    return response


def _filter(
    status: str = "open",
    reason: str | None = None,
    source: str | None = None,
    entity: str | None = None,
    age: str | None = None,
    record_id: str | None = None,
    page: int = 1,
) -> QueueFilter:
    statuses = {"open", "all", *(s.value for s in Status)}
    return QueueFilter(
        status=status if status in statuses else "open",
        reason=reason or None,
        source=source or None,
        entity=entity if entity in ENTITIES else None,
        age=age if age in (*AGES, "older") else None,
        record_ref=(record_id or "").strip() or None,
        page=max(page, 1),
    )


# -- login -----------------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    token = secrets.token_urlsafe(24)
    response = _page(request, "login.html", None, login_csrf=token, error=None)
    _set_cookie(request, response, LOGIN_COOKIE, token, max_age=900)
    return response


@router.post("/login")
def login(
    request: Request,
    name: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf: CsrfField,
) -> Response:
    context = _context(request)
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(expected.encode(), csrf.encode()):
        raise Forbidden("the login form expired; reload the page and try again")
    user = context.accounts.authenticate(name, password, request.client.host if request.client else None)
    if user is None:
        # Only a known name is audited: a mistyped name may be a password typed into the wrong field.
        known = context.accounts.user_named(name)
        context.service.store.audit(known.name if known else "(unknown user)", "login_failed")
        token = secrets.token_urlsafe(24)
        response = _page(
            request,
            "login.html",
            None,
            status=401,
            login_csrf=token,
            error="Wrong name or password, or the account is locked for a few minutes.",
        )
        _set_cookie(request, response, LOGIN_COOKIE, token, max_age=900)
        return response
    cookie, _ = context.accounts.open_session(user)
    context.service.store.audit(user.name, "login")
    response = RedirectResponse("/", status_code=303)
    _set_cookie(request, response, SESSION_COOKIE, cookie, max_age=None)
    _delete_cookie(request, response, LOGIN_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, csrf: CsrfField) -> Response:
    _check_csrf(session, csrf)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        _context(request).accounts.close_session(cookie)
    response = RedirectResponse("/login", status_code=303)
    _delete_cookie(request, response, SESSION_COOKIE)
    return response


# -- queue -----------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def queue(
    request: Request, session: SessionDep, selection: Annotated[QueueFilter, Depends(_filter)]
) -> Response:
    service = _context(request).service
    page = service.queue(session.user, selection)
    return _page(
        request,
        "queue.html",
        session,
        selection=selection,
        result=page,
        reasons=[r.value for r in Reason],
        entities=sorted(ENTITIES),
        ages=[*AGES, "older"],
        statuses=["open", *(s.value for s in Status), "all"],
        operators=release_operators(),
        awaiting=len(service.awaiting_approval(session.user)),
    )


@router.post("/bulk")
def bulk(
    request: Request,
    session: SessionDep,
    csrf: CsrfField,
    action: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
    operator: Annotated[str, Form()] = "",
    status: Annotated[str, Form()] = "open",
    f_reason: Annotated[str, Form()] = "",
    source: Annotated[str, Form()] = "",
    entity: Annotated[str, Form()] = "",
    age: Annotated[str, Form()] = "",
    record_id: Annotated[str, Form()] = "",
) -> Response:
    _check_csrf(session, csrf)
    service = _context(request).service
    selection = _filter(status, f_reason, source, entity, age, record_id)
    if action == "reject":
        result = service.bulk_reject(session.user, selection, reason)
        flash = f"Rejected {len(result.rejected)} records; {len(result.skipped)} skipped."
    elif action in ("release_as_is", "release_masked"):
        mode = ReleaseMode.AS_IS if action == "release_as_is" else ReleaseMode.MASKED
        result = service.bulk_release(session.user, selection, mode, operator or None)
        flash = (
            f"Released {len(result.released)} records; {len(result.awaiting_approval)} await approval; "
            f"{len(result.skipped)} skipped."
        )
    else:
        raise Invalid("unknown bulk action")
    return _redirect(request, f"/?{urlencode(selection.query(page=1))}", flash)


# -- one record ------------------------------------------------------------------------------------


def _record_page(request: Request, session: Session, held_id: str, reveal: bool) -> Response:
    service = _context(request).service
    inspection = service.inspect(session.user, held_id, reveal=reveal)
    return _page(
        request,
        "record.html",
        session,
        inspection=inspection,
        held=inspection.held,
        lines=record_lines(inspection.analysis, reveal),
        findings=finding_rows(inspection.analysis),
        operators=release_operators(),
    )


@router.get("/records/{held_id}", response_class=HTMLResponse)
def record(request: Request, session: SessionDep, held_id: str) -> Response:
    return _record_page(request, session, held_id, reveal=False)


@router.post("/records/{held_id}/reveal", response_class=HTMLResponse)
def reveal(request: Request, session: SessionDep, held_id: str, csrf: CsrfField) -> Response:
    _check_csrf(session, csrf)
    return _record_page(request, session, held_id, reveal=True)


@router.post("/records/{held_id}/release")
def release(
    request: Request,
    session: SessionDep,
    held_id: str,
    csrf: CsrfField,
    mode: Annotated[str, Form()],
    operator: Annotated[str, Form()] = "",
) -> Response:
    _check_csrf(session, csrf)
    try:
        chosen = ReleaseMode(mode)
    except ValueError:
        raise Invalid("mode is as_is or masked") from None
    done = _context(request).service.request_release(session.user, held_id, chosen, operator or None)
    flash = (
        "Release requested: a second user with the approver role must approve it."
        if done.state.value == "awaiting_approval"
        else f"Released to {done.target}."
    )
    return _redirect(request, f"/records/{held_id}", flash)


@router.post("/records/{held_id}/reject")
def reject(
    request: Request, session: SessionDep, held_id: str, csrf: CsrfField, reason: Annotated[str, Form()] = ""
) -> Response:
    _check_csrf(session, csrf)
    _context(request).service.reject(session.user, held_id, reason)
    return _redirect(request, f"/records/{held_id}", "Rejected.")


# -- approvals -------------------------------------------------------------------------------------


@router.get("/approvals", response_class=HTMLResponse)
def approvals(request: Request, session: SessionDep) -> Response:
    service = _context(request).service
    pending = service.awaiting_approval(session.user)
    held = {r.held_id: service.get(session.user, r.held_id) for r in pending}
    return _page(request, "approvals.html", session, pending=pending, held=held)


@router.post("/releases/{release_id}/approve")
def approve(request: Request, session: SessionDep, release_id: str, csrf: CsrfField) -> Response:
    _check_csrf(session, csrf)
    done = _context(request).service.approve(session.user, release_id)
    return _redirect(request, f"/records/{done.held_id}", f"Approved and released to {done.target}.")


@router.post("/releases/{release_id}/decline")
def decline(
    request: Request,
    session: SessionDep,
    release_id: str,
    csrf: CsrfField,
    reason: Annotated[str, Form()] = "",
) -> Response:
    _check_csrf(session, csrf)
    done = _context(request).service.decline(session.user, release_id, reason)
    return _redirect(request, f"/records/{done.held_id}", "Release request declined; the record is held.")


# -- audit trail -----------------------------------------------------------------------------------


@router.get("/audit", response_class=HTMLResponse)
def audit(
    request: Request, session: SessionDep, limit: Annotated[int, Query(ge=1, le=5000)] = 200
) -> Response:
    entries = _context(request).service.audit_trail(session.user, limit=limit)
    return _page(request, "audit.html", session, entries=entries, limit=limit)


@router.get("/audit/export.{fmt}")
def export(request: Request, session: SessionDep, fmt: str) -> Response:
    body = _context(request).service.export(session.user, fmt)
    media = "text/csv" if fmt == "csv" else "application/json"
    return PlainTextResponse(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="customs-review-audit.{fmt}"'},
    )
