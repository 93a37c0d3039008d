"""``/setup/campaigns``: campaigns (mode, calling hours, retries, attempts, abandonment
cap, start/pause), their agents and their lists — through ``core.campaigns``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from leadline.core.audit import service as audit
from leadline.core.campaigns import queries
from leadline.core.campaigns import service as campaigns
from leadline.core.errors import NotFound, ValidationFailed
from leadline.core.users import service as users
from leadline.core.vocabulary import DIAL_STATUS_NAMES, WEEKDAYS
from leadline.db.models import Campaign
from leadline.http.deps import services
from leadline.web import auth
from leadline.web.guard import record_id
from leadline.web.pages.setup import forms
from leadline.web.rendering import not_found, page

router = APIRouter(include_in_schema=False)

DAY_NAMES = dict(
    zip(
        WEEKDAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)
MODES = [("preview", "Preview"), ("progressive", "Progressive"), ("predictive", "Predictive")]
TYPES = [("outbound", "Outbound"), ("inbound", "Inbound")]
MAX_RETRY_MINUTES = 60 * 24 * 30


def _values(campaign: Campaign) -> dict[str, str]:
    """The edit form's fields as the campaign has them now."""
    values = {
        "campaignName": campaign.name,
        "campaignType": campaign.campaign_type,
        "diallingMode": campaign.dialling_mode,
        "timezone": campaign.timezone,
        "maxAttempts": str(campaign.max_attempts),
        "maxAbandonRate": str(campaign.max_abandon_rate),
    }
    for day in WEEKDAYS:
        windows = (campaign.calling_hours or {}).get(day) or []
        values[f"from_{day}"], values[f"to_{day}"] = windows[0] if windows else ["", ""]
    for status in DIAL_STATUS_NAMES:
        delay = campaigns.retry_delay(campaign, status)
        values[f"retry_{status}"] = str(delay // 60)
    return values


def _form_values(form: FormData) -> dict[str, str]:
    return {key: forms.text(form, key) for key in form}


def _changes(form: FormData, errors: forms.Errors) -> dict[str, Any]:
    """The settings form as ``update_campaign`` changes; shape errors (numbers, half-filled
    rows) are found here, the rules themselves by the core."""
    hours: dict[str, list[list[str]]] = {}
    for day in WEEKDAYS:
        start, end = forms.text(form, f"from_{day}"), forms.text(form, f"to_{day}")
        if bool(start) != bool(end):
            errors[f"hours_{day}"] = "give both times, or neither for no calls that day"
        hours[day] = [[start, end]] if start and end else []
    delays: dict[str, int] = {}
    for status in DIAL_STATUS_NAMES:
        minutes = forms.integer(form, f"retry_{status}", errors, low=0, high=MAX_RETRY_MINUTES)
        if minutes is not None:
            delays[str(status)] = minutes * 60
    attempts = forms.integer(form, "maxAttempts", errors, low=1, high=100)
    return {
        "name": forms.bounded_text(form, "campaignName", errors),
        "campaign_type": forms.text(form, "campaignType"),
        "dialling_mode": forms.text(form, "diallingMode"),
        "timezone": forms.bounded_text(form, "timezone", errors, 64),
        "max_attempts": attempts,
        "max_abandon_rate": forms.bounded_text(form, "maxAbandonRate", errors, 20),
        "calling_hours": hours,
        "retry_delays": delays,
    }


def _core_errors(error: ValidationFailed) -> forms.Errors:
    """Calling-hours problems name their weekday; they go next to that day's row."""
    errors = forms.field_errors(error)
    hours = errors.pop("callingHours", None)
    if hours is not None:
        day = hours.split(":", 1)[0]
        errors[f"hours_{day}" if day in WEEKDAYS else "callingHours"] = hours
    return errors


async def _audit(
    session: AsyncSession, viewer: auth.Viewer, campaign: Campaign, action: str, fields: list[str]
) -> None:
    await audit.record(
        session,
        account_id=viewer.account.id,
        action=action,
        target_type="campaign",
        target_id=campaign.id,
        actor_user_id=viewer.user.id,
        details={"fields": fields} if fields else None,
    )


async def _index(
    request: Request,
    viewer: auth.Viewer,
    *,
    values: dict[str, str] | None = None,
    errors: forms.Errors | None = None,
    alert: str = "",
    status_code: int = 200,
) -> Response:
    async with services(request).db.read_session() as session:
        found = await campaigns.list_campaigns(session, viewer.account.id)
        lists = await queries.lists_of(session, [c.id for c in found])
        counts = await queries.agent_counts(session, [c.id for c in found])
    return page(
        request,
        "setup/campaigns.html",
        {
            "viewer": viewer,
            "campaigns": found,
            "lists": lists,
            "counts": counts,
            "values": values or {"diallingMode": "progressive", "campaignType": "outbound"},
            "errors": errors or {},
            "modes": MODES,
            "types": TYPES,
            "flash": forms.take_flash(request),
            "alert": alert,
        },
        status_code=status_code,
    )


async def _detail(
    request: Request,
    viewer: auth.Viewer,
    campaign_id: int,
    *,
    overrides: dict[str, str] | None = None,
    errors: forms.Errors | None = None,
    alert: str = "",
    status_code: int = 200,
) -> Response:
    async with services(request).db.read_session() as session:
        try:
            campaign = await campaigns.get_campaign(session, viewer.account.id, campaign_id)
        except NotFound:
            return not_found(request, viewer)
        lists = (await queries.lists_of(session, [campaign.id]))[campaign.id]
        members = set(await campaigns.member_ids(session, campaign.id))
        people = [
            user for user in await users.list_users(session, viewer.account.id) if user.active
        ]
    return page(
        request,
        "setup/campaign.html",
        {
            "viewer": viewer,
            "campaign": campaign,
            "lists": lists,
            "members": members,
            "people": people,
            "values": _values(campaign) | (overrides or {}),
            "errors": errors or {},
            "modes": MODES,
            "types": TYPES,
            "days": DAY_NAMES,
            "statuses": DIAL_STATUS_NAMES,
            "flash": forms.take_flash(request),
            "alert": alert,
        },
        status_code=status_code,
    )


@router.get("/setup/campaigns")
async def index(request: Request) -> Response:
    return await forms.section_get(request, _index)


@router.post("/setup/campaigns")
async def create(request: Request) -> Response:
    got = await forms.section_post(request, _index)
    if isinstance(got, Response):
        return got
    viewer, form = got
    errors: forms.Errors = {}
    name = forms.bounded_text(form, "campaignName", errors)
    if not errors:
        try:
            async with services(request).db.transaction() as session:
                campaign = await campaigns.create_campaign(
                    session,
                    account=viewer.account,
                    name=name,
                    campaign_type=forms.text(form, "campaignType"),
                    dialling_mode=forms.text(form, "diallingMode"),
                    is_active=False,
                )
                await _audit(session, viewer, campaign, "campaign.create", [])
        except ValidationFailed as error:
            errors = _core_errors(error)
    if errors:
        return await _index(
            request, viewer, values=_form_values(form), errors=errors, status_code=400
        )
    return forms.done(
        request,
        f"/setup/campaigns/{campaign.id}",
        f"Campaign “{campaign.name}” created, paused. Set its hours and agents, then start it.",
    )


@router.get("/setup/campaigns/{campaign_id}")
async def detail(request: Request, campaign_id: str) -> Response:
    return await forms.record_get(request, campaign_id, _detail)


@router.post("/setup/campaigns/{campaign_id}")
async def save(request: Request, campaign_id: str) -> Response:
    got = await forms.record_post(request, campaign_id, _detail)
    if isinstance(got, Response):
        return got
    viewer, ident, form = got
    errors: forms.Errors = {}
    changes = _changes(form, errors)
    if not errors:
        try:
            async with services(request).db.transaction() as session:
                campaign = await campaigns.get_campaign(session, viewer.account.id, ident)
                await campaigns.update_campaign(session, campaign, changes)
                await _audit(session, viewer, campaign, "campaign.change", sorted(changes))
        except NotFound:
            return not_found(request, viewer)
        except ValidationFailed as error:
            errors = _core_errors(error)
    if errors:
        return await _detail(
            request, viewer, ident, overrides=_form_values(form), errors=errors, status_code=400
        )
    return forms.done(request, f"/setup/campaigns/{ident}", "Settings saved.")


@router.post("/setup/campaigns/{campaign_id}/state")
async def start_or_pause(request: Request, campaign_id: str) -> Response:
    got = await forms.record_post(request, campaign_id, _detail)
    if isinstance(got, Response):
        return got
    viewer, ident, form = got
    start = forms.text(form, "action") == "start"
    try:
        async with services(request).db.transaction() as session:
            campaign = await campaigns.get_campaign(session, viewer.account.id, ident)
            await campaigns.update_campaign(session, campaign, {"is_active": start})
            await _audit(session, viewer, campaign, "campaign.change", ["is_active"])
    except NotFound:
        return not_found(request, viewer)
    message = (
        "Campaign started: the dialler may call its leads."
        if start
        else ("Campaign paused: the dialler starts no new calls for it.")
    )
    return forms.done(request, f"/setup/campaigns/{ident}", message)


@router.post("/setup/campaigns/{campaign_id}/members")
async def set_members(request: Request, campaign_id: str) -> Response:
    got = await forms.record_post(request, campaign_id, _detail)
    if isinstance(got, Response):
        return got
    viewer, ident, form = got
    wanted = {number for raw in forms.texts(form, "member") if (number := record_id(raw))}
    try:
        async with services(request).db.transaction() as session:
            campaign = await campaigns.get_campaign(session, viewer.account.id, ident)
            current = set(await campaigns.member_ids(session, campaign.id))
            for user_id in sorted(wanted - current):
                await campaigns.add_member(
                    session, campaign, await users.get_user(session, viewer.account.id, user_id)
                )
            for user_id in sorted(current - wanted):
                await campaigns.remove_member(
                    session, campaign, await users.get_user(session, viewer.account.id, user_id)
                )
    except NotFound:
        return not_found(request, viewer)
    return forms.done(request, f"/setup/campaigns/{ident}", "Agents saved.")


@router.post("/setup/campaigns/{campaign_id}/lists")
async def add_list(request: Request, campaign_id: str) -> Response:
    got = await forms.record_post(request, campaign_id, _detail)
    if isinstance(got, Response):
        return got
    viewer, ident, form = got
    errors: forms.Errors = {}
    name = forms.bounded_text(form, "listName", errors)
    weight = forms.integer(form, "weight", errors, low=0, high=1000, default=1)
    if not errors and weight is not None:
        try:
            async with services(request).db.transaction() as session:
                campaign = await campaigns.get_campaign(session, viewer.account.id, ident)
                lead_list = await campaigns.create_list(
                    session,
                    campaign=campaign,
                    name=name,
                    weight=weight,
                    in_dialler=forms.checked(form, "in_dialler"),
                )
        except NotFound:
            return not_found(request, viewer)
        except ValidationFailed as error:
            errors = _core_errors(error)
    if errors:
        return await _detail(
            request, viewer, ident, overrides=_form_values(form), errors=errors, status_code=400
        )
    return forms.done(request, f"/setup/campaigns/{ident}", f"List “{lead_list.name}” added.")
