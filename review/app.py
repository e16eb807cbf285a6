"""The review service's FastAPI app: server-rendered pages (``review.web``), a JSON API (``review.api``)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from review import i18n
from review.accounts import Accounts
from review.errors import ReviewError, Unauthenticated, Unavailable
from review.monitoring import Health
from review.roles import Permission
from review.service import ReviewService
from review.trail import iso
from rules.policy import Policy

HERE = Path(__file__).parent
log = logging.getLogger("customs.review")
SESSION_COOKIE = "customs_session"
LOGIN_COOKIE = "customs_login"
FLASH_COOKIE = "customs_flash"


@dataclass
class ReviewContext:
    service: ReviewService
    accounts: Accounts
    secure_cookies: bool = False  # cookies only over HTTPS
    hsts: bool = False  # Strict-Transport-Security: the service is reached over HTTPS only
    health: Callable[[], Health] | None = None  # Kafka and the store as last checked (page header)
    policy: Policy | None = None  # the transfer report's flows, recipients and contracts


def _when(epoch: float | None) -> str:
    if epoch is None:
        return ""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _age(epoch: float, now: float) -> str:
    seconds = max(0.0, now - epoch)
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"


templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.filters["when"] = _when
templates.env.globals["age"] = _age
templates.env.filters["iso"] = iso
i18n.install(templates.env)


def _health(request: Request) -> Health | None:
    """The header's Kafka and store health: the last background check, never a wait."""
    context: ReviewContext | None = getattr(request.app.state, "review", None)
    return context.health() if context is not None and context.health is not None else None


templates.env.globals["dependency_health"] = _health

# On every response. The pages have no inline script, style or event handler, and load only /static.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none';"
    " base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000"  # one year; sent only when the configured public address is https


ERROR_TITLES = {
    400: "Bad request",
    401: "Not logged in",
    403: "Refused",
    404: "Not found",
    405: "Not allowed here",
    409: "Conflict",
    422: "Invalid",
    500: "Something went wrong",
    503: "Unavailable",
}
ERROR_MESSAGES = {
    404: "There is no page at this address.",
    405: "This address does not answer that kind of request; go back and use the page's buttons.",
    500: "Something went wrong on our side; it has been logged. Try again, or tell an administrator.",
}


def error_page(request: Request, status: int, message: str) -> Response:
    """An error inside the layout, in the user's language, with the header (and its user) as usual."""
    context: ReviewContext | None = getattr(request.app.state, "review", None)
    session = None
    if context is not None and status != 503:  # the store may be what is down: do not wait for it
        try:
            session = context.accounts.session(request.cookies.get(SESSION_COOKIE))
        except Exception:  # the store may be what is down
            session = None
    language = i18n.language_of(request)
    title = ERROR_TITLES.get(status, "Error")
    values = {
        "message": i18n.translate(language, message),
        "status": status,
        "title": i18n.translate(language, title),
        "user": session.user if session else None,
        "csrf": session.csrf if session else "",
        "can": (lambda p: session.user.can(Permission(p))) if session else (lambda p: False),
    }
    return templates.TemplateResponse(request, "error.html", values, status_code=status)


def create_app(context: ReviewContext) -> FastAPI:
    from review import api, report_web, web

    app = FastAPI(
        title="Data Customs review",
        description="Quarantine review: held records, four-eyes release, reject, audit trail.",
        version="1",
        docs_url=None,  # the interactive docs load scripts from a CDN; /openapi.json is enough
        redoc_url=None,
    )
    app.state.review = context
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(web.router)
    app.include_router(report_web.router)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if context.hsts:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response

    @app.exception_handler(sqlite3.OperationalError)
    @app.exception_handler(psycopg.OperationalError)
    async def store_down(request: Request, exc: Exception) -> Response:
        """The review store cannot be reached (or is locked): a 503 at once, the header says which."""
        return await refused(request, Unavailable("the review store cannot be reached; try again shortly"))

    @app.exception_handler(ReviewError)
    async def refused(request: Request, exc: ReviewError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": str(exc)}, status_code=exc.status)
        if isinstance(exc, Unauthenticated):
            return RedirectResponse("/login", status_code=303)
        return error_page(request, exc.status, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """An unknown path, a wrong method: JSON for the API, a page in the layout for a browser."""
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        return error_page(request, exc.status_code, ERROR_MESSAGES.get(exc.status_code, str(exc.detail)))

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        """A bug: logged with its traceback, a 500 page (or JSON) without it."""
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "internal error"}, status_code=500)
        return error_page(request, 500, ERROR_MESSAGES[500])

    return app
