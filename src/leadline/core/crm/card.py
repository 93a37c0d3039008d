"""A record's card: who it is, its phones, its leads and its timeline (calls with their
recordings, events, costs), as the store holds them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.contacts import service as contacts
from leadline.core.leads import service as leads
from leadline.core.lookup.service import RecordKind
from leadline.db.models import (
    Activity,
    CallCost,
    Campaign,
    Company,
    Contact,
    Lead,
    LeadStatusCode,
    Media,
    Phone,
    User,
)

TIMELINE_LIMIT = 200


@dataclass(frozen=True)
class CardPhone:
    number: str
    verified: bool
    label: str | None = None


@dataclass(frozen=True)
class CardLead:
    id: int
    campaign: str
    status_code: int
    status: str
    is_open: bool
    created_at: datetime


@dataclass(frozen=True)
class Recording:
    id: int
    content_type: str
    duration_seconds: int


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline: ``kind`` is ``call``, ``event``, ``cost`` or ``other``."""

    kind: str
    at: datetime
    activity_type: str | None = None
    direction: str | None = None
    outcome: str | None = None
    duration_seconds: int | None = None
    subject: str | None = None
    description: str | None = None
    number: str | None = None
    cost: Decimal | None = None
    by: str | None = None
    recordings: list[Recording] = field(default_factory=list)


@dataclass
class Card:
    kind: RecordKind
    id: int
    name: str
    company: str | None = None
    company_id: int | None = None
    source: str | None = None
    notes: str | None = None
    created_at: datetime | None = None
    created_by: str | None = None
    phones: list[CardPhone] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    leads: list[CardLead] = field(default_factory=list)
    people: list[tuple[int, str]] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)


def _entry_kind(activity_type: str) -> str:
    if activity_type.startswith("call."):
        return "call"
    if activity_type == "crm.event":
        return "event"
    return "other"


async def _user_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    users = await session.scalars(select(User).where(User.id.in_(ids)))
    return {user.id: user.full_name for user in users}


async def _leads_of(session: AsyncSession, account_id: int, contact_id: int) -> list[CardLead]:
    rows = await session.execute(
        select(Lead, Campaign.name, LeadStatusCode.description)
        .join(Campaign, Campaign.id == Lead.campaign_id)
        .outerjoin(
            LeadStatusCode,
            (LeadStatusCode.account_id == Lead.account_id)
            & (LeadStatusCode.code == Lead.status_code),
        )
        .where(Lead.account_id == account_id, Lead.contact_id == contact_id)
        .order_by(Lead.id.desc())
    )
    return [
        CardLead(
            id=lead.id,
            campaign=campaign,
            status_code=lead.status_code,
            status=status or str(lead.status_code),
            is_open=lead.is_open,
            created_at=lead.created_at,
        )
        for lead, campaign, status in rows
    ]


async def _timeline(
    session: AsyncSession, account_id: int, activity_filter: object, lead_ids: list[int]
) -> list[TimelineEntry]:
    found = list(
        await session.scalars(
            select(Activity)
            .where(Activity.account_id == account_id, activity_filter)  # type: ignore[arg-type]
            .order_by(Activity.started_at.desc(), Activity.id.desc())
            .limit(TIMELINE_LIMIT)
        )
    )
    activity_ids = [activity.id for activity in found]
    recordings: dict[int, list[Recording]] = {}
    if activity_ids:
        for media in await session.scalars(
            select(Media)
            .where(Media.activity_id.in_(activity_ids), Media.deleted_at.is_(None))
            .order_by(Media.id)
        ):
            assert media.activity_id is not None
            recordings.setdefault(media.activity_id, []).append(
                Recording(media.id, media.content_type, media.duration_seconds)
            )
    cost_filters = []
    if activity_ids:
        cost_filters.append(CallCost.activity_id.in_(activity_ids))
    if lead_ids:
        cost_filters.append(CallCost.lead_id.in_(lead_ids))
    costs: list[CallCost] = []
    if cost_filters:
        costs = list(
            await session.scalars(
                select(CallCost)
                .where(
                    CallCost.account_id == account_id,
                    CallCost.is_current.is_(True),
                    or_(*cost_filters),
                )
                .order_by(CallCost.call_date.desc())
                .limit(TIMELINE_LIMIT)
            )
        )
    names = await _user_names(
        session,
        {uid for a in found for uid in (a.created_by_user_id, a.agent_id) if uid is not None},
    )
    entries = [
        TimelineEntry(
            kind=_entry_kind(activity.activity_type),
            at=activity.started_at,
            activity_type=activity.activity_type,
            direction=activity.direction,
            outcome=activity.status or activity.wrap_code,
            duration_seconds=activity.duration_seconds,
            subject=activity.subject,
            description=activity.description,
            number=activity.from_number
            if activity.direction == "inbound"
            else activity.to_number or activity.from_number,
            by=names.get(activity.created_by_user_id or activity.agent_id or 0),
            recordings=recordings.get(activity.id, []),
        )
        for activity in found
    ]
    entries.extend(
        TimelineEntry(
            kind="cost",
            at=cost.call_date,
            cost=cost.cost,
            number=cost.call_from,
            description=cost.notes,
        )
        for cost in costs
    )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:TIMELINE_LIMIT]


async def _person_card(
    session: AsyncSession, card: Card, contact: Contact, lead_phone_numbers: list[str]
) -> Card:
    if contact.company_id is not None:
        company = await session.get(Company, contact.company_id)
        card.company = company.name if company else contact.company_name
        card.company_id = contact.company_id
    else:
        card.company = contact.company_name
    card.notes = contact.notes
    card.source = card.source or contact.source
    card.phones = [
        CardPhone(phone.number, phone.verified, phone.label)
        for phone in await contacts.phones_of(session, contact.id)
    ]
    known = {phone.number for phone in card.phones}
    card.phones.extend(CardPhone(n, True) for n in lead_phone_numbers if n not in known)
    card.emails = await contacts.emails_of(session, contact.id)
    card.leads = await _leads_of(session, contact.account_id, contact.id)
    creator = await _user_names(
        session, {contact.created_by_user_id} if contact.created_by_user_id else set()
    )
    card.created_by = creator.get(contact.created_by_user_id or 0)
    card.created_at = card.created_at or contact.created_at
    card.timeline = await _timeline(
        session,
        contact.account_id,
        Activity.contact_id == contact.id,
        [lead.id for lead in card.leads],
    )
    return card


async def load_card(
    session: AsyncSession, *, account_id: int, kind: RecordKind, record_id: int
) -> Card:
    """The card of a record of this account; raises :class:`NotFound` otherwise."""
    if kind is RecordKind.CONTACT:
        contact = await contacts.get_contact(session, account_id, record_id)
        card = Card(kind=kind, id=contact.id, name=contact.name)
        return await _person_card(session, card, contact, [])
    if kind is RecordKind.LEAD:
        lead = await leads.get_lead(session, account_id, record_id)
        contact = await contacts.get_contact(session, account_id, lead.contact_id)
        card = Card(
            kind=kind,
            id=lead.id,
            name=contact.name,
            source=lead.source,
            created_at=lead.created_at,
        )
        numbers = [phone.number for phone in await leads.phones_of(session, lead.id)]
        return await _person_card(session, card, contact, numbers)
    company = await contacts.get_company(session, account_id, record_id)
    card = Card(
        kind=kind,
        id=company.id,
        name=company.name,
        source=company.source,
        created_at=company.created_at,
    )
    card.phones = [
        CardPhone(phone.number, phone.verified, phone.label)
        for phone in await session.scalars(
            select(Phone).where(Phone.company_id == company.id).order_by(Phone.id)
        )
    ]
    card.people = [
        (person.id, person.name)
        for person in await session.scalars(
            select(Contact)
            .where(Contact.account_id == account_id, Contact.company_id == company.id)
            .order_by(Contact.name)
            .limit(TIMELINE_LIMIT)
        )
    ]
    creator = await _user_names(
        session, {company.created_by_user_id} if company.created_by_user_id else set()
    )
    card.created_by = creator.get(company.created_by_user_id or 0)
    card.timeline = await _timeline(session, account_id, Activity.company_id == company.id, [])
    return card


async def media_of_account(session: AsyncSession, account_id: int, media_id: int) -> Media | None:
    """A live recording of this account, for the console's player."""
    media = await session.get(Media, media_id)
    if media is None or media.account_id != account_id or media.deleted_at is not None:
        return None
    return media
