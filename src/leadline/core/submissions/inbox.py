"""The inbox of what was saved but not processed: dialler submissions refused by a rule
(unknown type, do-not-call, already scheduled, existing contact) and refused portal
pushes. An operator routes one into a campaign, retries a submission against the current
lead types, or dismisses it; each keeps who did it and when."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core import clock
from leadline.core.compliance import dnc
from leadline.core.errors import Conflict, NotFound
from leadline.core.ownership import get_owned
from leadline.core.portal import pushes
from leadline.core.submissions.service import (
    KIND_ADD,
    SOURCE,
    AddOutcome,
    AddResult,
    LeadSubmission,
    decide,
    place,
)
from leadline.db.models import InboxEvent, LeadList

PORTAL_SOURCE = pushes.INBOX_SOURCE
ROUTED = "routed"
DISMISSED = "dismissed"
HANDLED = (ROUTED, DISMISSED)
#: Outcomes a retried submission may still end with (it stays in the inbox).
_REFUSED_ADDS = tuple(
    outcome.value for outcome in AddOutcome if outcome is not AddOutcome.PROCESSED
)
DEFAULT_LIMIT = 50


class InboxKind(StrEnum):
    SUBMISSION = "submission"
    PORTAL = "portal"


class InboxRefused(Conflict):
    """The inbox action was refused (the reason is the message)."""


@dataclass(frozen=True)
class InboxPage:
    items: list[InboxEvent]
    #: The id to continue before (newest first), or None on the last page.
    next_before: int | None


def kind_of(event: InboxEvent) -> InboxKind:
    return InboxKind.PORTAL if event.source == PORTAL_SOURCE else InboxKind.SUBMISSION


def _of_inbox(account_id: int) -> Select[InboxEvent]:
    """Submissions and portal pushes of the account (whatever became of them)."""
    return select(InboxEvent).where(
        InboxEvent.account_id == account_id,
        or_(
            and_(InboxEvent.source == SOURCE, InboxEvent.kind == KIND_ADD),
            InboxEvent.source == PORTAL_SOURCE,
        ),
    )


async def page_inbox(
    session: AsyncSession,
    account_id: int,
    *,
    outcome: str | None = None,
    kind: InboxKind | None = None,
    before: int | None = None,
    limit: int | None = None,
) -> InboxPage:
    """Newest first. With no ``outcome``, what still waits (not routed or dismissed)."""
    limit = limit or DEFAULT_LIMIT
    statement = _of_inbox(account_id).where(InboxEvent.accepted.is_(False))
    if outcome is None:
        statement = statement.where(InboxEvent.status.not_in(HANDLED))
    else:
        statement = statement.where(InboxEvent.status == outcome)
    if kind is InboxKind.PORTAL:
        statement = statement.where(InboxEvent.source == PORTAL_SOURCE)
    elif kind is InboxKind.SUBMISSION:
        statement = statement.where(InboxEvent.source == SOURCE)
    if before is not None:
        statement = statement.where(InboxEvent.id < before)
    rows = list(await session.scalars(statement.order_by(InboxEvent.id.desc()).limit(limit + 1)))
    if len(rows) > limit:
        rows = rows[:limit]
        return InboxPage(rows, rows[-1].id)
    return InboxPage(rows, None)


async def get_event(session: AsyncSession, account_id: int, event_id: int) -> InboxEvent:
    """A submission or push of this account (else :class:`NotFound`)."""
    event = await session.scalar(_of_inbox(account_id).where(InboxEvent.id == event_id))
    if event is None:
        raise NotFound("inbox event", event_id)
    return event


def _waiting(event: InboxEvent) -> None:
    if event.accepted:
        raise InboxRefused("It was processed: there is nothing left to do.")
    if event.status in HANDLED:
        raise InboxRefused(f"It was already {event.status}.")


def _handled(event: InboxEvent, status: str, user_id: int) -> None:
    event.status = status
    event.handled_at = clock.now()
    event.handled_by_user_id = user_id


_REFUSAL_TEXT = {
    AddOutcome.UNKNOWN_TYPE: "No lead type has this code.",
    AddOutcome.DNC: "The number is on the do-not-call list.",
    AddOutcome.DUPLICATE: "The person already has an open lead (another call is scheduled).",
    AddOutcome.EXISTING_CONTACT: "The person was dealt with recently (existing contact).",
}


def refusal_text(outcome: AddOutcome) -> str:
    return _REFUSAL_TEXT.get(outcome, "")


def submission_of(event: InboxEvent) -> LeadSubmission:
    """What a portal push gives a lead: its phone and e-mail (a dialler submission is
    read from its payload by the adapter that knows its format)."""
    if not event.phone:
        raise InboxRefused("It carries no phone number to call.")
    return LeadSubmission(
        type_code="",
        mobile=event.phone,
        email=event.email_lower or "",
        first_name="",
        surname="",
        data={"inbox_event_id": event.id, "partner": event.partner, "kind": event.kind},
    )


async def route(
    session: AsyncSession,
    event: InboxEvent,
    submission: LeadSubmission,
    *,
    list_id: int,
    user_id: int,
) -> AddResult:
    """Make the lead in the chosen list, under the rules every lead keeps: not a number on
    the do-not-call list, not a second open lead for the person in that campaign."""
    _waiting(event)
    lead_list = await get_owned(session, LeadList, event.account_id, list_id, "list")
    if await dnc.is_listed(session, event.account_id, submission.mobile):
        raise InboxRefused(refusal_text(AddOutcome.DNC))
    result = await place(
        session, submission, account_id=event.account_id, lead_list=lead_list, now=clock.now()
    )
    if result.outcome is AddOutcome.DUPLICATE:
        raise InboxRefused(
            f"The person already has an open lead (#{result.lead_id}) in this campaign."
        )
    event.lead_id = result.lead_id
    event.contact_id = result.contact_id
    _handled(event, ROUTED, user_id)
    await session.flush()
    return result


async def retry(
    session: AsyncSession, event: InboxEvent, submission: LeadSubmission, *, user_id: int
) -> AddResult:
    """Judge the submission again under the current lead types. Processed: it leaves the
    inbox with its lead; otherwise it stays with the new outcome."""
    _waiting(event)
    if kind_of(event) is not InboxKind.SUBMISSION:
        raise InboxRefused("Only a dialler submission can be retried; route a push instead.")
    result = await decide(session, submission, event.account_id, clock.now())
    event.status = result.outcome.value
    event.lead_id = result.lead_id
    event.contact_id = result.contact_id
    event.accepted = result.outcome is AddOutcome.PROCESSED
    event.handled_at = clock.now()
    event.handled_by_user_id = user_id
    await session.flush()
    return result


async def dismiss(session: AsyncSession, event: InboxEvent, *, user_id: int) -> None:
    """Kept, but out of the waiting inbox."""
    _waiting(event)
    _handled(event, DISMISSED, user_id)
    await session.flush()


def outcomes() -> list[str]:
    """The outcomes the inbox can be filtered by."""
    portal = [outcome.value for outcome in pushes.Outcome if not outcome.succeeded]
    return [*_REFUSED_ADDS, *portal, *HANDLED]
