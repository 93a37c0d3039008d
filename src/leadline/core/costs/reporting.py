"""What calls cost, per lead source and campaign. Only current costs count (a correction
replaces the cost it corrects); costs matched to no call are their own row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.db.models import Activity, CallCost, Campaign, Lead
from leadline.db.types import Money


@dataclass(frozen=True)
class CostSummaryRow:
    source: str | None
    campaign_id: int | None
    campaign: str | None
    attributed: bool
    calls: int
    leads: int
    cost: Decimal


async def cost_summary(
    session: AsyncSession,
    account_id: int,
    *,
    billed_from: datetime | None = None,
    billed_before: datetime | None = None,
) -> list[CostSummaryRow]:
    """Current costs billed in ``[billed_from, billed_before)``, grouped by whether they
    matched a call, the lead's source (else the call's) and the lead's campaign (else the
    call's)."""
    source = func.coalesce(Lead.source, Activity.source)
    campaign_id = func.coalesce(Lead.campaign_id, Activity.campaign_id)
    attributed = CallCost.activity_id.is_not(None)
    query = (
        select(
            attributed.label("attributed"),
            source.label("source"),
            campaign_id.label("campaign_id"),
            Campaign.name,
            func.count(CallCost.id),
            func.count(func.distinct(Lead.id)),
            func.coalesce(func.sum(CallCost.cost), 0, type_=Money()),
        )
        .select_from(CallCost)
        .outerjoin(Activity, Activity.id == CallCost.activity_id)
        .outerjoin(Lead, Lead.id == Activity.lead_id)
        .outerjoin(Campaign, Campaign.id == campaign_id)
        .where(CallCost.account_id == account_id, CallCost.is_current.is_(True))
        .group_by(attributed, source, campaign_id, Campaign.name)
        .order_by(attributed.desc(), source, campaign_id)
    )
    if billed_from is not None:
        query = query.where(CallCost.date_billed >= billed_from)
    if billed_before is not None:
        query = query.where(CallCost.date_billed < billed_before)
    rows = await session.execute(query)
    return [
        CostSummaryRow(
            source=row_source,
            campaign_id=row_campaign_id,
            campaign=name,
            attributed=bool(row_attributed),
            calls=int(calls),
            leads=int(leads),
            cost=cost,
        )
        for row_attributed, row_source, row_campaign_id, name, calls, leads, cost in rows
    ]
