"""What calls cost, per lead source and campaign. Only current costs count (a correction
replaces the cost it corrects); costs matched to no call are their own row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core import clock
from leadline.db.models import Activity, Agency, CallCost, Campaign, Contact, Lead, Listing
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


# -- The console's cost views: one dimension at a time -------------------------------------


class CostDimension(StrEnum):
    LEAD = "lead"
    SOURCE = "source"
    CAMPAIGN = "campaign"
    AGENCY = "agency"
    LISTING = "listing"


@dataclass(frozen=True)
class CostGroup:
    """What the calls of one lead, source, campaign, agency or listing cost. ``key`` is
    None for calls that have none (no source, no campaign…)."""

    key: int | str | None
    label: str
    calls: int
    leads: int
    cost: Decimal

    @property
    def cost_per_lead(self) -> Decimal | None:
        if not self.leads:
            return None
        return (self.cost / self.leads).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CostReport:
    dimension: CostDimension
    groups: list[CostGroup]
    calls: int
    leads: int
    cost: Decimal
    unattributed: list[CallCost]
    unattributed_calls: int
    unattributed_cost: Decimal

    @property
    def cost_per_lead(self) -> Decimal | None:
        if not self.leads:
            return None
        return (self.cost / self.leads).quantize(CENT, rounding=ROUND_HALF_UP)


CENT = Decimal("0.01")
AnySelect = TypeVar("AnySelect", bound=Select[*tuple[Any, ...]])
#: The most costs matched to no call listed by a report (their sum counts them all).
UNATTRIBUTED_SHOWN = 200


def billed_window(
    first: date | None, last: date | None, timezone: str
) -> tuple[datetime | None, datetime | None]:
    """Days ``first``…``last`` (both included, either open) of the account's zone as the
    ``[from, before)`` instants of :func:`cost_summary` and :func:`cost_report`."""
    zone = clock.zone(timezone)
    return (
        datetime.combine(first, time(), zone) if first else None,
        datetime.combine(last + timedelta(days=1), time(), zone) if last else None,
    )


def _dimension_columns(dimension: CostDimension) -> tuple[Any, Any, Any]:
    """(group key, label, the join that gives the label or None)."""
    if dimension is CostDimension.LEAD:
        return Lead.id, Contact.name, (Contact, Contact.id == Lead.contact_id)
    if dimension is CostDimension.SOURCE:
        source = func.coalesce(Lead.source, Activity.source)
        return source, source, None
    if dimension is CostDimension.CAMPAIGN:
        campaign_id = func.coalesce(Lead.campaign_id, Activity.campaign_id)
        return campaign_id, Campaign.name, (Campaign, Campaign.id == campaign_id)
    if dimension is CostDimension.AGENCY:
        return Activity.agency_id, Agency.name, (Agency, Agency.id == Activity.agency_id)
    return (
        Activity.listing_id,
        func.coalesce(func.nullif(Listing.title, ""), Listing.external_id),
        (Listing, Listing.id == Activity.listing_id),
    )


def _current(
    query: AnySelect,
    account_id: int,
    billed_from: datetime | None,
    billed_before: datetime | None,
) -> AnySelect:
    query = query.where(CallCost.account_id == account_id, CallCost.is_current.is_(True))
    if billed_from is not None:
        query = query.where(CallCost.date_billed >= billed_from)
    if billed_before is not None:
        query = query.where(CallCost.date_billed < billed_before)
    return query


async def cost_report(
    session: AsyncSession,
    account_id: int,
    dimension: CostDimension,
    *,
    billed_from: datetime | None = None,
    billed_before: datetime | None = None,
) -> CostReport:
    """Current costs billed in ``[billed_from, billed_before)`` that matched a call, per
    ``dimension`` (dearest first), their totals, and the costs matched to no call."""
    key, label, join = _dimension_columns(dimension)
    money = func.coalesce(func.sum(CallCost.cost), 0, type_=Money())
    attributed = (
        select(CallCost)
        .join(Activity, Activity.id == CallCost.activity_id)
        .outerjoin(Lead, Lead.id == Activity.lead_id)
    )
    grouped = attributed.with_only_columns(
        key.label("key"),
        label.label("label"),
        func.count(CallCost.id),
        func.count(func.distinct(Lead.id)),
        money.label("cost"),
    )
    if join is not None:
        grouped = grouped.outerjoin(*join)
    grouped = _current(grouped, account_id, billed_from, billed_before).group_by(key, label)
    groups = [
        CostGroup(
            key=row_key,
            label=str(row_label) if row_label not in (None, "") else _unnamed(dimension, row_key),
            calls=int(calls),
            leads=int(leads),
            cost=cost,
        )
        for row_key, row_label, calls, leads, cost in await session.execute(grouped)
    ]
    groups.sort(key=lambda group: (-group.cost, group.label))
    totals = attributed.with_only_columns(
        func.count(CallCost.id), func.count(func.distinct(Lead.id)), money
    )
    calls, leads, cost = (
        await session.execute(
            _current(
                totals,
                account_id,
                billed_from,
                billed_before,
            )
        )
    ).one()
    loose = _current(select(CallCost), account_id, billed_from, billed_before).where(
        CallCost.activity_id.is_(None)
    )
    loose_calls, loose_cost = (
        await session.execute(loose.with_only_columns(func.count(CallCost.id), money))
    ).one()
    unattributed = list(
        await session.scalars(
            loose.order_by(CallCost.date_billed.desc(), CallCost.id.desc()).limit(
                UNATTRIBUTED_SHOWN
            )
        )
    )
    return CostReport(
        dimension=dimension,
        groups=groups,
        calls=int(calls),
        leads=int(leads),
        cost=cost,
        unattributed=unattributed,
        unattributed_calls=int(loose_calls),
        unattributed_cost=loose_cost,
    )


def _unnamed(dimension: CostDimension, key: int | str | None) -> str:
    if key is None:
        return f"(no {dimension.value})"
    return f"Lead #{key}" if dimension is CostDimension.LEAD else f"#{key}"
