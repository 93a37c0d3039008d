"""Live campaign statistics over the current hour or day, in the campaign's time zone,
computed from the stored activities, dial attempts, leads and agents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core import clock
from leadline.core.activities.service import CALL_INBOUND
from leadline.core.errors import ValidationFailed
from leadline.core.vocabulary import CALL_ABANDONED, DialStatus
from leadline.db.models import Activity, Campaign, CampaignMember, DialAttempt, Lead, User

PERIODS = ("hour", "day")


@dataclass(frozen=True)
class AgentStates:
    logged_in: int
    available: int
    busy: int
    wrap: int
    unavailable: int


@dataclass(frozen=True)
class CampaignStatistics:
    period_start: datetime
    at: datetime
    agents: AgentStates
    calls_received: int
    calls_abandoned_in_workflow: int
    calls_dialled: int
    calls_answered: int
    calls_abandoned: int
    abandon_rate: Decimal
    leads_remaining: int
    # Inbound queueing does not exist yet: these stay 0 until it does.
    calls_waiting: int = 0
    calls_abandoned_in_queue: int = 0
    max_call_waiting_seconds: int = 0
    average_waiting_seconds: int = 0
    estimated_waiting_seconds: int = 0


def period_start(campaign: Campaign, period: str, at: datetime) -> datetime:
    """The start of the current hour or day in the campaign's zone, as an aware datetime."""
    if period not in PERIODS:
        raise ValidationFailed.single("period", "hour or day")
    local = at.astimezone(clock.zone(campaign.timezone))
    if period == "hour":
        start = local.replace(minute=0, second=0, microsecond=0)
    else:
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start


async def _agent_states(session: AsyncSession, campaign_id: int) -> AgentStates:
    members = list(
        await session.scalars(
            select(User)
            .join(CampaignMember, CampaignMember.user_id == User.id)
            .where(CampaignMember.campaign_id == campaign_id, User.active.is_(True))
        )
    )
    signed_in = [user for user in members if user.logged_in_at is not None]
    on_calls = dict(
        (row.agent_id, row.state)
        for row in await session.execute(
            select(DialAttempt.agent_id, DialAttempt.state).where(
                DialAttempt.campaign_id == campaign_id,
                DialAttempt.agent_id.in_([user.id for user in signed_in]),
                DialAttempt.state.in_(("connected", "ended")),
            )
        )
    )
    busy = sum(1 for user in signed_in if on_calls.get(user.id) == "connected")
    wrap = sum(1 for user in signed_in if on_calls.get(user.id) == "ended")
    free = sum(1 for user in signed_in if user.available and user.id not in on_calls)
    unavailable = sum(1 for user in signed_in if not user.available)
    return AgentStates(len(signed_in), free, busy, wrap, unavailable)


async def campaign_statistics(
    session: AsyncSession, campaign: Campaign, period: str = "hour", *, at: datetime | None = None
) -> CampaignStatistics:
    now = at or clock.now()
    start = period_start(campaign, period, now)
    start_utc = start.astimezone(now.tzinfo)
    end = now + timedelta(microseconds=1)
    inbound = (
        Activity.campaign_id == campaign.id,
        Activity.activity_type == CALL_INBOUND,
        Activity.started_at >= start_utc,
        Activity.started_at < end,
    )
    received, abandoned_inbound = (
        await session.execute(
            select(func.count(), func.count().filter(Activity.status == CALL_ABANDONED)).where(
                *inbound
            )
        )
    ).one()
    dialled, answered, abandoned = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(DialAttempt.answered_at.is_not(None)),
                func.count().filter(DialAttempt.dial_status_id == int(DialStatus.ABANDONED)),
            ).where(
                DialAttempt.campaign_id == campaign.id,
                DialAttempt.dialled_at >= start_utc,
                DialAttempt.dialled_at < end,
            )
        )
    ).one()
    remaining = await session.scalar(
        select(func.count())
        .select_from(Lead)
        .where(Lead.campaign_id == campaign.id, Lead.completed_at.is_(None))
    )
    rate = Decimal(0)
    if answered:
        rate = (Decimal(abandoned) * 100 / Decimal(answered)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
    return CampaignStatistics(
        period_start=start,
        at=now,
        agents=await _agent_states(session, campaign.id),
        calls_received=int(received),
        calls_abandoned_in_workflow=int(abandoned_inbound),
        calls_dialled=int(dialled),
        calls_answered=int(answered),
        calls_abandoned=int(abandoned),
        abandon_rate=rate,
        leads_remaining=int(remaining or 0),
    )
