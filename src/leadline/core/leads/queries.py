"""Reading leads: filtered keyset pages and everything their details show."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.access.service import Viewer
from leadline.core.pagination import Page, keyset_page, where_given, within
from leadline.db.models import (
    Campaign,
    Lead,
    LeadList,
    LeadPhone,
    LeadStatusCode,
    User,
    WrapCode,
)


async def page_leads(
    session: AsyncSession,
    viewer: Viewer,
    *,
    after: int | None,
    limit: int,
    campaign_id: int | None = None,
    list_id: int | None = None,
    status_code: int | None = None,
    uploaded_from: datetime | None = None,
    uploaded_to: datetime | None = None,
    customer_key: str | None = None,
) -> Page[Lead]:
    statement = select(Lead).where(Lead.account_id == viewer.account_id, viewer.lead_filter())
    statement = where_given(
        statement,
        (Lead.campaign_id, campaign_id),
        (Lead.list_id, list_id),
        (Lead.status_code, status_code),
        (Lead.customer_key, customer_key),
    )
    statement = within(statement, Lead.created_at, uploaded_from, uploaded_to)
    return await keyset_page(session, statement, Lead.id, after=after, limit=limit)


async def visible_lead(session: AsyncSession, viewer: Viewer, lead_id: int) -> Lead:
    return viewer.require(await session.get(Lead, lead_id), "lead", lead_id, viewer.sees_lead)


@dataclass
class LeadContext:
    """What the details of a batch of leads need besides the leads themselves."""

    campaigns: dict[int, Campaign] = field(default_factory=dict)
    lists: dict[int, LeadList] = field(default_factory=dict)
    agents: dict[int, User] = field(default_factory=dict)
    statuses: dict[int, str] = field(default_factory=dict)
    wrap_codes: dict[str, str] = field(default_factory=dict)
    phones: dict[int, list[LeadPhone]] = field(default_factory=lambda: defaultdict(list))


async def lead_context(
    session: AsyncSession, account_id: int, leads: Sequence[Lead]
) -> LeadContext:
    context = LeadContext()
    if not leads:
        return context
    campaign_ids = {lead.campaign_id for lead in leads}
    list_ids = {lead.list_id for lead in leads}
    agent_ids = {lead.assigned_agent_id for lead in leads if lead.assigned_agent_id}
    context.campaigns = {
        c.id: c
        for c in await session.scalars(select(Campaign).where(Campaign.id.in_(campaign_ids)))
    }
    context.lists = {
        item.id: item
        for item in await session.scalars(select(LeadList).where(LeadList.id.in_(list_ids)))
    }
    if agent_ids:
        context.agents = {
            u.id: u for u in await session.scalars(select(User).where(User.id.in_(agent_ids)))
        }
    context.statuses = {
        row.code: row.description
        for row in await session.scalars(
            select(LeadStatusCode).where(LeadStatusCode.account_id == account_id)
        )
    }
    context.wrap_codes = {
        row.code: row.description
        for row in await session.scalars(select(WrapCode).where(WrapCode.account_id == account_id))
    }
    for phone in await session.scalars(
        select(LeadPhone)
        .where(LeadPhone.lead_id.in_([lead.id for lead in leads]))
        .order_by(LeadPhone.lead_id, LeadPhone.phone_index)
    ):
        context.phones[phone.lead_id].append(phone)
    return context
