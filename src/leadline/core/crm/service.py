"""Records and events made by a signed-in user (the softphone's ``addcont`` and
``addevent``), each attributed to that user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.accounts import service as accounts
from leadline.core.activities import service as activities
from leadline.core.campaigns import service as campaigns
from leadline.core.contacts import service as contacts
from leadline.core.errors import DuplicateOpenLead
from leadline.core.leads import service as leads
from leadline.core.lookup.service import RecordKind
from leadline.core.phones import caller_id, try_parse
from leadline.db.models import Activity, User

SOURCE_LIMIT = 200
NAME_LIMIT = 200
SUBJECT_LIMIT = 500


@dataclass(frozen=True)
class RecordRef:
    kind: RecordKind
    id: int


def _source(raw: str | None, region: str | None) -> str | None:
    """The dialled number as the record's source: E.164 when it reads as one."""
    text = (raw or "").strip()
    if not text:
        return None
    return try_parse(text, region) or text[:SOURCE_LIMIT]


async def add_record(
    session: AsyncSession,
    *,
    user: User,
    region: str | None,
    kind: RecordKind,
    phone: str,
    name: str | None = None,
    dialled: str | None = None,
) -> RecordRef:
    """A new contact, lead or company with this phone, created by ``user``.

    The phone is kept even when libphonenumber rejects it, as 5–15 bare digits marked
    unverified (raises :class:`InvalidPhone` otherwise). A lead goes into the account's
    default inbound campaign; a person who already has an open lead there keeps it.
    """
    number, verified = caller_id(phone, region)
    display_name = (name or "").strip()[:NAME_LIMIT] or phone.strip()[:NAME_LIMIT]
    source = _source(dialled, region)
    account_id = user.account_id
    if kind is RecordKind.COMPANY:
        company = await contacts.create_company(
            session,
            account_id=account_id,
            name=display_name,
            number=number,
            verified=verified,
            source=source,
            created_by_user_id=user.id,
        )
        return RecordRef(kind, company.id)
    if kind is RecordKind.CONTACT:
        contact = await contacts.create_contact(
            session,
            account_id=account_id,
            number=number,
            name=display_name,
            source=source,
            created_by_user_id=user.id,
            verified=verified,
        )
        return RecordRef(kind, contact.id)
    contact, _ = await contacts.find_or_create_contact(
        session,
        account_id=account_id,
        number=number,
        name=display_name,
        source=source,
        created_by_user_id=user.id,
        verified=verified,
    )
    campaign = await accounts.default_inbound_campaign(session, account_id)
    existing = await leads.open_lead_of(session, campaign.id, contact.id)
    if existing is not None:
        return RecordRef(kind, existing.id)
    try:
        lead = await leads.create_lead(
            session,
            lead_list=await campaigns.default_list(session, campaign),
            contact=contact,
            phones=[number],
            source=source,
        )
    except DuplicateOpenLead as duplicate:  # made meanwhile by a concurrent request
        return RecordRef(kind, duplicate.lead_id)
    return RecordRef(kind, lead.id)


async def add_event(
    session: AsyncSession,
    *,
    user: User,
    kind: RecordKind,
    record_id: int,
    subject: str,
    description: str | None = None,
    source: str = "softphone",
) -> Activity:
    """A ``crm.event`` on the record's timeline, created by ``user``. Raises
    :class:`NotFound` when the account has no such record."""
    account_id = user.account_id
    fields: dict[str, Any] = {}
    if kind is RecordKind.CONTACT:
        fields["contact_id"] = (await contacts.get_contact(session, account_id, record_id)).id
    elif kind is RecordKind.COMPANY:
        fields["company_id"] = (await contacts.get_company(session, account_id, record_id)).id
    else:
        lead = await leads.get_lead(session, account_id, record_id)
        fields.update(lead_id=lead.id, contact_id=lead.contact_id, campaign_id=lead.campaign_id)
    return await activities.record(
        session,
        account_id=account_id,
        activity_type=activities.CRM_EVENT,
        subject=subject[:SUBJECT_LIMIT],
        description=description or None,
        source=source,
        agent_id=user.id,
        created_by_user_id=user.id,
        **fields,
    )
