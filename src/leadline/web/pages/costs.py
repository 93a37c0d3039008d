"""``/costs`` (admins): what calls cost per lead, source, campaign, agency or listing over
days of the account's zone, the costs matched to no call, a chart and a CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadline.core import clock
from leadline.core.costs import reporting
from leadline.core.costs.reporting import CostDimension, CostReport
from leadline.http.deps import services
from leadline.web.auth import Viewer
from leadline.web.charts import bar_chart
from leadline.web.guard import admin
from leadline.web.rendering import page

router = APIRouter(include_in_schema=False)

DIMENSION_TEXT = {
    CostDimension.LEAD: "Lead",
    CostDimension.SOURCE: "Source",
    CostDimension.CAMPAIGN: "Campaign",
    CostDimension.AGENCY: "Agency",
    CostDimension.LISTING: "Listing",
}
#: The longest range one view covers.
MAX_DAYS = 366


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _query(
    viewer: Viewer, by: str, first_text: str, last_text: str
) -> tuple[CostDimension, date, date, dict[str, str]]:
    """The view asked for, with a message per field it had to correct."""
    errors: dict[str, str] = {}
    dimension = CostDimension(by) if by in CostDimension.__members__.values() else None
    if dimension is None:
        if by:
            errors["by"] = "Choose what to group by."
        dimension = CostDimension.SOURCE
    today = clock.now().astimezone(clock.zone(viewer.account.timezone)).date()
    first, last = _day(first_text), _day(last_text)
    if first_text and first is None:
        errors["from"] = "A date as YYYY-MM-DD."
    if last_text and last is None:
        errors["to"] = "A date as YYYY-MM-DD."
    last = last or today
    first = first or last.replace(day=1)
    if first > last:
        errors["from"] = "The first day comes after the last one."
        first = last
    if (last - first).days >= MAX_DAYS:
        errors["from"] = f"At most {MAX_DAYS} days at once."
        first = last - timedelta(days=MAX_DAYS - 1)
    return dimension, first, last, errors


async def _report(
    request: Request, viewer: Viewer, dimension: CostDimension, first: date, last: date
) -> CostReport:
    billed_from, billed_before = reporting.billed_window(first, last, viewer.account.timezone)
    async with services(request).db.read_session() as session:
        return await reporting.cost_report(
            session,
            viewer.account.id,
            dimension,
            billed_from=billed_from,
            billed_before=billed_before,
        )


@router.get("/costs")
async def costs_page(request: Request, by: str = "", to: str = "") -> Response:
    viewer = await admin(request)
    if isinstance(viewer, Response):
        return viewer
    dimension, first, last, errors = _query(viewer, by, request.query_params.get("from", ""), to)
    report = await _report(request, viewer, dimension, first, last)
    return _page(request, viewer, report, first, last, errors)


def _page(
    request: Request,
    viewer: Viewer,
    report: CostReport,
    first: date,
    last: date,
    errors: dict[str, str],
) -> Response:
    dimension = report.dimension
    query = urlencode({"by": dimension.value, "from": first.isoformat(), "to": last.isoformat()})
    return page(
        request,
        "costs.html",
        {
            "viewer": viewer,
            "report": report,
            "dimension": dimension,
            "dimension_text": DIMENSION_TEXT,
            "dimensions": [(value.value, text) for value, text in DIMENSION_TEXT.items()],
            "first": first,
            "last": last,
            "errors": errors,
            "chart": bar_chart([(group.label, group.cost) for group in report.groups]),
            "export_href": f"/costs.csv?{query}",
            "zone": viewer.account.timezone,
        },
        status_code=400 if errors else 200,
    )


@router.get("/costs.csv")
async def costs_csv(request: Request, by: str = "", to: str = "") -> Response:
    viewer = await admin(request)
    if isinstance(viewer, Response):
        return viewer
    dimension, first, last, _errors = _query(viewer, by, request.query_params.get("from", ""), to)
    return _csv(await _report(request, viewer, dimension, first, last), first, last)


def _csv(report: CostReport, first: date, last: date) -> Response:
    dimension = report.dimension
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([dimension.value, "key", "calls", "leads", "cost", "cost_per_lead"])
    for group in report.groups:
        writer.writerow(
            [
                group.label,
                "" if group.key is None else group.key,
                group.calls,
                group.leads,
                f"{group.cost:.4f}",
                "" if group.cost_per_lead is None else f"{group.cost_per_lead:.2f}",
            ]
        )
    writer.writerow(
        [
            "(total)",
            "",
            report.calls,
            report.leads,
            f"{report.cost:.4f}",
            "" if report.cost_per_lead is None else f"{report.cost_per_lead:.2f}",
        ]
    )
    writer.writerow(
        ["(unattributed)", "", report.unattributed_calls, "", f"{report.unattributed_cost:.4f}", ""]
    )
    name = f"costs-{dimension.value}-{first.isoformat()}-{last.isoformat()}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
