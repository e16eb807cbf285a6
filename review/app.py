"""The review service's FastAPI app: server-rendered pages (``review.web``), a JSON API (``review.api``)."""

from __future__ import annotations

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

from review.accounts import Accounts
from review.errors import ReviewError, Unauthenticated, Unavailable
from review.monitoring import Health
from review.service import ReviewService
from rules.policy import Policy

HERE = Path(__file__).parent
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
        return templates.TemplateResponse(
            request,
            "error.html",
            {"message": str(exc), "status": exc.status, "user": None},
            status_code=exc.status,
        )

    return app
