"""Leads: creating them under the one-open-lead-per-person-per-campaign rule, and
closing them."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import Insert, Row, Table, and_, delete, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from leadline.core import clock
from leadline.core.errors import (
    Conflict,
    DuplicateCustomerKey,
    DuplicateOpenLead,
    NotFound,
    ValidationFailed,
)
from leadline.core.leads import scheduling
from leadline.core.ownership import get_owned
from leadline.core.phones import tail
from leadline.core.vocabulary import LeadStatus
from leadline.core.webhooks import events as webhook_events
from leadline.core.webhooks.service import LEAD_COMPLETED, LEAD_CREATED, LEAD_UPDATED
from leadline.db.models import Campaign, Lead, LeadList, LeadPhone, LeadStatusCode, User

MAX_PHONES = 3
_LEADS = cast(Table, Lead.__table__)
_LEAD_PHONES = cast(Table, LeadPhone.__table__)


class Person(Protocol):
    """What a lead needs of its contact: a :class:`Contact` or a lighter reference."""

    @property
    def id(self) -> int: ...

    @property
    def account_id(self) -> int: ...


class Destination(Protocol):
    """The list a lead goes into: a :class:`LeadList` or a lighter reference."""

    @property
    def id(self) -> int: ...

    @property
    def account_id(self) -> int: ...

    @property
    def campaign_id(self) -> int: ...


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
    lead_list: Destination,
    contact: Person,
    phones: Sequence[str],
    campaign: scheduling.CallingHours | None = None,
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
    ``campaign``: the list's campaign's calling hours when the caller has them already
    (else they are read).
    """
    if not phones:
        raise ValidationFailed.single("phone1", "at least one phone is required")
    if len(phones) > MAX_PHONES:
        raise ValidationFailed.single("phones", f"at most {MAX_PHONES} phones")
    if contact.account_id != lead_list.account_id:
        raise NotFound("contact", contact.id)
    if campaign is None:
        campaign = await session.get(Campaign, lead_list.campaign_id)
        assert campaign is not None
    due = next_attempt_at or clock.now()
    values: dict[str, Any] = {
        "account_id": lead_list.account_id,
        "campaign_id": lead_list.campaign_id,
        "list_id": lead_list.id,
        "contact_id": contact.id,
        "customer_key": customer_key,
        "timezone": timezone,
        "data": data or {},
        "status_code": int(status_code),
        "assigned_agent_id": assigned_agent_id,
        "next_attempt_at": due,
        "dialable_at": scheduling.dialable_at(campaign, timezone, phones[0], due),
        "source": source,
        "lead_type_id": lead_type_id,
        "subtype": subtype,
        "priority": priority,
    }
    if customer_key is None:
        lead = await _insert_open_lead(session, values)
    else:
        lead = await _insert_keyed_lead(session, values)
    rows = [
        {
            "account_id": lead.account_id,
            "lead_id": lead.id,
            "phone_index": index,
            "number": number,
            "tail": tail(number),
        }
        for index, number in enumerate(phones, start=1)
    ]
    # A Core statement (the ORM's bulk path cost more than the insert); one row is one
    # plain execution rather than an executemany.
    await session.execute(_insert_lead_phone(), rows[0] if len(rows) == 1 else rows)
    await webhook_events.lead_event(session, LEAD_CREATED, lead)
    return lead


@functools.cache
def _insert_lead_phone() -> Insert:
    return insert(_LEAD_PHONES)


@functools.cache
def _insert_open_lead_statement(dialect: str) -> Insert:
    """Built once per dialect, values bound at execution, Core rather than the ORM's
    insert: composing the statement per lead, and the ORM's bulk-insert path, cost more
    than running it."""
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        builder(_LEADS)
        .on_conflict_do_nothing(
            index_elements=[_LEADS.c.campaign_id, _LEADS.c.contact_id],
            index_where=_LEADS.c.completed_at.is_(None),
        )
        .returning(*_LEADS.c)
    )


def _as_loaded(session: AsyncSession, row: Row[Any]) -> Lead:
    """An inserted lead's row (every column) as a persistent ``Lead`` in the session,
    as if the ORM had loaded it: later changes to it are flushed as usual."""
    lead = Lead(**row._mapping)
    make_transient_to_detached(lead)
    session.add(lead)
    return lead


async def _insert_open_lead(session: AsyncSession, values: dict[str, Any]) -> Lead:
    """Insert a lead without a customer key: the one-open-lead index is then the only
    unique rule it can break, so the insert steps aside on it (``ON CONFLICT DO
    NOTHING``, no savepoint) and the open lead that won is named instead."""
    statement = _insert_open_lead_statement(session.get_bind().dialect.name)
    for _ in range(3):  # the open lead that blocked us may be closed before we read it
        row = (await session.execute(statement, values)).first()
        if row is not None:
            return _as_loaded(session, row)
        existing = await open_lead_of(session, values["campaign_id"], values["contact_id"])
        if existing is not None:
            raise DuplicateOpenLead(existing.id)
    raise Conflict("the person's open lead in this campaign keeps changing; try again")


async def _insert_keyed_lead(session: AsyncSession, values: dict[str, Any]) -> Lead:
    """Insert a lead with a customer key: two unique rules can refuse it, told apart
    after a savepoint rolls the refused insert back."""
    lead = Lead(**values)
    try:
        async with session.begin_nested():
            session.add(lead)
    except IntegrityError:
        existing = await open_lead_of(session, values["campaign_id"], values["contact_id"])
        if existing is not None:
            raise DuplicateOpenLead(existing.id) from None
        raise DuplicateCustomerKey(values["customer_key"]) from None
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
    await webhook_events.lead_event(session, LEAD_COMPLETED, lead)
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
    session: AsyncSession,
    lead_id: int,
    holder: str,
    until: datetime,
    *,
    now: datetime | None = None,
) -> bool:
    """Take the lead for dialling until ``until``; False when it is closed or held by a
    live claim of another holder (or cancelled meanwhile). ``now`` decides whether an
    old claim has run out (the dialler passes its own clock)."""
    now = now or clock.now()
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


# -- Changing and deleting leads (the platform API's PATCH/PUT and DELETE).


async def check_agent(session: AsyncSession, account_id: int, agent_id: int) -> None:
    agent = await session.get(User, agent_id)
    if agent is None or agent.account_id != account_id:
        raise ValidationFailed.single("agentId", f"unknown agent {agent_id}")


async def update_lead(
    session: AsyncSession,
    lead: Lead,
    changes: Mapping[str, Any],
    *,
    phones: Mapping[int, str | None] | None = None,
) -> Lead:
    """Change only what ``changes`` names (``list_id``, ``customer_key``, ``timezone``,
    ``data``, ``status_code``, ``assigned_agent_id``, ``next_attempt_at``, ``completed``)
    and the phones in ``phones`` (index → E.164, or None to remove it).

    A completed lead cannot be reopened (:class:`Conflict`). Moving the lead to another
    campaign's list, or giving it a key its list already has, is decided by the same
    unique indexes as :func:`create_lead`.
    """
    if changes.get("completed") is False and lead.completed_at is not None:
        raise Conflict("a completed lead cannot be reopened")
    # Check everything first: the queries below would flush half-made changes.
    target: LeadList | None = None
    if "list_id" in changes:
        target = await session.get(LeadList, changes["list_id"])
        if target is None or target.account_id != lead.account_id:
            raise ValidationFailed.single("listId", f"unknown list {changes['list_id']}")
    if changes.get("timezone") is not None:
        clock.zone(changes["timezone"])
    if changes.get("status_code") is not None:
        await check_status_code(session, lead.account_id, changes["status_code"])
    if changes.get("assigned_agent_id") is not None:
        await check_agent(session, lead.account_id, changes["assigned_agent_id"])
    current = await phones_of(session, lead.id)
    lead_id, contact_id = lead.id, lead.contact_id
    campaign_id = target.campaign_id if target is not None else lead.campaign_id
    customer_key = changes.get("customer_key", lead.customer_key)
    try:
        # Changed inside the savepoint: beginning one flushes whatever is pending.
        async with session.begin_nested():
            if target is not None:
                lead.list_id = target.id
                lead.campaign_id = target.campaign_id
            if "timezone" in changes:
                lead.timezone = changes["timezone"]
            if changes.get("status_code") is not None:
                lead.status_code = int(changes["status_code"])
            if "assigned_agent_id" in changes:
                lead.assigned_agent_id = changes["assigned_agent_id"]
            if "customer_key" in changes:
                lead.customer_key = changes["customer_key"]
            if "data" in changes:
                lead.data = dict(changes["data"] or {})
            if changes.get("next_attempt_at") is not None:
                lead.next_attempt_at = changes["next_attempt_at"]
            await session.flush()
    except IntegrityError:
        existing = await open_lead_of(session, campaign_id, contact_id)
        if existing is not None and existing.id != lead_id:
            raise DuplicateOpenLead(existing.id) from None
        raise DuplicateCustomerKey(str(customer_key)) from None
    if phones:
        await _replace_phones(session, lead, current, phones)
        current = await phones_of(session, lead.id)
    if changes.get("completed") is True and lead.completed_at is None:
        return await complete(session, lead, lead.status_code)
    if lead.completed_at is None:
        campaign = await session.get(Campaign, lead.campaign_id)
        assert campaign is not None
        due = lead.next_attempt_at or clock.now()
        first = current[0].number if current else ""
        lead.dialable_at = scheduling.dialable_at(campaign, lead.timezone, first, due)
        await session.flush()
    await webhook_events.lead_event(session, LEAD_UPDATED, lead)
    return lead


async def _replace_phones(
    session: AsyncSession,
    lead: Lead,
    current: list[LeadPhone],
    phones: Mapping[int, str | None],
) -> None:
    by_index = {phone.phone_index: phone for phone in current}
    remaining = {index for index in by_index if phones.get(index, "") is not None}
    remaining |= {index for index, number in phones.items() if number is not None}
    if not remaining:
        raise ValidationFailed.single("phone1", "at least one phone is required")
    for index, number in phones.items():
        existing = by_index.get(index)
        if number is None:
            if existing is not None:
                await session.delete(existing)
        elif existing is not None:
            if existing.number != number:
                existing.number = number
                existing.tail = tail(number)
                existing.attempts = 0
                existing.last_dial_status_id = None
        else:
            session.add(
                LeadPhone(
                    account_id=lead.account_id,
                    lead_id=lead.id,
                    phone_index=index,
                    number=number,
                    tail=tail(number),
                )
            )
    await session.flush()


async def delete_lead(session: AsyncSession, lead: Lead) -> None:
    """Take the lead out of the dialler and delete it. Its activities, dial attempts and
    costs stay, with their lead set to null (the foreign keys say ``SET NULL``)."""
    await session.execute(
        delete(Lead).where(Lead.id == lead.id).execution_options(synchronize_session=False)
    )
    session.expunge(lead)
