"""What a portal push does: record it, find the person, record the call or the web lead,
and turn a call that reached nobody into a call-back.

Idempotency: the accepted inbox row is inserted first, inside a savepoint. Its partial
unique index (account, source, kind, partner, partner id) lets exactly one of any number of
concurrent copies in; the others get an IntegrityError, which means "already stored", and
change nothing. Refused pushes are stored as not accepted, so a repeat is judged afresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core import clock
from leadline.core.activities import service as activities
from leadline.core.campaigns import service as campaigns
from leadline.core.contacts import service as contacts
from leadline.core.errors import DuplicateOpenLead
from leadline.core.leads import service as leads
from leadline.core.mail import service as mail
from leadline.core.portal import directory
from leadline.core.portal.errors import (
    AgencyDisabled,
    AgencyNotFound,
    ListingDisabled,
    ListingNotFound,
)
from leadline.core.portal.notify import notify_agency
from leadline.core.vocabulary import CALL_ANSWERED, LeadStatus
from leadline.db.models import Activity, Agency, Campaign, InboxEvent, Lead, Listing, PortalHook

#: ``InboxEvent.source`` of every portal push.
INBOX_SOURCE = "portal"
KIND_PHONE = "phone"
KIND_CONTACT = "contact"
#: Call-backs go before new leads (priority 0) among due leads.
CALLBACK_PRIORITY = 10
#: The lead status an answered call gives the person's open call-back lead.
ANSWERED_BY_AGENCY = LeadStatus.ANSWERED_INTERESTED


class Outcome(StrEnum):
    ACCEPTED = "processed"
    DUPLICATE = "duplicate"
    INVALID = "invalid"
    AGENCY_NOT_FOUND = "agency_not_found"
    AGENCY_DISABLED = "agency_disabled"
    LISTING_NOT_FOUND = "listing_not_found"
    LISTING_DISABLED = "listing_disabled"

    @property
    def succeeded(self) -> bool:
        return self in (Outcome.ACCEPTED, Outcome.DUPLICATE)


_REFUSALS: dict[type[Exception], Outcome] = {
    AgencyNotFound: Outcome.AGENCY_NOT_FOUND,
    AgencyDisabled: Outcome.AGENCY_DISABLED,
    ListingNotFound: Outcome.LISTING_NOT_FOUND,
    ListingDisabled: Outcome.LISTING_DISABLED,
}


@dataclass(frozen=True)
class PortalRefs:
    """How a push names the agency and the listing (ours first, the portal's second)."""

    agency_external_id: str | None
    agency_portal_id: int | None
    listing_external_id: str | None
    listing_portal_id: int | None


@dataclass(frozen=True)
class CallPush:
    """A phone call to an agency's listing, as the portal reported it."""

    partner: str
    partner_id: str
    refs: PortalRefs
    caller: str  # E.164
    called: str  # E.164
    started_at: datetime
    duration_seconds: int
    #: One of the call outcome names of ``core.vocabulary`` (``Answered``, ``Busy``, …).
    status: str

    @property
    def answered(self) -> bool:
        return self.status == CALL_ANSWERED


@dataclass(frozen=True)
class WebLeadPush:
    """An e-mail or form lead about an agency's listing."""

    partner: str
    partner_id: str
    refs: PortalRefs
    phone: str  # E.164
    sent_at: datetime
    email: str | None = None
    name: str | None = None
    message: str | None = None
    #: The request's own details (type, price, visit, referrer, remote IP), kept as given.
    details: dict[str, object] = field(default_factory=dict)


Push = CallPush | WebLeadPush


@dataclass
class Receipt:
    outcome: Outcome
    event: InboxEvent | None = None
    activity: Activity | None = None
    lead: Lead | None = None
    #: True when the lead was made by this push (False: an existing open lead got it).
    lead_created: bool = False
    completed_lead: Lead | None = None


def kind_of(push: Push) -> str:
    return KIND_PHONE if isinstance(push, CallPush) else KIND_CONTACT


def _clip(value: str | None, length: int) -> str | None:
    return None if value is None else value[:length]


def _lowered(email: str | None) -> str | None:
    return email.strip().lower() if email else None


def _contact_keys(push: Push) -> tuple[str, str | None]:
    """The phone and the e-mail a push carries."""
    if isinstance(push, CallPush):
        return push.caller, None
    return push.phone, push.email


async def accepted_event(
    session: AsyncSession, account_id: int, kind: str, partner: str, partner_id: str
) -> InboxEvent | None:
    return await session.scalar(
        select(InboxEvent).where(
            InboxEvent.account_id == account_id,
            InboxEvent.source == INBOX_SOURCE,
            InboxEvent.kind == kind,
            InboxEvent.partner == partner,
            InboxEvent.partner_id == partner_id,
            InboxEvent.accepted.is_(True),
        )
    )


async def record_refused(
    session: AsyncSession,
    hook: PortalHook,
    *,
    kind: str,
    raw: str,
    source_ip: str | None,
    outcome: Outcome,
    partner: str | None = None,
    partner_id: str | None = None,
    phone: str | None = None,
    email: str | None = None,
) -> InboxEvent:
    """Keep a refused push (not accepted: a repeat will be judged again), with the phone
    and e-mail it carried so that an erasure finds it too."""
    event = InboxEvent(
        account_id=hook.account_id,
        source=INBOX_SOURCE,
        kind=kind,
        partner=_clip(partner, 200),
        partner_id=_clip(partner_id, 200),
        payload=raw,
        received_at=clock.now(),
        source_ip=_clip(source_ip, 64),
        hook_id=hook.id,
        accepted=False,
        status=outcome.value,
        phone=phone,
        email_lower=_lowered(email),
    )
    session.add(event)
    await session.flush()
    return event


async def record_answer(
    session: AsyncSession, event: InboxEvent | None, status: int, body: dict[str, object]
) -> None:
    """Store the answer the push got, with it, before the transaction commits."""
    if event is None:
        return
    event.response_status = status
    event.response_body = body
    event.handled_at = clock.now()
    await session.flush()


async def _callback_campaign(
    session: AsyncSession, hook: PortalHook, agency: Agency
) -> Campaign | None:
    campaign_id = agency.callback_campaign_id or hook.callback_campaign_id
    if campaign_id is None:
        return None
    return await session.get(Campaign, campaign_id)


def _lead_data(
    push: Push, event: InboxEvent, agency: Agency, listing: Listing
) -> dict[str, object]:
    return {
        "portal": {
            "source": push.partner,
            "kind": kind_of(push),
            "partner_id": push.partner_id,
            "inbox_event_id": event.id,
        },
        "agency": {"id": agency.id, "external_id": agency.external_id, "name": agency.name},
        "listing": {
            "id": listing.id,
            "external_id": listing.external_id,
            "portal_id": listing.portal_listing_id,
            "title": listing.title,
        },
    }


async def _notify(
    session: AsyncSession,
    hook: PortalHook,
    push: Push,
    agency: Agency,
    listing: Listing,
    event: InboxEvent,
    contact_id: int,
) -> None:
    """An e-mail to the agency about a missed call or an e-mail lead (not an answered
    call: the agency spoke to the caller already)."""
    if isinstance(push, CallPush):
        if push.answered:
            return
        kind, caller, at = mail.MISSED_CALL, push.caller, push.started_at
        details: dict[str, object] = {"called": push.called, "status": push.status}
    else:
        kind, caller, at = mail.WEB_LEAD, push.phone, push.sent_at
        details = {"name": push.name, "email": push.email, "message": push.message}
    await notify_agency(
        session,
        kind=kind,
        hook=hook,
        agency=agency,
        listing=listing,
        event=event,
        contact_id=contact_id,
        caller=caller,
        at=at,
        details=details,
    )


async def receive(
    session: AsyncSession,
    hook: PortalHook,
    push: Push,
    *,
    raw: str,
    source_ip: str | None,
) -> Receipt:
    """Judge and apply one push. Refusals are recorded and returned, never raised."""
    kind = kind_of(push)
    phone, email = _contact_keys(push)
    if await accepted_event(session, hook.account_id, kind, push.partner, push.partner_id):
        return Receipt(Outcome.DUPLICATE)
    try:
        agency = await directory.find_agency(
            session,
            hook.account_id,
            external_id=push.refs.agency_external_id,
            portal_id=push.refs.agency_portal_id,
        )
        listing = await directory.find_listing(
            session,
            agency,
            external_id=push.refs.listing_external_id,
            portal_id=push.refs.listing_portal_id,
            auto_register=hook.auto_register_listings,
        )
    except (AgencyNotFound, AgencyDisabled, ListingNotFound, ListingDisabled) as exc:
        outcome = _REFUSALS[type(exc)]
        event = await record_refused(
            session,
            hook,
            kind=kind,
            raw=raw,
            source_ip=source_ip,
            outcome=outcome,
            partner=push.partner,
            partner_id=push.partner_id,
            phone=phone,
            email=email,
        )
        return Receipt(outcome, event)

    event = InboxEvent(
        account_id=hook.account_id,
        source=INBOX_SOURCE,
        kind=kind,
        partner=push.partner,
        partner_id=push.partner_id,
        payload=raw,
        received_at=clock.now(),
        source_ip=_clip(source_ip, 64),
        hook_id=hook.id,
        accepted=True,
        status=Outcome.ACCEPTED.value,
        phone=phone,
        email_lower=_lowered(email),
    )
    try:
        async with session.begin_nested():
            session.add(event)
    except IntegrityError:
        # A concurrent copy was stored first (it held the unique index until it committed).
        return Receipt(Outcome.DUPLICATE)

    contact, _ = await contacts.find_or_create_contact(
        session,
        account_id=hook.account_id,
        number=phone,
        name=push.name if isinstance(push, WebLeadPush) else None,
        email=email,
        source=push.partner,
    )
    event.contact_id = contact.id
    campaign = await _callback_campaign(session, hook, agency)
    receipt = Receipt(Outcome.ACCEPTED, event)

    # What the call and the web lead share: who, about what, from which push.
    links: dict[str, object] = {
        "direction": "inbound",
        "contact_id": contact.id,
        "agency_id": agency.id,
        "listing_id": listing.id,
        "campaign_id": campaign.id if campaign else None,
        "inbox_event_id": event.id,
        "source": push.partner,
        "source_ref": push.partner_id,
    }
    about = {"listing": listing.external_id, "agency": agency.external_id}
    if isinstance(push, CallPush):
        activity = await activities.record(
            session,
            account_id=hook.account_id,
            activity_type=activities.CALL_INBOUND,
            from_number=push.caller,
            to_number=push.called,
            started_at=push.started_at,
            answered_at=push.started_at if push.answered else None,
            ended_at=push.started_at + timedelta(seconds=push.duration_seconds),
            duration_seconds=push.duration_seconds,
            status=push.status,
            subject=f"Call about {listing.external_id}",
            data=about,
            **links,
        )
    else:
        activity = await activities.record(
            session,
            account_id=hook.account_id,
            activity_type=activities.WEB_LEAD,
            from_number=push.phone,
            started_at=push.sent_at,
            subject=f"Web lead about {listing.external_id}",
            description=push.message,
            data={**about, "name": push.name, "email": push.email, **push.details},
            **links,
        )
    receipt.activity = activity
    await _notify(session, hook, push, agency, listing, event, contact.id)

    if campaign is not None:
        if isinstance(push, CallPush) and push.answered:
            open_lead = await leads.open_lead_of(session, campaign.id, contact.id)
            if open_lead is not None:
                await leads.complete(session, open_lead, ANSWERED_BY_AGENCY)
                receipt.lead = receipt.completed_lead = open_lead
        else:
            lead_list = await campaigns.default_list(session, campaign)
            try:
                receipt.lead = await leads.create_lead(
                    session,
                    lead_list=lead_list,
                    contact=contact,
                    phones=[phone],
                    data=_lead_data(push, event, agency, listing),
                    status_code=LeadStatus.CALL_BACK,
                    next_attempt_at=clock.now(),
                    source=push.partner,
                    priority=CALLBACK_PRIORITY,
                )
                receipt.lead_created = True
            except DuplicateOpenLead as duplicate:
                receipt.lead = await session.get(Lead, duplicate.lead_id)
    if receipt.lead is not None:
        activity.lead_id = receipt.lead.id
        event.lead_id = receipt.lead.id
    await session.flush()
    return receipt
