"""``/``: the dashboard. Every campaign the viewer works on with its live statistics (the
``/dashboard/live`` fragment, refreshed by htmx every five seconds) and the agents with
their availability, which an agent toggles for themselves and an admin for anyone."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from leadline.core.access.service import viewer_of_user
from leadline.core.campaigns import service as campaigns
from leadline.core.errors import NotFound
from leadline.core.statistics.service import campaign_statistics
from leadline.core.users import service as users
from leadline.http.deps import services
from leadline.web import auth
from leadline.web.guard import checked_form, record_id, signed_in
from leadline.web.rendering import not_found, page

router = APIRouter(include_in_schema=False)

#: Where the availability form may send the person back to.
_BACK = {"/": "/", "/agent": "/agent"}


async def _live(session: AsyncSession, viewer: auth.Viewer) -> dict[str, Any]:
    scope = await viewer_of_user(session, viewer.user)
    rows = []
    for campaign in await campaigns.list_campaigns(session, viewer.account.id):
        if scope.sees_campaign(campaign.id):
            rows.append((campaign, await campaign_statistics(session, campaign, "day")))
    everyone = await users.list_users(session, viewer.account.id)
    if viewer.user.role == "admin":
        people = [u for u in everyone if u.active and u.user_type == "agent"]
    else:
        people = [u for u in everyone if u.id == viewer.user.id]
    return {"campaigns": rows, "people": people}


@router.get("/")
async def dashboard(request: Request) -> Response:
    viewer = await signed_in(request)
    if isinstance(viewer, Response):
        return viewer
    async with services(request).db.read_session() as session:
        live = await _live(session, viewer)
    flash = request.query_params.get("done", "")
    return page(request, "dashboard.html", {"viewer": viewer, "flash": flash, **live})


@router.get("/dashboard/live")
async def dashboard_live(request: Request) -> Response:
    viewer = await signed_in(request)
    if isinstance(viewer, Response):
        return viewer
    async with services(request).db.read_session() as session:
        live = await _live(session, viewer)
    return page(request, "dashboard_live.html", {"viewer": viewer, **live})


@router.post("/dashboard/availability/{user_id}")
async def set_availability(request: Request, user_id: str) -> Response:
    """An agent makes themselves available or not; an admin does it for anyone of the
    account. The dialler reads the same flag on its next tick."""
    viewer = await signed_in(request)
    if isinstance(viewer, Response):
        return viewer
    wanted = record_id(user_id)
    if wanted is None or (viewer.user.role != "admin" and wanted != viewer.user.id):
        return not_found(request, viewer)
    form = await checked_form(request)
    if form is None:
        return RedirectResponse("/?done=expired", status_code=303)
    back = _BACK.get(str(form.get("back") or "/"), "/")
    available = form.get("available") == "1"
    try:
        async with services(request).db.transaction() as session:
            user = await users.get_user(session, viewer.account.id, wanted)
            await users.set_availability(session, user, available)
    except NotFound:
        return not_found(request, viewer)
    return RedirectResponse(f"{back}?done={'available' if available else 'away'}", 303)
