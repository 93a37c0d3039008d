"""Filling a campaign's lines: pacing says how many calls may start, the core hopper
says which leads, the atomic claim makes each lead this worker's alone.

One worker at a time fills a campaign (a per-campaign lock: an advisory lock on
PostgreSQL, the single writer on SQLite), so pacing counts are never raced; the leads
themselves are taken with ``FOR UPDATE SKIP LOCKED`` and the conditional-UPDATE claim
that cancellation also uses, so no lead is ever dialled twice at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.dialling import calls, hopper, pacing
from leadline.core.leads import service as leads
from leadline.db.locks import lock_key
from leadline.db.models import Campaign, DialAttempt


@dataclass(frozen=True)
class Fill:
    campaign_id: int
    mode: str
    idle_agents: int
    level: float
    wanted: int
    started: list[DialAttempt]


async def fill_campaign(
    session: AsyncSession,
    campaign: Campaign,
    *,
    now: datetime,
    worker_id: str,
    lease_seconds: int,
    max_calls: int | None = None,
) -> Fill:
    """Record the attempts this campaign should start now (dialled right after commit)."""
    await lock_key(session, "dialler-campaign", campaign.id)
    floor = await pacing.agent_floor(session, campaign, now)
    idle = floor.idle
    level = 1.0
    in_flight = 0
    if campaign.dialling_mode == "predictive":
        level = pacing.dial_level(
            await pacing.day_stats(session, campaign, now), campaign.max_abandon_rate
        )
        in_flight = await pacing.unattached_in_flight(session, campaign.id)
    wanted = pacing.calls_to_start(campaign.dialling_mode, len(idle), in_flight, level)
    if max_calls is not None:
        wanted = min(wanted, max_calls)
    started: list[DialAttempt] = []
    if wanted <= 0:
        return Fill(campaign.id, campaign.dialling_mode, len(idle), level, wanted, started)
    free_agents = list(idle)
    until = now + timedelta(seconds=lease_seconds)
    for candidate in await hopper.queue(session, campaign, now, wanted, agent_ids=idle):
        lead = candidate.lead
        agent_id: int | None = None
        if lead.assigned_agent_id is not None:
            if lead.assigned_agent_id not in free_agents:
                continue
            agent_id = lead.assigned_agent_id
        elif campaign.dialling_mode == "progressive":
            if not free_agents:
                break
            agent_id = free_agents[0]
        if not await leads.claim_for_dialling(session, lead.id, worker_id, until, now=now):
            continue
        if agent_id is not None:
            free_agents.remove(agent_id)
        started.append(
            await calls.start_attempt(
                session,
                campaign=campaign,
                lead=lead,
                phone=candidate.phone,
                now=now,
                lease_until=until,
                agent_id=agent_id,
                worker_id=worker_id,
            )
        )
        if len(started) >= wanted:
            break
    return Fill(campaign.id, campaign.dialling_mode, len(idle), level, wanted, started)
