"""What the dialler is doing, per campaign: for ``leadline dialler status`` and the
Platform API's campaign statistics."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.dialling import calls, pacing
from leadline.core.leads import scheduling
from leadline.core.leads import service as leads
from leadline.db.models import Campaign, DialAttempt, Lead, Lease


@dataclass(frozen=True)
class CampaignStatus:
    campaign_id: int
    name: str
    mode: str
    active: bool
    leads_open: int
    leads_due: int
    calls_live: int
    agents_available: int
    agents_idle: int
    dialled_today: int
    answered_today: int
    abandoned_today: int
    abandon_rate: float
    dial_level: float

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


async def campaign_status(
    session: AsyncSession, campaign: Campaign, now: datetime
) -> CampaignStatus:
    open_count, due_count = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(Lead.dialable_at <= now),
            ).where(Lead.campaign_id == campaign.id, Lead.completed_at.is_(None))
        )
    ).one()
    live = await session.scalar(
        select(func.count())
        .select_from(DialAttempt)
        .where(DialAttempt.campaign_id == campaign.id, DialAttempt.state.in_(calls.LIVE_STATES))
    )
    floor = await pacing.agent_floor(session, campaign, now)
    stats = await pacing.day_stats(session, campaign, now)
    level = (
        pacing.dial_level(stats, campaign.max_abandon_rate)
        if campaign.dialling_mode == "predictive"
        else 1.0
    )
    return CampaignStatus(
        campaign_id=campaign.id,
        name=campaign.name,
        mode=campaign.dialling_mode,
        active=campaign.is_active,
        leads_open=int(open_count),
        leads_due=int(due_count),
        calls_live=int(live or 0),
        agents_available=len(floor.available),
        agents_idle=len(floor.idle),
        dialled_today=stats.dialled,
        answered_today=stats.answered,
        abandoned_today=stats.abandoned,
        abandon_rate=round(stats.abandon_rate, 2),
        dial_level=round(level, 2),
    )


async def engine_lease(session: AsyncSession, name: str) -> Lease | None:
    return await session.get(Lease, name)


async def recompute_dialable(session: AsyncSession, campaign: Campaign, batch: int = 1000) -> int:
    """Move every open lead's ``dialable_at`` to the campaign's current calling hours
    (after the hours change). Returns how many leads were looked at."""
    seen = 0
    last_id = 0
    while True:
        rows = list(
            await session.scalars(
                select(Lead)
                .where(
                    Lead.campaign_id == campaign.id,
                    Lead.completed_at.is_(None),
                    Lead.id > last_id,
                )
                .order_by(Lead.id)
                .limit(batch)
            )
        )
        if not rows:
            return seen
        for lead in rows:
            phones = await leads.phones_of(session, lead.id)
            due = lead.next_attempt_at or lead.created_at
            lead.dialable_at = scheduling.dialable_at(
                campaign, lead.timezone, phones[0].number if phones else "", due
            )
        await session.flush()
        seen += len(rows)
        last_id = rows[-1].id
