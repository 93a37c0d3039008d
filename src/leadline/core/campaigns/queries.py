"""Reading campaigns and their lists: keyset pages, visible lookups, agent counts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.access.service import Viewer
from leadline.core.pagination import Page, keyset_page, where_given
from leadline.db.models import Campaign, CampaignMember, LeadList, LeadStatusCode, User, WrapCode


async def page_campaigns(
    session: AsyncSession, viewer: Viewer, *, after: int | None, limit: int
) -> Page[Campaign]:
    statement = select(Campaign).where(
        Campaign.account_id == viewer.account_id, viewer.campaign_filter(Campaign.id)
    )
    return await keyset_page(session, statement, Campaign.id, after=after, limit=limit)


async def visible_campaign(session: AsyncSession, viewer: Viewer, campaign_id: int) -> Campaign:
    campaign = await session.get(Campaign, campaign_id)
    return viewer.require(campaign, "campaign", campaign_id, lambda c: viewer.sees_campaign(c.id))


async def page_lists(
    session: AsyncSession,
    viewer: Viewer,
    *,
    after: int | None,
    limit: int,
    campaign_id: int | None = None,
) -> Page[LeadList]:
    statement = select(LeadList).where(
        LeadList.account_id == viewer.account_id, viewer.campaign_filter(LeadList.campaign_id)
    )
    statement = where_given(statement, (LeadList.campaign_id, campaign_id))
    return await keyset_page(session, statement, LeadList.id, after=after, limit=limit)


async def visible_list(session: AsyncSession, viewer: Viewer, list_id: int) -> LeadList:
    lead_list = await session.get(LeadList, list_id)
    return viewer.require(
        lead_list, "list", list_id, lambda item: viewer.sees_campaign(item.campaign_id)
    )


async def lists_of(session: AsyncSession, campaign_ids: Sequence[int]) -> dict[int, list[LeadList]]:
    found: dict[int, list[LeadList]] = defaultdict(list)
    if campaign_ids:
        for item in await session.scalars(
            select(LeadList).where(LeadList.campaign_id.in_(campaign_ids)).order_by(LeadList.id)
        ):
            found[item.campaign_id].append(item)
    return found


async def campaign_names(session: AsyncSession, campaign_ids: Sequence[int]) -> dict[int, str]:
    if not campaign_ids:
        return {}
    rows = await session.execute(
        select(Campaign.id, Campaign.name).where(Campaign.id.in_(campaign_ids))
    )
    return {row.id: row.name for row in rows}


@dataclass(frozen=True)
class AgentCounts:
    total: int
    logged_in: int
    available: int


async def agent_counts(
    session: AsyncSession, campaign_ids: Sequence[int]
) -> dict[int, AgentCounts]:
    """Per campaign: its active agents, how many are signed in, and how many of those are
    available."""
    if not campaign_ids:
        return {}
    signed_in = User.logged_in_at.is_not(None)
    rows = await session.execute(
        select(
            CampaignMember.campaign_id,
            func.count(),
            func.count().filter(signed_in),
            func.count().filter(signed_in & User.available.is_(True)),
        )
        .join(User, User.id == CampaignMember.user_id)
        .where(CampaignMember.campaign_id.in_(campaign_ids), User.active.is_(True))
        .group_by(CampaignMember.campaign_id)
    )
    counts = {row[0]: AgentCounts(row[1], row[2], row[3]) for row in rows}
    return {cid: counts.get(cid, AgentCounts(0, 0, 0)) for cid in campaign_ids}


async def wrap_codes(session: AsyncSession, account_id: int) -> list[WrapCode]:
    return list(
        await session.scalars(
            select(WrapCode).where(WrapCode.account_id == account_id).order_by(WrapCode.id)
        )
    )


async def status_codes(session: AsyncSession, account_id: int) -> list[LeadStatusCode]:
    return list(
        await session.scalars(
            select(LeadStatusCode)
            .where(LeadStatusCode.account_id == account_id)
            .order_by(LeadStatusCode.code)
        )
    )
