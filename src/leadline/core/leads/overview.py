"""Everything about one lead that a person looking at it needs: the lead, the person
behind it, its phones, attempts, activities, recordings and cost."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.access.service import Viewer
from leadline.core.contacts import service as contacts
from leadline.core.costs import service as costs
from leadline.core.leads import queries
from leadline.db.models import Activity, CallCost, Contact, DialAttempt, Lead, Listing, Media

#: The newest activities and attempts shown on the page.
HISTORY_LIMIT = 100


@dataclass
class LeadOverview:
    lead: Lead
    contact: Contact | None
    emails: list[str]
    context: queries.LeadContext
    attempts: list[DialAttempt]
    activities: list[Activity]
    #: activity id → its recordings (not deleted)
    recordings: dict[int, list[Media]] = field(default_factory=dict)
    costs: list[CallCost] = field(default_factory=list)
    cost: Decimal = Decimal("0")
    #: The listings the lead's enquiries were about (portal leads), newest first.
    listings: list[Listing] = field(default_factory=list)


async def lead_overview(session: AsyncSession, viewer: Viewer, lead_id: int) -> LeadOverview:
    """The lead when the viewer sees it (else :class:`NotFound`) and its history."""
    lead = await queries.visible_lead(session, viewer, lead_id)
    contact = await session.get(Contact, lead.contact_id)
    attempts = list(
        await session.scalars(
            select(DialAttempt)
            .where(DialAttempt.lead_id == lead.id)
            .order_by(DialAttempt.id.desc())
            .limit(HISTORY_LIMIT)
        )
    )
    activities = list(
        await session.scalars(
            select(Activity)
            .where(Activity.lead_id == lead.id)
            .order_by(Activity.started_at.desc(), Activity.id.desc())
            .limit(HISTORY_LIMIT)
        )
    )
    recordings: dict[int, list[Media]] = {}
    if activities:
        for media in await session.scalars(
            select(Media)
            .where(
                Media.activity_id.in_([a.id for a in activities]),
                Media.deleted_at.is_(None),
            )
            .order_by(Media.id)
        ):
            assert media.activity_id is not None
            recordings.setdefault(media.activity_id, []).append(media)
    listing_ids = list(dict.fromkeys(a.listing_id for a in activities if a.listing_id))
    listings = (
        {
            row.id: row
            for row in await session.scalars(select(Listing).where(Listing.id.in_(listing_ids)))
        }
        if listing_ids
        else {}
    )
    return LeadOverview(
        lead=lead,
        contact=contact,
        emails=await contacts.emails_of(session, lead.contact_id),
        context=await queries.lead_context(session, viewer.account_id, [lead]),
        attempts=attempts,
        activities=activities,
        recordings=recordings,
        costs=await costs.costs_of_lead(session, lead.id),
        cost=await costs.lead_cost(session, lead.id),
        listings=[listings[i] for i in listing_ids if i in listings],
    )
