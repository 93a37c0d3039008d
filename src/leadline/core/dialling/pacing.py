"""Pacing: how many calls a campaign may start now, by dialling mode.

- preview: none by itself — agents ask for their next lead.
- progressive: one call per available, idle agent of the campaign (the agent is chosen
  when the call starts, so nobody answers to silence).
- predictive: idle agents × a dial level that follows the measured answer rate of the
  day, held back as the day's abandonment rate nears the campaign's maximum and back to
  one call per agent when it reaches it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core import clock
from leadline.core.dialling.calls import LIVE_STATES, wrap_timeout
from leadline.core.vocabulary import DialStatus
from leadline.db.models import Campaign, CampaignMember, DialAttempt, User

#: Finished attempts needed before the measured answer rate is trusted.
MIN_SAMPLE = 20
#: The most calls per idle agent predictive mode ever places.
MAX_DIAL_LEVEL = 3.0


@dataclass(frozen=True)
class DayStats:
    dialled: int
    answered: int  # reached an agent
    abandoned: int  # answered by the person, no agent free
    finished: int

    @property
    def answer_rate(self) -> float | None:
        """People who picked up per finished call (None before enough calls)."""
        if self.finished < MIN_SAMPLE:
            return None
        return (self.answered + self.abandoned) / self.finished

    @property
    def abandon_rate(self) -> float:
        """Abandoned calls as a percentage of answered calls (answered + abandoned)."""
        picked_up = self.answered + self.abandoned
        return 100.0 * self.abandoned / picked_up if picked_up else 0.0


def day_start(campaign: Campaign, now: datetime) -> datetime:
    zone = clock.zone(campaign.timezone)
    local_midnight = datetime.combine(now.astimezone(zone).date(), time(0), tzinfo=zone)
    return local_midnight.astimezone(now.tzinfo)


async def day_stats(session: AsyncSession, campaign: Campaign, now: datetime) -> DayStats:
    """Today's attempts (in the campaign's time zone) by outcome."""
    return await attempt_stats(session, campaign.id, day_start(campaign, now))


async def attempt_stats(session: AsyncSession, campaign_id: int, since: datetime) -> DayStats:
    """The campaign's attempts dialled since ``since`` by outcome (for any period: the
    Platform API's hour and day statistics use it too)."""
    rows = await session.execute(
        select(DialAttempt.dial_status_id, func.count())
        .where(DialAttempt.campaign_id == campaign_id, DialAttempt.dialled_at >= since)
        .group_by(DialAttempt.dial_status_id)
    )
    counts = {status: int(count) for status, count in rows.all()}
    dialled = sum(counts.values()) - counts.get(int(DialStatus.CANCELLED), 0)
    finished = dialled - counts.get(None, 0)  # type: ignore[call-overload]
    return DayStats(
        dialled=dialled,
        answered=counts.get(int(DialStatus.ANSWERED), 0),
        abandoned=counts.get(int(DialStatus.ABANDONED), 0),
        finished=finished,
    )


def dial_level(stats: DayStats, max_abandon_rate: Decimal | float) -> float:
    """Calls per idle agent in predictive mode."""
    cap = float(max_abandon_rate)
    rate = stats.answer_rate
    if rate is None or cap <= 0:
        return 1.0
    level = min(MAX_DIAL_LEVEL, 1.0 / max(rate, 1.0 / MAX_DIAL_LEVEL))
    abandoned = stats.abandon_rate
    if abandoned >= cap:
        return 1.0
    if abandoned > cap / 2:
        # Ease back linearly from full level (at half the cap) to one call per agent.
        share = (cap - abandoned) / (cap / 2)
        level = 1.0 + (level - 1.0) * share
    return max(1.0, level)


def calls_to_start(mode: str, idle_agents: int, unattached_in_flight: int, level: float) -> int:
    if mode == "progressive":
        return max(0, idle_agents)
    if mode == "predictive":
        return max(0, math.floor(idle_agents * level + 1e-9) - unattached_in_flight)
    return 0


@dataclass(frozen=True)
class AgentFloor:
    available: list[int]  # available members of the campaign
    busy: set[int]  # on a call, in wrap-up or holding a preview lead

    @property
    def idle(self) -> list[int]:
        return [agent for agent in self.available if agent not in self.busy]


async def busy_agents(
    session: AsyncSession, agent_ids: list[int], now: datetime, wrap_seconds: int
) -> set[int]:
    if not agent_ids:
        return set()
    on_call = await session.scalars(
        select(DialAttempt.agent_id).where(
            DialAttempt.agent_id.in_(agent_ids),
            or_(
                DialAttempt.state.in_(LIVE_STATES),
                and_(
                    DialAttempt.state == "ended",
                    DialAttempt.dial_status_id == int(DialStatus.ANSWERED),
                    DialAttempt.wrapped_at.is_(None),
                    DialAttempt.hangup_at >= now - timedelta(seconds=wrap_seconds),
                ),
            ),
        )
    )
    # A preview reservation is an attempt in ``dialling`` with its agent: counted above.
    return {agent for agent in on_call if agent is not None}


async def agent_floor(session: AsyncSession, campaign: Campaign, now: datetime) -> AgentFloor:
    """The campaign's members who are available now, and which of them are busy."""
    available = list(
        await session.scalars(
            select(User.id)
            .join(CampaignMember, CampaignMember.user_id == User.id)
            .where(
                CampaignMember.campaign_id == campaign.id,
                User.available.is_(True),
                User.active.is_(True),
            )
            .order_by(User.available_changed_at, User.id)
        )
    )
    busy = await busy_agents(session, available, now, wrap_timeout(campaign))
    return AgentFloor(available=available, busy=busy)


async def unattached_in_flight(session: AsyncSession, campaign_id: int) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(DialAttempt)
        .where(
            DialAttempt.campaign_id == campaign_id,
            DialAttempt.state.in_(LIVE_STATES),
            DialAttempt.agent_id.is_(None),
        )
    )
    return int(count or 0)
