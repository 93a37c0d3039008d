"""``/agent``: the agent's panel. Go available or not, see the call in hand with the
lead's card (polled by htmx every two seconds, ``/agent/call``), take the next lead in
preview mode, and wrap the call up; the dialler acts on each of these at once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from leadline.core.access.service import viewer_of_user
from leadline.core.campaigns import queries as campaign_queries
from leadline.core.dialling import agents
from leadline.core.errors import Conflict, NotFound, ValidationFailed
from leadline.core.leads.overview import LeadOverview, lead_overview
from leadline.db.models import Campaign, CampaignMember, DialAttempt, User
from leadline.http.deps import services
from leadline.web import auth
from leadline.web.guard import checked_form, code_number, local_moment, record_id, signed_in
from leadline.web.rendering import not_found, page

router = APIRouter(include_in_schema=False)

#: htmx stops polling on this status (still swapping the answer in).
_STOP_POLLING = 286

_MESSAGES = {
    "available": "You are available: the next call comes to you.",
    "away": "You are unavailable: no call will come to you.",
    "wrapped": "Wrapped up. Ready for the next call.",
    "none": "No lead is due right now.",
    "expired": "Your session expired. Please try again.",
}


async def _preview(session: AsyncSession, user: User) -> bool:
    """Whether one of the agent's campaigns lets them take leads themselves."""
    found = await session.scalar(
        select(Campaign.id)
        .join(CampaignMember, CampaignMember.campaign_id == Campaign.id)
        .where(
            CampaignMember.user_id == user.id,
            Campaign.is_active.is_(True),
            Campaign.dialling_mode == "preview",
        )
        .limit(1)
    )
    return found is not None


async def _call_context(
    session: AsyncSession, viewer: auth.Viewer
) -> tuple[DialAttempt | None, LeadOverview | None, dict[str, Any]]:
    user = await session.get(User, viewer.user.id)
    assert user is not None
    call = await agents.current_call(session, user)
    overview = None
    if call is not None and call.lead_id is not None:
        scope = await viewer_of_user(session, user)
        try:
            overview = await lead_overview(session, scope, call.lead_id)
        except NotFound:
            overview = None
    return (
        call,
        overview,
        {
            "me": user,
            "preview": await _preview(session, user),
            "statuses": [
                (s.code, f"{s.code} · {s.description}")
                for s in await campaign_queries.status_codes(session, viewer.account.id)
            ],
            "wrap_codes": [
                (w.code, w.description)
                for w in await campaign_queries.wrap_codes(session, viewer.account.id)
            ],
        },
    )


async def _panel(
    request: Request,
    viewer: auth.Viewer,
    template: str,
    *,
    errors: Mapping[str, str] | None = None,
    form: Mapping[str, str] | None = None,
    status_code: int = 200,
    polled: bool = False,
) -> Response:
    async with services(request).db.read_session() as session:
        call, overview, extra = await _call_context(session, viewer)
    done = request.query_params.get("done", "")
    response = page(
        request,
        template,
        {
            "viewer": viewer,
            "call": call,
            "o": overview,
            "errors": dict(errors or {}),
            "form": dict(form or {}),
            "message": _MESSAGES.get(done, ""),
            "zone": viewer.account.timezone,
            **extra,
        },
        status_code=status_code,
    )
    if polled and call is not None and call.answered_at is not None:
        response.status_code = _STOP_POLLING
    return response


@router.get("/agent")
async def agent_panel(request: Request) -> Response:
    viewer = await signed_in(request)
    if isinstance(viewer, Response):
        return viewer
    return await _panel(request, viewer, "agent.html")


@router.get("/agent/call")
async def agent_call(request: Request) -> Response:
    viewer = await signed_in(request)
    if isinstance(viewer, Response):
        return viewer
    return await _panel(request, viewer, "agent_call.html", polled=True)


@router.post("/agent/next-lead")
async def next_lead(request: Request) -> Response:
    viewer = await signed_in(request)
    if isinstance(viewer, Response):
        return viewer
    if await checked_form(request) is None:
        return RedirectResponse("/agent?done=expired", status_code=303)
    try:
        async with services(request).db.transaction() as session:
            user = await session.get(User, viewer.user.id)
            assert user is not None
            reservation = await agents.reserve_next_lead(session, user)
    except Conflict as error:
        return await _panel(
            request, viewer, "agent.html", errors={"next": str(error)}, status_code=409
        )
    return RedirectResponse("/agent" if reservation else "/agent?done=none", status_code=303)


@router.post("/agent/calls/{attempt_id}/wrap")
async def wrap_up(request: Request, attempt_id: str) -> Response:
    viewer = await signed_in(request)
    if isinstance(viewer, Response):
        return viewer
    wanted = record_id(attempt_id)
    if wanted is None:
        return not_found(request, viewer)
    form = await checked_form(request)
    if form is None:
        return await _panel(
            request,
            viewer,
            "agent.html",
            errors={"form": _MESSAGES["expired"]},
            status_code=400,
        )
    sent = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    errors: dict[str, str] = {}
    status_raw = sent.get("status", "").strip()
    status = code_number(status_raw) if status_raw else None
    if status_raw and status is None:
        errors["status"] = "Choose a status."
    call_back_at = None
    if sent.get("call_back_at", "").strip():
        call_back_at = local_moment(sent["call_back_at"], viewer.account.timezone)
        if call_back_at is None:
            errors["call_back_at"] = "Give a date and time."
    notes = sent.get("notes", "").strip()[:4000] or None
    if not errors:
        try:
            async with services(request).db.transaction() as session:
                attempt = await agents.get_attempt(session, viewer.account.id, wanted)
                if attempt.agent_id != viewer.user.id and viewer.user.role != "admin":
                    raise NotFound("attempt", wanted)
                await agents.wrap_up(
                    session,
                    attempt,
                    status,
                    sent.get("wrap_code", "").strip() or None,
                    notes,
                    call_back_at,
                )
        except NotFound:
            return not_found(request, viewer)
        except ValidationFailed as error:
            fields = {"statusCode": "status", "wrapCode": "wrap_code", "callBackAt": "call_back_at"}
            errors = {fields.get(k, k): "; ".join(v) for k, v in error.errors.items()}
        except Conflict as error:
            errors = {"form": str(error)}
    if errors:
        return await _panel(
            request, viewer, "agent.html", errors=errors, form=sent, status_code=400
        )
    return RedirectResponse("/agent?done=wrapped", status_code=303)
