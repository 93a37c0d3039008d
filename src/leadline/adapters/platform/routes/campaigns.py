"""Campaigns: list, details, statistics, create, change, pause and resume."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from leadline.adapters.platform import mapping, wire
from leadline.adapters.platform.auth import Caller, CallerDep
from leadline.adapters.platform.paging import CursorParam, LimitParam, envelope, resolve
from leadline.adapters.platform.posting import IdempotencyKey, create
from leadline.adapters.platform.routes.common import ERROR_RESPONSES, CampaignId
from leadline.core import clock
from leadline.core.audit import service as audit
from leadline.core.campaigns import queries
from leadline.core.campaigns import service as campaigns
from leadline.core.pagination import DEFAULT_LIMIT
from leadline.core.statistics import service as statistics
from leadline.db.models import Campaign
from leadline.http.deps import services

router = APIRouter(tags=["campaigns"], responses=ERROR_RESPONSES)

#: Wire field → core field of a campaign change.
_CHANGES = {
    "campaignName": "name",
    "campaignType": "campaign_type",
    "timezone": "timezone",
    "diallingMode": "dialling_mode",
    "callingHours": "calling_hours",
    "maxAttempts": "max_attempts",
    "retryDelays": "retry_delays",
    "maxAbandonRate": "max_abandon_rate",
    "isActive": "is_active",
}


async def _details(
    session: AsyncSession, caller: Caller, campaigns_: list[Campaign]
) -> list[wire.CampaignDetails]:
    ids = [campaign.id for campaign in campaigns_]
    lists = await queries.lists_of(session, ids)
    agents = await queries.agent_counts(session, ids)
    now = clock.now()
    return [
        mapping.campaign_out(c, lists.get(c.id, []), agents[c.id], caller.zone, now)
        for c in campaigns_
    ]


@router.get("/campaigns", response_model=wire.Envelope[wire.CampaignDetails], summary="Campaigns")
async def list_campaigns(
    request: Request,
    caller: CallerDep,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> wire.Envelope[wire.CampaignDetails]:
    query = resolve(request, "campaigns", cursor, limit, {})
    async with services(request).db.read_session() as session:
        page = await queries.page_campaigns(
            session, caller.viewer, after=query.after, limit=query.limit
        )
        items = await _details(session, caller, list(page.items))
    return envelope(request, query, page, items)


@router.get(
    "/campaigns/{campaignId}", response_model=wire.CampaignDetails, summary="Campaign details"
)
async def get_campaign(
    request: Request, caller: CallerDep, campaignId: CampaignId
) -> wire.CampaignDetails:
    async with services(request).db.read_session() as session:
        campaign = await queries.visible_campaign(session, caller.viewer, campaignId)
        return (await _details(session, caller, [campaign]))[0]


@router.get(
    "/campaigns/{campaignId}/statistics",
    response_model=wire.CampaignStatistics,
    summary="Campaign statistics over the current hour or day",
)
async def get_statistics(
    request: Request,
    caller: CallerDep,
    campaignId: CampaignId,
    period: Annotated[Literal["hour", "day"], Query()] = "hour",
) -> wire.CampaignStatistics:
    async with services(request).db.read_session() as session:
        campaign = await queries.visible_campaign(session, caller.viewer, campaignId)
        figures = await statistics.campaign_statistics(session, campaign, period)
    return mapping.statistics_out(campaign, figures, period, caller.zone)


@router.post(
    "/campaigns",
    status_code=201,
    response_model=wire.CampaignDetails,
    summary="Create a campaign",
)
async def create_campaign(
    request: Request,
    caller: CallerDep,
    payload: wire.CreateCampaign,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    caller.viewer.require_everything()

    async def act(session: AsyncSession) -> wire.CampaignDetails:
        campaign = await campaigns.create_campaign(
            session,
            account=caller.account,
            name=payload.campaignName,
            campaign_type=payload.campaignType,
            timezone=payload.timezone,
            dialling_mode=payload.diallingMode,
            calling_hours=payload.callingHours,
            max_attempts=payload.maxAttempts,
            retry_delays=payload.retryDelays,  # type: ignore[arg-type]
            max_abandon_rate=payload.maxAbandonRate,
            is_active=payload.isActive,
        )
        await audit.record(
            session,
            account_id=caller.account_id,
            action="campaign.create",
            target_type="campaign",
            target_id=campaign.id,
            actor_credential_id=caller.credential_id,
        )
        return (await _details(session, caller, [campaign]))[0]

    return await create(request, caller, idempotency_key, payload, 201, act)


async def _change(
    request: Request, caller: Caller, campaign_id: int, changes: dict[str, Any]
) -> wire.CampaignDetails:
    caller.viewer.require_everything()
    async with services(request).db.transaction() as session:
        campaign = await queries.visible_campaign(session, caller.viewer, campaign_id)
        await campaigns.update_campaign(session, campaign, changes)
        await audit.record(
            session,
            account_id=caller.account_id,
            action="campaign.change",
            target_type="campaign",
            target_id=campaign.id,
            actor_credential_id=caller.credential_id,
            details={"fields": sorted(changes)},
        )
        result = (await _details(session, caller, [campaign]))[0]
    return result


@router.patch(
    "/campaigns/{campaignId}", response_model=wire.CampaignDetails, summary="Change a campaign"
)
async def change_campaign(
    request: Request, caller: CallerDep, campaignId: CampaignId, payload: wire.ChangeCampaign
) -> wire.CampaignDetails:
    sent = payload.model_dump(exclude_unset=True)
    changes = {_CHANGES[key]: value for key, value in sent.items() if value is not None}
    return await _change(request, caller, campaignId, changes)


@router.post(
    "/campaigns/{campaignId}/pause",
    response_model=wire.CampaignDetails,
    summary="Pause a campaign: the dialler starts no new calls for it",
)
async def pause_campaign(
    request: Request, caller: CallerDep, campaignId: CampaignId
) -> wire.CampaignDetails:
    return await _change(request, caller, campaignId, {"is_active": False})


@router.post(
    "/campaigns/{campaignId}/resume",
    response_model=wire.CampaignDetails,
    summary="Resume a paused campaign",
)
async def resume_campaign(
    request: Request, caller: CallerDep, campaignId: CampaignId
) -> wire.CampaignDetails:
    return await _change(request, caller, campaignId, {"is_active": True})
