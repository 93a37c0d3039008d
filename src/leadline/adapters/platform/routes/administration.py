"""Administration: the real-estate agencies the account serves and their listings
(the portal's directory). Account tokens and admins only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from leadline.adapters.platform import mapping, wire
from leadline.adapters.platform.auth import CallerDep
from leadline.adapters.platform.paging import CursorParam, IdFilter, LimitParam, envelope, resolve
from leadline.adapters.platform.posting import IdempotencyKey, create
from leadline.adapters.platform.routes.common import ERROR_RESPONSES, AgencyId, ListingId
from leadline.core.campaigns import service as campaigns
from leadline.core.errors import NotFound, ValidationFailed
from leadline.core.pagination import DEFAULT_LIMIT
from leadline.core.portal import directory
from leadline.db.models import Agency
from leadline.http.deps import services

router = APIRouter(tags=["administration"], responses=ERROR_RESPONSES)


async def _callback_campaign(session: AsyncSession, account_id: int, campaign_id: int) -> None:
    """An unknown campaign in the body is a field error, not a missing resource."""
    try:
        await campaigns.get_campaign(session, account_id, campaign_id)
    except NotFound:
        raise ValidationFailed.single(
            "callBackCampaignId", f"unknown campaign {campaign_id}"
        ) from None


async def _agency_field(session: AsyncSession, account_id: int, agency_id: int) -> Agency:
    try:
        return await directory.get_agency(session, account_id, agency_id)
    except NotFound:
        raise ValidationFailed.single("agencyId", f"unknown agency {agency_id}") from None


# -- Agencies


@router.get("/agencies", response_model=wire.Envelope[wire.AgencyOut], summary="List of agencies")
async def list_agencies(
    request: Request,
    caller: CallerDep,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
) -> wire.Envelope[wire.AgencyOut]:
    caller.viewer.require_everything()
    query = resolve(request, "agencies", cursor, limit, {})
    async with services(request).db.read_session() as session:
        page = await directory.page_agencies(
            session, caller.account_id, after=query.after, limit=query.limit
        )
    items = [mapping.agency_out(agency, caller.zone) for agency in page.items]
    return envelope(request, query, page, items)


@router.post("/agencies", status_code=201, response_model=wire.AgencyOut, summary="Create agency")
async def create_agency(
    request: Request,
    caller: CallerDep,
    payload: wire.CreateAgency,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    caller.viewer.require_everything()

    async def act(session: AsyncSession) -> wire.AgencyOut:
        if payload.callBackCampaignId is not None:
            await _callback_campaign(session, caller.account_id, payload.callBackCampaignId)
        agency = await directory.create_agency(
            session,
            account_id=caller.account_id,
            external_id=payload.externalId,
            portal_agency_id=payload.portalAgencyId,
            name=payload.name,
            email=payload.email,
            enabled=payload.enabled,
            callback_campaign_id=payload.callBackCampaignId,
        )
        return mapping.agency_out(agency, caller.zone)

    return await create(request, caller, idempotency_key, payload, 201, act)


@router.patch("/agencies/{agencyId}", response_model=wire.AgencyOut, summary="Change agency")
async def change_agency(
    request: Request, caller: CallerDep, agencyId: AgencyId, payload: wire.ChangeAgency
) -> wire.AgencyOut:
    caller.viewer.require_everything()
    sent = payload.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {}
    for wire_name, core_name in (
        ("portalAgencyId", "portal_agency_id"),
        ("email", "email"),
        ("callBackCampaignId", "callback_campaign_id"),
    ):
        if wire_name in sent:
            changes[core_name] = sent[wire_name]
    for wire_name, core_name in (("externalId", "external_id"), ("name", "name")):
        if sent.get(wire_name) is not None:
            changes[core_name] = sent[wire_name]
    if sent.get("enabled") is not None:
        changes["enabled"] = sent["enabled"]
    async with services(request).db.transaction() as session:
        agency = await directory.get_agency(session, caller.account_id, agencyId)
        if changes.get("callback_campaign_id") is not None:
            await _callback_campaign(session, caller.account_id, changes["callback_campaign_id"])
        await directory.update_agency(session, agency, **changes)
        result = mapping.agency_out(agency, caller.zone)
    return result


# -- Listings


@router.get("/listings", response_model=wire.Envelope[wire.ListingOut], summary="List of listings")
async def list_listings(
    request: Request,
    caller: CallerDep,
    cursor: CursorParam = None,
    limit: LimitParam = DEFAULT_LIMIT,
    agencyId: IdFilter = None,
) -> wire.Envelope[wire.ListingOut]:
    caller.viewer.require_everything()
    query = resolve(request, "listings", cursor, limit, {"agencyId": agencyId})
    async with services(request).db.read_session() as session:
        page = await directory.page_listings(
            session,
            caller.account_id,
            after=query.after,
            limit=query.limit,
            agency_id=query.filters.get("agencyId"),
        )
    items = [mapping.listing_out(listing, caller.zone) for listing in page.items]
    return envelope(request, query, page, items)


@router.post("/listings", status_code=201, response_model=wire.ListingOut, summary="Create listing")
async def create_listing(
    request: Request,
    caller: CallerDep,
    payload: wire.CreateListing,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    caller.viewer.require_everything()

    async def act(session: AsyncSession) -> wire.ListingOut:
        agency = await _agency_field(session, caller.account_id, payload.agencyId)
        listing = await directory.create_listing(
            session,
            agency=agency,
            external_id=payload.externalId,
            portal_listing_id=payload.portalListingId,
            title=payload.title,
            enabled=payload.enabled,
        )
        return mapping.listing_out(listing, caller.zone)

    return await create(request, caller, idempotency_key, payload, 201, act)


@router.patch("/listings/{listingId}", response_model=wire.ListingOut, summary="Change listing")
async def change_listing(
    request: Request, caller: CallerDep, listingId: ListingId, payload: wire.ChangeListing
) -> wire.ListingOut:
    caller.viewer.require_everything()
    sent = payload.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {}
    if "portalListingId" in sent:
        changes["portal_listing_id"] = sent["portalListingId"]
    for wire_name, core_name in (
        ("externalId", "external_id"),
        ("title", "title"),
        ("enabled", "enabled"),
    ):
        if sent.get(wire_name) is not None:
            changes[core_name] = sent[wire_name]
    async with services(request).db.transaction() as session:
        listing = await directory.get_listing(session, caller.account_id, listingId)
        if sent.get("agencyId") is not None:
            changes["agency"] = await _agency_field(session, caller.account_id, sent["agencyId"])
        await directory.update_listing(session, listing, **changes)
        result = mapping.listing_out(listing, caller.zone)
    return result
