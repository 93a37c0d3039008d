"""The rules of a lead submitted by a supplier: add it (unless the type is unknown, the
number is on the do-not-call list, the person already has a call scheduled, or was dealt
with recently), or cancel it before the dialler gets to it.

Every submission that is not a test is kept in the inbox with its outcome, so nothing a
supplier sent is lost and operators can route what was not processed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Insert,
    Select,
    Table,
    and_,
    bindparam,
    func,
    insert,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core import clock
from leadline.core.compliance import dnc
from leadline.core.contacts import service as contacts
from leadline.core.errors import DuplicateOpenLead
from leadline.core.leads import service as leads
from leadline.core.leads.scheduling import CallingHours
from leadline.core.submissions import lead_types
from leadline.core.vocabulary import LeadStatus
from leadline.core.webhooks import events as webhook_events
from leadline.core.webhooks import service as webhooks
from leadline.db import locks
from leadline.db.models import InboxEvent, Lead, Phone

SOURCE = "dialler-api"
KIND_ADD = "lead.add"
KIND_CANCEL = "lead.cancel"
MAX_DELAY_SECONDS = 365 * 24 * 3600
_NAME_LENGTH = 200
_INBOX = cast(Table, InboxEvent.__table__)


class AddOutcome(StrEnum):
    """What became of an added lead; also the inbox status it is kept under."""

    PROCESSED = "processed"
    UNKNOWN_TYPE = "unknown_type"
    DNC = "dnc"
    DUPLICATE = "duplicate"
    EXISTING_CONTACT = "existing_contact"


class CancelOutcome(StrEnum):
    CANCELLED = "processed"
    UNKNOWN_TYPE = "unknown_type"
    NOT_FOUND = "not_found"
    ALREADY_PROCESSED = "already_processed"


@dataclass(frozen=True)
class LeadSubmission:
    """A validated submission: phones in E.164, ``data`` already an object."""

    type_code: str
    mobile: str
    email: str
    first_name: str
    surname: str
    subtype: str | None = None
    other_phone: str | None = None
    data: dict[str, object] = field(default_factory=dict)
    delay_seconds: int = 0


@dataclass(frozen=True)
class Received:
    """Where a submission came from, as the inbox keeps it."""

    account_id: int
    payload: str
    credential_id: int | None = None
    source_ip: str | None = None


@dataclass(frozen=True)
class AddResult:
    outcome: AddOutcome
    lead_id: int | None = None
    contact_id: int | None = None


async def type_exists(session: AsyncSession, account_id: int, code: str) -> bool:
    return await lead_types.find_type(session, account_id, code) is not None


def _leads_of_number() -> ColumnElement[bool]:
    """Leads whose contact has the number ``:number``: the person behind the mobile."""
    return Lead.contact_id.in_(
        select(Phone.contact_id).where(
            Phone.account_id == bindparam("account_id"),
            Phone.number == bindparam("number"),
            Phone.contact_id.is_not(None),
        )
    )


@functools.cache
def _checks_statement(dialect: str) -> Select[Any]:
    """Whether ``:number`` is on the do-not-call list and whether anyone listens to the
    account's webhooks, with the open leads of the type or its campaign and the leads of
    the type completed (not cancelled) since ``:cutoff`` for the person behind it: one
    row with no lead when there are none. On PostgreSQL it also takes the number's
    contact lock (``:lock_id``), which creating the contact needs next: the contact
    look-up after it sees whatever the lock waited for. Built once per dialect."""
    one_row = select(literal(1).label("one")).subquery()
    columns: list[Any] = [
        dnc.listed(bindparam("account_id"), bindparam("number")).label("listed"),
        webhooks.anyone_listening(bindparam("account_id")).label("listening"),
        Lead.id,
        Lead.contact_id,
        Lead.completed_at,
    ]
    if dialect == "postgresql":
        columns.append(func.pg_advisory_xact_lock(bindparam("lock_id", type_=BigInteger)))
    return (
        select(*columns)
        .select_from(one_row)
        .outerjoin(
            Lead,
            and_(
                Lead.account_id == bindparam("account_id"),
                _leads_of_number(),
                _earlier_rules(),
            ),
        )
        .order_by(Lead.id.desc())
    )


def _earlier_rules() -> ColumnElement[bool]:
    return or_(
        and_(
            Lead.completed_at.is_(None),
            or_(
                Lead.lead_type_id == bindparam("type_id"),
                Lead.campaign_id == bindparam("campaign_id"),
            ),
        ),
        and_(
            Lead.lead_type_id == bindparam("type_id"),
            Lead.completed_at >= bindparam("cutoff", type_=Lead.completed_at.type),
            Lead.status_code != int(LeadStatus.CANCELLED),
        ),
    )


@functools.cache
def _newest_lead_statement() -> Select[int]:
    return (
        select(Lead.id)
        .where(
            Lead.account_id == bindparam("account_id"),
            Lead.lead_type_id == bindparam("type_id"),
            _leads_of_number(),
        )
        .order_by(Lead.id.desc())
        .limit(1)
    )


async def _checks(
    session: AsyncSession, lead_type: lead_types.TypeRule, number: str, now: datetime
) -> AddResult | None:
    """Do-not-call, then a scheduled call or a recent completion that makes this
    submission a repeat: the outcome that stops it, or None.

    One read for the three rules. The lead rules are an early answer, not the guard: the
    database's one-open-lead index decides races (see :func:`add_lead`). A window of 0
    days is off: its cutoff lies in the future, so no completion matches.
    """
    window = lead_type.duplicate_window_days
    cutoff = now - timedelta(days=window) if window > 0 else now + timedelta(days=1)
    dialect = session.get_bind().dialect.name
    values: dict[str, Any] = {
        "account_id": lead_type.account_id,
        "number": number,
        "type_id": lead_type.id,
        "campaign_id": lead_type.campaign_id,
        "cutoff": cutoff,
    }
    if dialect == "postgresql":
        values["lock_id"] = locks.key_id(*contacts.number_lock(lead_type.account_id, number))
    rows = (await session.execute(_checks_statement(dialect), values)).all()
    if not rows[0].listening:
        webhooks.nobody_listens(session, lead_type.account_id)
    if rows[0].listed:
        return AddResult(AddOutcome.DNC)
    earlier = [(row.id, row.contact_id, row.completed_at) for row in rows if row.id]
    for lead_id, contact_id, completed_at in earlier:
        if completed_at is None:
            return AddResult(AddOutcome.DUPLICATE, lead_id, contact_id)
    if earlier:
        lead_id, contact_id, _ = earlier[0]
        return AddResult(AddOutcome.EXISTING_CONTACT, lead_id, contact_id)
    return None


async def add_lead(
    session: AsyncSession, submission: LeadSubmission, received: Received
) -> AddResult:
    """Apply the add rules in the contract's order and keep the submission with its
    outcome. Two identical submissions racing each other end as one lead and one
    ``DUPLICATE``: the one-open-lead-per-person-per-campaign index decides."""
    account_id = received.account_id
    now = clock.now()
    result = await decide(session, submission, account_id, now)
    await record(
        session,
        received,
        kind=KIND_ADD,
        status=result.outcome.value,
        lead_id=result.lead_id,
        contact_id=result.contact_id,
        phone=submission.mobile,
        email=submission.email,
        at=now,
    )
    return result


async def decide(
    session: AsyncSession, submission: LeadSubmission, account_id: int, now: datetime
) -> AddResult:
    """The outcome of a submission under the account's current lead types and lists (and
    its lead, made when it is processed)."""
    destination = await lead_types.resolve(
        session, account_id, submission.type_code, submission.subtype
    )
    if destination is None:
        return AddResult(AddOutcome.UNKNOWN_TYPE)
    lead_type = destination.lead_type
    stopped = await _checks(session, lead_type, submission.mobile, now)
    if stopped is not None:
        return stopped
    return await place(
        session,
        submission,
        account_id=account_id,
        lead_list=destination.lead_list,
        now=now,
        campaign=destination.campaign,
        lead_type_id=lead_type.id,
        # On PostgreSQL the checks' read took the number's lock already.
        number_locked=session.get_bind().dialect.name == "postgresql",
    )


async def place(
    session: AsyncSession,
    submission: LeadSubmission,
    *,
    account_id: int,
    lead_list: leads.Destination,
    now: datetime,
    campaign: CallingHours | None = None,
    lead_type_id: int | None = None,
    number_locked: bool = False,
) -> AddResult:
    """Make the person and their lead in ``lead_list``: what a submission becomes once
    its checks passed (the inbox routes saved submissions through here too). The
    one-open-lead-per-person-per-campaign index answers ``DUPLICATE``."""
    full_name = f"{submission.first_name} {submission.surname}".strip()[:_NAME_LENGTH]
    contact, _created = await contacts.find_or_create_contact_ref(
        session,
        account_id=account_id,
        number=submission.mobile,
        name=full_name or None,
        first_name=submission.first_name or None,
        last_name=submission.surname or None,
        email=submission.email or None,
        source=SOURCE,
        locked=number_locked,
    )
    phones = [submission.mobile]
    if submission.other_phone and submission.other_phone != submission.mobile:
        phones.append(submission.other_phone)
    try:
        lead = await leads.create_lead(
            session,
            lead_list=lead_list,
            contact=contact,
            phones=phones,
            campaign=campaign,
            data=submission.data,
            next_attempt_at=now + timedelta(seconds=submission.delay_seconds),
            source=SOURCE,
            lead_type_id=lead_type_id,
            subtype=submission.subtype,
        )
    except DuplicateOpenLead as duplicate:
        return AddResult(AddOutcome.DUPLICATE, duplicate.lead_id, contact.id)
    return AddResult(AddOutcome.PROCESSED, lead.id, contact.id)


async def cancel_lead(
    session: AsyncSession, type_code: str, mobile: str, received: Received
) -> tuple[CancelOutcome, int | None]:
    """Cancel the newest lead of this type for this mobile, unless the dialler has it
    (or had it): the same atomic conditional update the dialler's claim races with."""
    account_id = received.account_id
    outcome, lead_id = await _cancel(session, account_id, type_code, mobile)
    await record(
        session,
        received,
        kind=KIND_CANCEL,
        status=outcome.value,
        lead_id=lead_id,
        phone=mobile,
    )
    return outcome, lead_id


async def _cancel(
    session: AsyncSession, account_id: int, type_code: str, mobile: str
) -> tuple[CancelOutcome, int | None]:
    lead_type = await lead_types.find_type(session, account_id, type_code)
    if lead_type is None:
        return CancelOutcome.UNKNOWN_TYPE, None
    lead_id = await session.scalar(
        _newest_lead_statement(),
        {"account_id": account_id, "type_id": lead_type.id, "number": mobile},
    )
    if lead_id is None:
        return CancelOutcome.NOT_FOUND, None
    if await leads.cancel_if_untouched(session, lead_id):
        return CancelOutcome.CANCELLED, lead_id
    return CancelOutcome.ALREADY_PROCESSED, lead_id


async def record(
    session: AsyncSession,
    received: Received,
    *,
    kind: str,
    status: str,
    lead_id: int | None = None,
    contact_id: int | None = None,
    phone: str | None = None,
    email: str | None = None,
    at: datetime | None = None,
) -> int:
    """Keep a submission in the inbox with what became of it; its id. One Core insert:
    the ORM's unit of work cost more than the statement on this path."""
    values: dict[str, Any] = {
        "account_id": received.account_id,
        "source": SOURCE,
        "kind": kind,
        "payload": received.payload,
        "received_at": at or clock.now(),
        "source_ip": received.source_ip,
        "credential_id": received.credential_id,
        "accepted": status == AddOutcome.PROCESSED.value,
        "status": status,
        "lead_id": lead_id,
        "contact_id": contact_id,
        "phone": phone,
        "email_lower": email.strip().lower()[:254] if email else None,
    }
    event_id = int(await session.scalar(_insert_inbox_event(), values) or 0)
    if not values["accepted"]:
        # The event as stored, for the webhook's body (not added to the session).
        await webhook_events.submission_event(session, InboxEvent(id=event_id, **values))
    return event_id


@functools.cache
def _insert_inbox_event() -> Insert:
    return insert(_INBOX).returning(_INBOX.c.id)
