"""Options the console's forms offer, read from the account."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.campaigns import queries
from leadline.core.campaigns import service as campaigns


async def list_options(session: AsyncSession, account_id: int) -> list[tuple[int, str]]:
    """Every lead list of the account as (id, "Campaign – list"), campaign by campaign."""
    found = await campaigns.list_campaigns(session, account_id)
    lists = await queries.lists_of(session, [campaign.id for campaign in found])
    return [
        (lead_list.id, f"{campaign.name} – {lead_list.name}")
        for campaign in found
        for lead_list in lists.get(campaign.id, [])
    ]
