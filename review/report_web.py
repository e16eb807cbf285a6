"""The transfer report page for auditors and admins (``review.report``): a period, a flow, and downloads."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse

from review.errors import Invalid, Unavailable
from review.i18n import language_of
from review.ledger import Ledger
from review.report import FORMATS, TransferReport, build, render
from review.roles import Permission
from review.service import require
from review.web import SessionDep, _context, _page

router = APIRouter(include_in_schema=False)

MAX_DAYS = 3660


def _period(start: str | None, end: str | None, today: date) -> tuple[date, date]:
    try:
        last = date.fromisoformat(end) if end else today
        first = date.fromisoformat(start) if start else last.replace(day=1)
    except ValueError:
        raise Invalid("dates are YYYY-MM-DD") from None
    if first > last:
        raise Invalid("the period starts after it ends")
    if last - first > timedelta(days=MAX_DAYS):
        raise Invalid(f"a report covers at most {MAX_DAYS} days")
    return first, last


def _report(
    request: Request, session: SessionDep, start: str | None, end: str | None, flow: str | None
) -> TransferReport:
    context = _context(request)
    require(session.user, Permission.AUDIT)
    if context.policy is None:
        raise Unavailable("the report needs the policy, which this service was started without")
    store = context.service.store
    today = datetime.fromtimestamp(store.clock(), UTC).date()
    first, last = _period(start, end, today)
    report = build(Ledger(store.db), store, context.policy, first, last, flow or None)
    store.audit(
        session.user.name, "report", None, None, None, start=report.start, end=report.end, flow=flow or None
    )
    return report


@router.get("/report", response_class=HTMLResponse)
def report_page(
    request: Request,
    session: SessionDep,
    start: Annotated[str | None, Query()] = None,
    end: Annotated[str | None, Query()] = None,
    flow: Annotated[str | None, Query()] = None,
) -> Response:
    report = _report(request, session, start, end, flow)
    policy = _context(request).policy
    query = urlencode({"start": report.start, "end": report.end, **({"flow": flow} if flow else {})})
    flows = [f.id for f in policy.flows] if policy is not None else []
    return _page(request, "report.html", session, report=report, flows=flows, query=query)


@router.get("/report/transfers.{fmt}")
def report_download(
    request: Request,
    session: SessionDep,
    fmt: str,
    start: Annotated[str | None, Query()] = None,
    end: Annotated[str | None, Query()] = None,
    flow: Annotated[str | None, Query()] = None,
) -> Response:
    if fmt not in FORMATS:
        raise Invalid(f"report formats: {', '.join(FORMATS)}")
    report = _report(request, session, start, end, flow)
    media = {"csv": "text/csv", "json": "application/json", "html": "text/html"}[fmt]
    name = f"customs-transfers-{report.start}-{report.end}.{fmt}"
    return PlainTextResponse(
        render(report, fmt, language_of(request)),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
