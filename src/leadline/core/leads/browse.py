"""Browsing leads as a person does (the console's leads table): filters, a prefix search
on the name, e-mail and customer key, a phone search by trailing digits, keyset pages and
a count that stops counting at a cap instead of scanning a million rows.

Every statement starts from the viewer's own rule (``Viewer.lead_filter``), so an agent
sees the leads of their campaigns only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core import clock
from leadline.core.access.service import Viewer
from leadline.core.pagination import Page, keyset_page, where_given
from leadline.core.phones import digits_of, tail
from leadline.db.models import Contact, ContactEmail, Lead, LeadPhone

#: The count shown is exact up to this many; beyond it the table says "10,000+".
COUNT_CAP = 10_000
#: What ``due`` may be: dialable now, or only later.
DUE_CHOICES = ("now", "later")
#: What ``state`` may be: still open, or completed.
STATE_CHOICES = ("open", "completed")


@dataclass(frozen=True)
class LeadFilters:
    campaign_id: int | None = None
    list_id: int | None = None
    status_code: int | None = None
    source: str | None = None
    due: str | None = None
    state: str | None = None
    #: A prefix of the contact's name or e-mail, or of the lead's customer key.
    text: str | None = None
    #: Digits of a phone; compared by the last nine (the indexed tail).
    phone: str | None = None


@dataclass(frozen=True)
class LeadCount:
    value: int
    capped: bool


def _prefix_range(column: Any, prefix: str) -> Any:
    """``column`` starts with ``prefix``: a range an ordinary index serves on both
    databases, plus the exact LIKE so a collation's ordering never lets a stranger in."""
    exact = column.startswith(prefix, autoescape=True)
    last = ord(prefix[-1])
    if last >= 0x10FFFF:
        return exact  # no character sorts after it: the LIKE alone
    return (column >= prefix) & (column < prefix[:-1] + chr(last + 1)) & exact


def _text_match(viewer: Viewer, text: str) -> Any:
    """Leads whose person's name or e-mail, or whose customer key, starts with ``text``:
    each found through its own index, as one set of lead ids (so a rare prefix never
    walks the whole table)."""
    lowered = text.lower()
    by_name = select(Contact.id).where(
        Contact.account_id == viewer.account_id, _prefix_range(func.lower(Contact.name), lowered)
    )
    by_email = select(ContactEmail.contact_id).where(
        ContactEmail.account_id == viewer.account_id,
        _prefix_range(ContactEmail.address_lower, lowered),
    )
    by_key = select(Lead.id).where(
        Lead.account_id == viewer.account_id, _prefix_range(Lead.customer_key, text)
    )
    people = union(by_name, by_email).subquery()
    of_people = select(Lead.id).where(Lead.contact_id.in_(select(people.c[0])))
    return Lead.id.in_(union(of_people, by_key))


def phone_tail(raw: str) -> str | None:
    """The tail to look up for what was typed, or None when it holds no digit."""
    return tail(raw) if digits_of(raw) else None


def filtered(viewer: Viewer, filters: LeadFilters, *, now: datetime | None = None) -> Select[Any]:
    """The viewer's leads that pass ``filters`` (unordered)."""
    statement = select(Lead).where(Lead.account_id == viewer.account_id, viewer.lead_filter())
    statement = where_given(
        statement,
        (Lead.campaign_id, filters.campaign_id),
        (Lead.list_id, filters.list_id),
        (Lead.status_code, filters.status_code),
        (Lead.source, filters.source),
    )
    if filters.state == "open":
        statement = statement.where(Lead.completed_at.is_(None))
    elif filters.state == "completed":
        statement = statement.where(Lead.completed_at.is_not(None))
    if filters.due is not None:
        moment = now or clock.now()
        due = Lead.dialable_at <= moment if filters.due == "now" else Lead.dialable_at > moment
        statement = statement.where(Lead.completed_at.is_(None), due)
    if filters.text:
        statement = statement.where(_text_match(viewer, filters.text))
    if filters.phone:
        key = phone_tail(filters.phone)
        statement = statement.where(
            Lead.id.in_(
                select(LeadPhone.lead_id).where(
                    LeadPhone.account_id == viewer.account_id, LeadPhone.tail == key
                )
            )
        )
    return statement


async def browse(
    session: AsyncSession,
    viewer: Viewer,
    filters: LeadFilters,
    *,
    after: int | None,
    limit: int,
    now: datetime | None = None,
) -> Page[Lead]:
    return await keyset_page(
        session, filtered(viewer, filters, now=now), Lead.id, after=after, limit=limit
    )


async def count(
    session: AsyncSession,
    viewer: Viewer,
    filters: LeadFilters,
    *,
    cap: int | None = None,
    now: datetime | None = None,
) -> LeadCount:
    """How many leads pass ``filters``, counting no further than ``cap`` + 1 rows."""
    cap = COUNT_CAP if cap is None else cap
    limited = (
        filtered(viewer, filters, now=now).with_only_columns(Lead.id).limit(cap + 1).subquery()
    )
    found = int(await session.scalar(select(func.count()).select_from(limited)) or 0)
    return LeadCount(min(found, cap), found > cap)
