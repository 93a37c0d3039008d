"""Leads: list, create, details, change (PATCH and PUT) and delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from leadline.adapters.platform import mapping, wire
from leadline.adapters.platform.auth import Caller, CallerDep
from leadline.adapters.platform.paging import (
    CursorParam,
    IdFilter,
    LimitParam,
    TimestampFilter,
    envelope,
    resolve,
)
from leadline.adapters.platform.posting import IdempotencyKey, create
from leadline.adapters.platform.routes.common import ERROR_RESPONSES, LeadId
from leadline.core import clock, phones
from leadline.core.audit import service as audit
from leadline.core.campaigns import queries as campaign_queries
from leadline.core.contacts import service as contacts
from leadline.core.errors import NotFound, ValidationFailed
from leadline.core.leads import queries
from leadline.core.leads import service as leads
from leadline.core.pagination import DEFAULT_LIMIT
from leadline.core.vocabulary import LeadStatus
from leadline.db.models import Campaign, Lead, LeadList
from leadline.http.deps import services

router = APIRouter(tags=["leads"], responses=ERROR_RESPONSES)


def _parse_phones(caller: Caller, sent: dict[str, Any]) -> dict[int, str | None]:
    return phones.parse_phone_fields(sent, caller.account.phone_region)


async def _context_out(session: AsyncSession, caller: Caller, lead: Lead) -> wire.LeadDetails:
    context = await queries.lead_context(session, caller.account_id, [lead])
    return mapping.lead_out(lead, context, caller.zone)


@router.get("/leads", response_model=wire.Envelope[wire.LeadDetails], summary="List of leads")
async def list_leads(
    request: Request,
    caller: CallerDep,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
    campaignId: IdFilter = None,
    listId: IdFilter = None,
    statusCode: Annotated[int | None, Query(ge=0, le=wire.MAX_INT32)] = None,
    uploadedTimestampFrom: TimestampFilter = None,
    uploadedTimestampTo: TimestampFilter = None,
    customerKey: Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00]*$")] = None,
) -> wire.Envelope[wire.LeadDetails]:
    query = resolve(
        request,
        "leads",
        cursor,
        limit,
        {
            "campaignId": campaignId,
            "listId": listId,
            "statusCode": statusCode,
            "uploadedTimestampFrom": uploadedTimestampFrom,
            "uploadedTimestampTo": uploadedTimestampTo,
            "customerKey": customerKey,
        },
    )
    f = query.filters
    async with services(request).db.read_session() as session:
        page = await queries.page_leads(
            session,
            caller.viewer,
            after=query.after,
            limit=query.limit,
            campaign_id=f.get("campaignId"),
            list_id=f.get("listId"),
            status_code=f.get("statusCode"),
            uploaded_from=query.moment("uploadedTimestampFrom", caller.zone),
            uploaded_to=query.moment("uploadedTimestampTo", caller.zone),
            customer_key=f.get("customerKey"),
        )
        context = await queries.lead_context(session, caller.account_id, page.items)
    items = [mapping.lead_out(lead, context, caller.zone) for lead in page.items]
    return envelope(request, query, page, items)


async def _target_list(session: AsyncSession, caller: Caller, list_id: int) -> LeadList:
    try:
        return await campaign_queries.visible_list(session, caller.viewer, list_id)
    except NotFound:
        raise ValidationFailed.single("listId", f"unknown list {list_id}") from None


@router.post("/leads", status_code=201, response_model=wire.LeadCreated, summary="Create lead")
async def create_lead(
    request: Request,
    caller: CallerDep,
    payload: wire.CreateLead,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    sent = payload.model_dump(exclude_unset=True)
    numbers = [n for n in _parse_phones(caller, sent).values() if n is not None]
    if not numbers:
        raise ValidationFailed.single("phone1", "at least one phone is required")
    if payload.timezone is not None:
        clock.zone(payload.timezone)
    due = mapping.maybe_parse(payload.nextAttemptTimestamp, caller.zone, "nextAttemptTimestamp")

    async def act(session: AsyncSession) -> wire.LeadCreated:
        lead_list = await _target_list(session, caller, payload.listId)
        if payload.statusCode is not None:
            await leads.check_status_code(session, caller.account_id, payload.statusCode)
        if payload.agentId is not None:
            await leads.check_agent(session, caller.account_id, payload.agentId)
        contact, _created = await contacts.find_or_create_contact(
            session, account_id=caller.account_id, number=numbers[0], source="platform-api"
        )
        lead = await leads.create_lead(
            session,
            lead_list=lead_list,
            contact=contact,
            phones=numbers,
            customer_key=payload.customerKey,
            timezone=payload.timezone,
            data=payload.leadData,
            status_code=payload.statusCode or LeadStatus.NEW,
            assigned_agent_id=payload.agentId,
            next_attempt_at=due,
            source="platform-api",
        )
        campaign = await session.get(Campaign, lead.campaign_id)
        return wire.LeadCreated(
            leadId=lead.id, inDialler=mapping.in_dialler(lead, lead_list, campaign)
        )

    return await create(request, caller, idempotency_key, payload, 201, act)


@router.get("/leads/{leadId}", response_model=wire.LeadDetails, summary="Get lead details")
async def get_lead(request: Request, caller: CallerDep, leadId: LeadId) -> wire.LeadDetails:
    async with services(request).db.read_session() as session:
        lead = await queries.visible_lead(session, caller.viewer, leadId)
        return await _context_out(session, caller, lead)


async def _change(
    request: Request, caller: Caller, lead_id: int, payload: wire.ChangeLead
) -> wire.LeadDetails:
    sent = payload.model_dump(exclude_unset=True)
    new_phones = _parse_phones(caller, sent)
    changes: dict[str, Any] = {}
    renames = {
        "listId": "list_id",
        "customerKey": "customer_key",
        "timezone": "timezone",
        "leadData": "data",
        "statusCode": "status_code",
        "agentId": "assigned_agent_id",
        "isCompleted": "completed",
    }
    for wire_name, core_name in renames.items():
        if wire_name in sent and not (
            wire_name in ("listId", "isCompleted") and sent[wire_name] is None
        ):
            changes[core_name] = sent[wire_name]
    if "nextAttemptTimestamp" in sent:
        changes["next_attempt_at"] = mapping.maybe_parse(
            sent["nextAttemptTimestamp"], caller.zone, "nextAttemptTimestamp"
        )
    async with services(request).db.transaction() as session:
        lead = await queries.visible_lead(session, caller.viewer, lead_id)
        if "list_id" in changes:
            await _target_list(session, caller, changes["list_id"])
        await leads.update_lead(session, lead, changes, phones=new_phones)
        result = await _context_out(session, caller, lead)
    return result


@router.patch("/leads/{leadId}", response_model=wire.LeadDetails, summary="Update lead details")
async def patch_lead(
    request: Request, caller: CallerDep, leadId: LeadId, payload: wire.ChangeLead
) -> wire.LeadDetails:
    return await _change(request, caller, leadId, payload)


@router.put(
    "/leads/{leadId}",
    response_model=wire.LeadDetails,
    summary="Update lead details (as PATCH: only the fields sent change)",
)
async def put_lead(
    request: Request, caller: CallerDep, leadId: LeadId, payload: wire.ChangeLead
) -> wire.LeadDetails:
    return await _change(request, caller, leadId, payload)


@router.delete(
    "/leads/{leadId}",
    status_code=204,
    response_class=Response,
    summary="Delete lead (its activities and attempts stay, with leadId null)",
)
async def delete_lead(request: Request, caller: CallerDep, leadId: LeadId) -> Response:
    async with services(request).db.transaction() as session:
        lead = await queries.visible_lead(session, caller.viewer, leadId)
        await leads.delete_lead(session, lead)
        await audit.record(
            session,
            account_id=caller.account_id,
            action="lead.delete",
            target_type="lead",
            target_id=leadId,
            actor_credential_id=caller.credential_id,
        )
    return Response(status_code=204)
