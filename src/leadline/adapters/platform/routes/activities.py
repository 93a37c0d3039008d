"""Activities: ``GET /activities/{activityId}`` and ``GET /activities``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.requests import Request

from leadline.adapters.platform import mapping, wire
from leadline.adapters.platform.auth import CallerDep
from leadline.adapters.platform.paging import (
    CursorParam,
    IdFilter,
    LimitParam,
    TimestampFilter,
    envelope,
    resolve,
)
from leadline.adapters.platform.routes.common import ERROR_RESPONSES, ActivityId
from leadline.core.activities import queries
from leadline.core.pagination import DEFAULT_LIMIT
from leadline.http.deps import services

router = APIRouter(tags=["activities"], responses=ERROR_RESPONSES)


@router.get("/activities/{activityId}", response_model=wire.ActivityOut, summary="Activity details")
async def get_activity(
    request: Request, caller: CallerDep, activityId: ActivityId
) -> wire.ActivityOut:
    async with services(request).db.read_session() as session:
        activity = await queries.visible_activity(session, caller.viewer, activityId)
        context = await queries.call_context(session, caller.account_id, [activity])
    return mapping.activity_out(activity, context, caller.zone)


@router.get(
    "/activities", response_model=wire.Envelope[wire.ActivityOut], summary="List of activities"
)
async def list_activities(
    request: Request,
    caller: CallerDep,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
    campaignId: IdFilter = None,
    leadId: IdFilter = None,
    createdTimestampFrom: TimestampFilter = None,
    createdTimestampTo: TimestampFilter = None,
    activityType: Annotated[str | None, Query(max_length=32, pattern=r"^[^\x00]*$")] = None,
) -> wire.Envelope[wire.ActivityOut]:
    query = resolve(
        request,
        "activities",
        cursor,
        limit,
        {
            "campaignId": campaignId,
            "leadId": leadId,
            "createdTimestampFrom": createdTimestampFrom,
            "createdTimestampTo": createdTimestampTo,
            "activityType": activityType,
        },
    )
    f = query.filters
    async with services(request).db.read_session() as session:
        page = await queries.page_activities(
            session,
            caller.viewer,
            after=query.after,
            limit=query.limit,
            campaign_id=f.get("campaignId"),
            lead_id=f.get("leadId"),
            created_from=query.moment("createdTimestampFrom", caller.zone),
            created_to=query.moment("createdTimestampTo", caller.zone),
            activity_type=f.get("activityType"),
        )
        context = await queries.call_context(session, caller.account_id, page.items)
    items = [mapping.activity_out(item, context, caller.zone) for item in page.items]
    return envelope(request, query, page, items)
