"""Server-rendered pages: login, queue, record, approvals, audit trail. Forms carry a CSRF token."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import replace
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse

from detectors.entities import ENTITIES
from review.accounts import Session
from review.app import FLASH_COOKIE, LOGIN_COOKIE, SESSION_COOKIE, ReviewContext, templates
from review.errors import Conflict, Forbidden, Invalid, ReviewError, Unauthenticated
from review.i18n import (
    LANGUAGE_COOKIE,
    LANGUAGE_MAX_AGE,
    chosen,
    flash_cookie,
    flash_text,
    label,
    language_of,
    translate,
)
from review.models import AGES, QueueFilter, Release, ReleaseMode, Status
from review.outbound import release_operators
from review.overview import PERIODS, bar_chart, column_chart, summarise
from review.roles import Permission
from review.service import require
from review.trail import TrailFilter, page_of
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
    cookie = request.cookies.get(FLASH_COOKIE)
    flash = flash_text(language_of(request), cookie)
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
    if cookie:
        _delete_cookie(request, response, FLASH_COOKIE)
    return response


def _redirect(request: Request, url: str, flash: str | None = None, **params: object) -> Response:
    """A 303 to ``url`` (post-redirect-get); ``flash`` is a catalogue key, shown translated on arrival."""
    response = RedirectResponse(url, status_code=303)
    if flash:
        _set_cookie(request, response, FLASH_COOKIE, flash_cookie(flash, **params), max_age=60)
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
            error=translate(
                language_of(request), "Wrong name or password, or the account is locked for a few minutes."
            ),
        )
        _set_cookie(request, response, LOGIN_COOKIE, token, max_age=900)
        return response
    cookie, _ = context.accounts.open_session(user)
    context.service.store.audit(user.name, "login")
    response = RedirectResponse("/overview", status_code=303)  # compliance staff start from the overview
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


# -- language and overview -------------------------------------------------------------------------


@router.get("/language/{code}")
def language(request: Request, code: str, next: str = "/") -> Response:
    """Remember the chosen language (a cookie, a year) and go back to the page it was chosen on."""
    target = next if next.startswith("/") and not next.startswith("//") and "\\" not in next else "/"
    response = RedirectResponse(target, status_code=303)
    if chosen(code):
        _set_cookie(request, response, LANGUAGE_COOKIE, code, max_age=LANGUAGE_MAX_AGE)
    return response


@router.get("/overview", response_class=HTMLResponse)
def overview(request: Request, session: SessionDep, days: int = 14) -> Response:
    summary = summarise(_context(request).service, session.user, days)
    language_code = language_of(request)

    def words(kind: str, code: str) -> str:
        return label(language_code, kind, code)

    charts = {
        "days": column_chart(
            [(d.day, d.day[5:], d.held) for d in summary.days], [d.open_at_end for d in summary.days]
        ),
        "reasons": bar_chart([(c, words("reason", c), n) for c, n in summary.by_reason]),
        "flows": bar_chart([(f, f, n) for f, n in summary.by_flow]),
        "entities": bar_chart([(e, words("entity", e), n) for e, n in summary.by_entity]),
        "waiting": column_chart([(c, words("waiting", c), n) for c, n in summary.waiting], width=420),
        "released": bar_chart(
            [(r.name, r.name, r.released) for r in summary.reviewers], width=320, label=100
        ),
        "rejected": bar_chart(
            [(r.name, r.name, r.rejected) for r in summary.reviewers], width=320, label=100
        ),
    }
    return _page(request, "overview.html", session, overview=summary, charts=charts, periods=PERIODS)


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
    confirm_count: Annotated[int | None, Form()] = None,
    justification: Annotated[str, Form()] = "",
    security_assessment: Annotated[str, Form()] = "",
) -> Response:
    """A bulk action in two steps: this form first shows how many records it would touch and how many need
    a second approver; only the confirmation (the count sent back) acts."""
    _check_csrf(session, csrf)
    service = _context(request).service
    selection = _filter(status, f_reason, source, entity, age, record_id)
    if action not in ("reject", "release_as_is", "release_masked"):
        raise Invalid("unknown bulk action")
    if confirm_count is None:
        return _page(
            request,
            "bulk_confirm.html",
            session,
            action=action,
            reason=reason,
            operator=operator,
            selection=selection,
            preview=service.bulk_preview(session.user, selection),
        )
    if action == "reject":
        result = service.bulk_reject(session.user, selection, reason, confirm_count)
        return _redirect(
            request,
            f"/?{urlencode(selection.query(page=1))}",
            "Rejected {rejected} records; {skipped} skipped.",
            rejected=len(result.rejected),
            skipped=len(result.skipped),
        )
    else:
        mode = ReleaseMode.AS_IS if action == "release_as_is" else ReleaseMode.MASKED
        result = service.bulk_release(
            session.user,
            selection,
            mode,
            operator or None,
            confirm_count,
            justification or None,
            security_assessment or None,
        )
        return _redirect(
            request,
            f"/?{urlencode(selection.query(page=1))}",
            "Released {released} records; {awaiting} await approval; {skipped} skipped.",
            released=len(result.released),
            awaiting=len(result.awaiting_approval),
            skipped=len(result.skipped),
        )


# -- one record ------------------------------------------------------------------------------------


REVEAL_SHOWN_FOR = 600.0  # seconds a reveal's page can be reloaded without revealing (and auditing) again


def _reveals(request: Request) -> dict[tuple[str, str], float]:
    """Which session revealed which record until when: the reveal is a POST, audited once, and its page a
    GET that shows the values while this lasts (a reload neither repeats the reveal nor asks to resend)."""
    state = request.app.state
    if not hasattr(state, "reveals"):
        state.reveals = {}
    reveals: dict[tuple[str, str], float] = state.reveals
    return reveals


def _reveal_key(request: Request, held_id: str) -> tuple[str, str]:
    return (hashlib.sha256(request.cookies.get(SESSION_COOKIE, "").encode()).hexdigest(), held_id)


def _record_page(request: Request, session: Session, held_id: str, reveal: bool) -> Response:
    service = _context(request).service
    inspection = service.inspect(session.user, held_id)
    if reveal:
        inspection = replace(inspection, revealed=True)
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
def record(request: Request, session: SessionDep, held_id: str, revealed: int = 0) -> Response:
    now = _context(request).service.store.clock()
    shown = (
        bool(revealed)
        and session.user.can(Permission.REVEAL)
        and _reveals(request).get(_reveal_key(request, held_id), 0.0) > now
    )
    return _record_page(request, session, held_id, reveal=shown)


@router.post("/records/{held_id}/reveal")
def reveal(request: Request, session: SessionDep, held_id: str, csrf: CsrfField) -> Response:
    _check_csrf(session, csrf)
    service = _context(request).service
    service.inspect(session.user, held_id, reveal=True)  # checks the permission; audited
    reveals = _reveals(request)
    now = service.store.clock()
    for key in [k for k, until in reveals.items() if until <= now]:
        del reveals[key]
    reveals[_reveal_key(request, held_id)] = now + REVEAL_SHOWN_FOR
    return _redirect(request, f"/records/{held_id}?revealed=1")


@router.post("/records/{held_id}/release")
def release(
    request: Request,
    session: SessionDep,
    held_id: str,
    csrf: CsrfField,
    mode: Annotated[str, Form()],
    operator: Annotated[str, Form()] = "",
    justification: Annotated[str, Form()] = "",
    security_assessment: Annotated[str, Form()] = "",
) -> Response:
    _check_csrf(session, csrf)
    try:
        chosen = ReleaseMode(mode)
    except ValueError:
        raise Invalid("mode is as_is or masked") from None
    done = _context(request).service.request_release(
        session.user, held_id, chosen, operator or None, justification or None, security_assessment or None
    )
    if done.state.value == "awaiting_approval":
        return _redirect(
            request,
            f"/records/{held_id}",
            "Release requested: a second user with the approver role must approve it.",
        )
    return _redirect(request, f"/records/{held_id}", "Released to {target}.", target=done.target)


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


def _next_request(request: Request, session: Session) -> Release | None:
    """The oldest release request this user may approve (not their own)."""
    pending = _context(request).service.awaiting_approval(session.user)
    mine = [r for r in pending if r.requested_by != session.user.name]
    return min(mine, key=lambda r: (r.requested_at, r.id), default=None)


@router.post("/releases/approve")
def approve_many(
    request: Request,
    session: SessionDep,
    csrf: CsrfField,
    release: Annotated[list[str] | None, Form()] = None,
    scope: Annotated[str, Form()] = "selected",
    confirm_count: Annotated[int | None, Form()] = None,
) -> Response:
    """Bulk approval in two steps: the chosen requests and their number first; only the confirmation
    (the count sent back, matching) approves, one by one under the same rules as a single approval."""
    _check_csrf(session, csrf)
    service = _context(request).service
    require(session.user, Permission.APPROVE)
    pending = {
        r.id: r for r in service.awaiting_approval(session.user) if r.requested_by != session.user.name
    }
    if confirm_count is None and scope == "all":
        chosen_ones = list(pending.values())
    else:
        chosen_ones = [pending[i] for i in dict.fromkeys(release or []) if i in pending]
    if confirm_count is None:
        held = {r.held_id: service.get(session.user, r.held_id) for r in chosen_ones}
        return _page(request, "approve_confirm.html", session, chosen=chosen_ones, held=held)
    if confirm_count != len(chosen_ones):
        raise Conflict("the requests changed since you confirmed; check them again")
    approved, skipped = 0, 0
    for one in chosen_ones:
        try:
            service.approve(session.user, one.id)
            approved += 1
        except ReviewError:
            skipped += 1
    return _redirect(
        request,
        "/approvals",
        "Approved {approved} requests; {skipped} skipped.",
        approved=approved,
        skipped=skipped,
    )


@router.post("/releases/{release_id}/approve")
def approve(
    request: Request,
    session: SessionDep,
    release_id: str,
    csrf: CsrfField,
    next_one: Annotated[str, Form(alias="next")] = "",
) -> Response:
    _check_csrf(session, csrf)
    done = _context(request).service.approve(session.user, release_id)
    if next_one:
        following = _next_request(request, session)
        if following is not None:
            return _redirect(
                request,
                f"/records/{following.held_id}",
                "Approved and released to {target}; here is the next request.",
                target=done.target,
            )
        return _redirect(
            request,
            "/approvals",
            "Approved and released to {target}; no other request waits.",
            target=done.target,
        )
    return _redirect(
        request, f"/records/{done.held_id}", "Approved and released to {target}.", target=done.target
    )


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
    request: Request,
    session: SessionDep,
    actor: str = "",
    action: str = "",
    record: str = "",
    start: str = "",
    end: str = "",
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    selection = TrailFilter.of(actor, action, record, start, end, page)
    entries = _context(request).service.audit_trail(session.user)
    return _page(request, "audit.html", session, trail=page_of(entries, selection))


@router.get("/audit/export.{fmt}")
def export(request: Request, session: SessionDep, fmt: str) -> Response:
    body = _context(request).service.export(session.user, fmt)
    media = "text/csv" if fmt == "csv" else "application/json"
    return PlainTextResponse(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="customs-review-audit.{fmt}"'},
    )
