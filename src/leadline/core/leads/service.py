"""Leads: creating them under the one-open-lead-per-person-per-campaign rule, and
closing them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core import clock
from leadline.core.errors import (
    DuplicateCustomerKey,
    DuplicateOpenLead,
    NotFound,
    ValidationFailed,
)
from leadline.core.leads import scheduling
from leadline.core.ownership import get_owned
from leadline.core.phones import tail
from leadline.core.vocabulary import LeadStatus
from leadline.db.models import Campaign, Contact, Lead, LeadList, LeadPhone, LeadStatusCode

MAX_PHONES = 3


async def open_lead_of(session: AsyncSession, campaign_id: int, contact_id: int) -> Lead | None:
    return await session.scalar(
        select(Lead).where(
            Lead.campaign_id == campaign_id,
            Lead.contact_id == contact_id,
            Lead.completed_at.is_(None),
        )
    )


async def check_status_code(session: AsyncSession, account_id: int, code: int) -> None:
    known = await session.scalar(
        select(LeadStatusCode.id).where(
            LeadStatusCode.account_id == account_id, LeadStatusCode.code == code
        )
    )
    if known is None:
        raise ValidationFailed.single("statusCode", f"unknown status code {code}")


async def create_lead(
    session: AsyncSession,
    *,
    lead_list: LeadList,
    contact: Contact,
    phones: Sequence[str],
    customer_key: str | None = None,
    timezone: str | None = None,
    data: dict[str, object] | None = None,
    status_code: int = LeadStatus.NEW,
    assigned_agent_id: int | None = None,
    next_attempt_at: datetime | None = None,
    source: str | None = None,
    lead_type_id: int | None = None,
    subtype: str | None = None,
    priority: int = 0,
) -> Lead:
    """A new open lead for ``contact`` in ``lead_list``'s campaign.

    Raises :class:`DuplicateOpenLead` when the person already has an open lead in that
    campaign, and :class:`DuplicateCustomerKey` when the list already has the key —
    both decided by the database's unique indexes, so concurrent creates cannot both win.
    """
    if not phones:
        raise ValidationFailed.single("phone1", "at least one phone is required")
    if len(phones) > MAX_PHONES:
        raise ValidationFailed.single("phones", f"at most {MAX_PHONES} phones")
    if contact.account_id != lead_list.account_id:
        raise NotFound("contact", contact.id)
    campaign = await session.get(Campaign, lead_list.campaign_id)
    assert campaign is not None
    due = next_attempt_at or clock.now()
    lead = Lead(
        account_id=lead_list.account_id,
        campaign_id=lead_list.campaign_id,
        list_id=lead_list.id,
        contact_id=contact.id,
        customer_key=customer_key,
        timezone=timezone,
        data=data or {},
        status_code=int(status_code),
        assigned_agent_id=assigned_agent_id,
        next_attempt_at=due,
        dialable_at=scheduling.dialable_at(campaign, timezone, phones[0], due),
        source=source,
        lead_type_id=lead_type_id,
        subtype=subtype,
        priority=priority,
    )
    try:
        async with session.begin_nested():
            session.add(lead)
            await session.flush()
            session.add_all(
                LeadPhone(
                    account_id=lead.account_id,
                    lead_id=lead.id,
                    phone_index=index,
                    number=number,
                    tail=tail(number),
                )
                for index, number in enumerate(phones, start=1)
            )
    except IntegrityError:
        existing = await open_lead_of(session, lead_list.campaign_id, contact.id)
        if existing is not None:
            raise DuplicateOpenLead(existing.id) from None
        if customer_key is not None:
            raise DuplicateCustomerKey(customer_key) from None
        raise
    return lead


async def get_lead(session: AsyncSession, account_id: int, lead_id: int) -> Lead:
    return await get_owned(session, Lead, account_id, lead_id, "lead")


async def phones_of(session: AsyncSession, lead_id: int) -> list[LeadPhone]:
    return list(
        await session.scalars(
            select(LeadPhone).where(LeadPhone.lead_id == lead_id).order_by(LeadPhone.phone_index)
        )
    )


async def complete(
    session: AsyncSession, lead: Lead, status_code: int, *, at: datetime | None = None
) -> Lead:
    """Close the lead with ``status_code``; it leaves the dialler."""
    lead.status_code = int(status_code)
    lead.completed_at = at or clock.now()
    lead.dialable_at = None
    lead.reserved_for_agent_id = None
    await session.flush()
    return lead


async def reschedule(
    session: AsyncSession,
    lead: Lead,
    due: datetime,
    *,
    status_code: int | None = None,
    priority: int | None = None,
) -> Lead:
    """Ask for the next call at ``due`` (moved into calling hours by the scheduler)."""
    campaign = await session.get(Campaign, lead.campaign_id)
    assert campaign is not None
    phones = await phones_of(session, lead.id)
    first_phone = phones[0].number if phones else ""
    lead.next_attempt_at = due
    lead.dialable_at = scheduling.dialable_at(campaign, lead.timezone, first_phone, due)
    if status_code is not None:
        lead.status_code = int(status_code)
    if priority is not None:
        lead.priority = priority
    await session.flush()
    return lead


# -- The dialler and cancellation race for a lead: both use one atomic conditional UPDATE,
# -- so exactly one of them wins (no read-then-write).


def _not_held(now: datetime) -> Any:
    return or_(Lead.locked_by.is_(None), Lead.locked_until < now)


async def claim_for_dialling(
    session: AsyncSession, lead_id: int, holder: str, until: datetime
) -> bool:
    """Take the lead for dialling until ``until``; False when it is closed or held by a
    live claim of another holder (or cancelled meanwhile)."""
    now = clock.now()
    result = await session.execute(
        update(Lead)
        .where(Lead.id == lead_id, Lead.completed_at.is_(None), _not_held(now))
        .values(locked_by=holder, locked_until=until)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def release_claim(session: AsyncSession, lead_id: int, holder: str) -> None:
    await session.execute(
        update(Lead)
        .where(Lead.id == lead_id, Lead.locked_by == holder)
        .values(locked_by=None, locked_until=None)
        .execution_options(synchronize_session=False)
    )


async def cancel_if_untouched(session: AsyncSession, lead_id: int) -> bool:
    """Complete the lead as Cancelled (9) unless it is closed, has been dialled, or is
    being dialled right now. True when this call cancelled it."""
    now = clock.now()
    result = await session.execute(
        update(Lead)
        .where(
            and_(Lead.id == lead_id, Lead.completed_at.is_(None), Lead.attempts == 0),
            _not_held(now),
        )
        .values(
            status_code=int(LeadStatus.CANCELLED),
            completed_at=now,
            dialable_at=None,
            reserved_for_agent_id=None,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))
