"""Lead lists: list, create, details."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from leadline.adapters.platform import mapping, wire
from leadline.adapters.platform.auth import CallerDep
from leadline.adapters.platform.paging import (
    CursorParam,
    IdFilter,
    LimitParam,
    envelope,
    resolve,
)
from leadline.adapters.platform.posting import IdempotencyKey, create
from leadline.adapters.platform.routes.common import ERROR_RESPONSES, ListId
from leadline.core.campaigns import queries
from leadline.core.campaigns import service as campaigns
from leadline.core.errors import NotFound, ValidationFailed
from leadline.core.pagination import DEFAULT_LIMIT
from leadline.http.deps import services

router = APIRouter(tags=["lists"], responses=ERROR_RESPONSES)


@router.get("/lists", response_model=wire.Envelope[wire.ListDetails], summary="List of lists")
async def list_lists(
    request: Request,
    caller: CallerDep,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
    campaignId: IdFilter = None,
) -> wire.Envelope[wire.ListDetails]:
    query = resolve(request, "lists", cursor, limit, {"campaignId": campaignId})
    async with services(request).db.read_session() as session:
        page = await queries.page_lists(
            session,
            caller.viewer,
            after=query.after,
            limit=query.limit,
            campaign_id=query.filters.get("campaignId"),
        )
        names = await queries.campaign_names(session, [item.campaign_id for item in page.items])
    items = [
        mapping.list_out(item, names.get(item.campaign_id, ""), caller.zone) for item in page.items
    ]
    return envelope(request, query, page, items)


@router.post("/lists", status_code=201, response_model=wire.ListCreated, summary="Create lead list")
async def create_list(
    request: Request,
    caller: CallerDep,
    payload: wire.CreateList,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    caller.viewer.require_everything()

    async def act(session: AsyncSession) -> wire.ListCreated:
        try:
            campaign = await queries.visible_campaign(session, caller.viewer, payload.campaignId)
        except NotFound:
            raise ValidationFailed.single(
                "campaignId", f"unknown campaign {payload.campaignId}"
            ) from None
        lead_list = await campaigns.create_list(session, campaign=campaign, name=payload.listName)
        return wire.ListCreated(
            listName=lead_list.name, campaignId=campaign.id, listId=lead_list.id
        )

    return await create(request, caller, idempotency_key, payload, 201, act)


@router.get("/lists/{listId}", response_model=wire.ListDetails, summary="Get list detail")
async def get_list(request: Request, caller: CallerDep, listId: ListId) -> wire.ListDetails:
    async with services(request).db.read_session() as session:
        lead_list = await queries.visible_list(session, caller.viewer, listId)
        names = await queries.campaign_names(session, [lead_list.campaign_id])
    return mapping.list_out(lead_list, names.get(lead_list.campaign_id, ""), caller.zone)
