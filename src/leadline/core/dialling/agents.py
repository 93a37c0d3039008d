"""Agents at work: the next lead for a preview agent, and the wrap-up of a call.

The Platform API's ``POST /agents/{agentId}/next-lead`` and
``POST /dialler/calls/{attemptId}/wrap`` are thin wrappers over these two functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core import clock
from leadline.core.campaigns.service import retry_delay
from leadline.core.compliance import dnc
from leadline.core.dialling import calls, hopper, pacing
from leadline.core.errors import Conflict, NotFound, ValidationFailed
from leadline.core.leads import service as leads
from leadline.core.vocabulary import DialStatus, LeadStatus
from leadline.db.locks import lock_key
from leadline.db.models import (
    Activity,
    Campaign,
    CampaignMember,
    DialAttempt,
    Lead,
    LeadStatusCode,
    User,
    WrapCode,
)

#: How long a preview agent holds a lead before it goes back to the hopper.
RESERVATION_SECONDS = 600


@dataclass(frozen=True)
class Reservation:
    lead: Lead
    attempt: DialAttempt
    campaign: Campaign


async def _preview_campaigns(session: AsyncSession, agent: User) -> list[Campaign]:
    return list(
        await session.scalars(
            select(Campaign)
            .join(CampaignMember, CampaignMember.campaign_id == Campaign.id)
            .where(
                CampaignMember.user_id == agent.id,
                Campaign.account_id == agent.account_id,
                Campaign.is_active.is_(True),
                Campaign.campaign_type == "outbound",
                Campaign.dialling_mode == "preview",
            )
            .order_by(Campaign.id)
        )
    )


async def reserve_next_lead(
    session: AsyncSession,
    agent: User,
    *,
    campaign_id: int | None = None,
    now: datetime | None = None,
) -> Reservation | None:
    """Reserve the next due lead of the agent's preview campaigns for ``agent`` and
    record its attempt (dialled by the engine on its next tick); None when none is due.

    The agent must be available and not already busy. The lead is claimed with the same
    atomic claim the dialler and cancellation use, so a cancel racing it loses or wins
    cleanly.
    """
    now = now or clock.now()
    if not agent.active:
        raise Conflict("agent is not active")
    if not agent.available:
        raise Conflict("agent is not available")
    await lock_key(session, "dialler-agent", agent.id)
    if agent.id in await pacing.busy_agents(session, [agent.id], now, calls.DEFAULT_WRAP_TIMEOUT):
        raise Conflict("agent is busy with another call")
    for campaign in await _preview_campaigns(session, agent):
        if campaign_id is not None and campaign.id != campaign_id:
            continue
        await lock_key(session, "dialler-campaign", campaign.id)
        for candidate in await hopper.queue(session, campaign, now, 5, agent_ids=[agent.id]):
            until = now + timedelta(seconds=RESERVATION_SECONDS)
            lead = candidate.lead
            if not await leads.claim_for_dialling(
                session, lead.id, f"agent:{agent.id}", until, now=now
            ):
                continue
            lead.reserved_for_agent_id = agent.id
            attempt = await calls.start_attempt(
                session,
                campaign=campaign,
                lead=lead,
                phone=candidate.phone,
                now=now,
                lease_until=until,
                agent_id=agent.id,
            )
            return Reservation(lead=lead, attempt=attempt, campaign=campaign)
    return None


async def _wrap_code(session: AsyncSession, account_id: int, code: str) -> WrapCode:
    found = await session.scalar(
        select(WrapCode).where(WrapCode.account_id == account_id, WrapCode.code == code)
    )
    if found is None:
        raise ValidationFailed.single("wrapCode", f"unknown wrap code {code!r}")
    return found


async def wrap_up(
    session: AsyncSession,
    attempt: DialAttempt,
    status_code: int | None,
    wrap_code: str | None,
    notes: str | None,
    call_back_at: datetime | None,
    *,
    now: datetime | None = None,
) -> Lead | None:
    """The agent's wrap-up of an answered call: the status (or the one the wrap code
    sets), notes and a call-back time. A call-back reschedules the lead to that time
    ahead of the queue; a final status completes it (Do Not Call also lists its number);
    any other status retries it after the campaign's delay. Returns the lead.
    """
    now = now or clock.now()
    if attempt.answered_at is None or attempt.state not in ("connected", "ended"):
        raise Conflict("only an answered call that is not wrapped up can be wrapped up")
    if attempt.wrapped_at is not None:
        raise Conflict("the call is already wrapped up")
    code = await _wrap_code(session, attempt.account_id, wrap_code) if wrap_code else None
    status = status_code if status_code is not None else (code.status_code if code else None)
    if call_back_at is not None:
        if call_back_at.tzinfo is None:
            raise ValidationFailed.single("callBackAt", "needs a time zone")
        status = status if status is not None else int(LeadStatus.CALL_BACK)
    if status is None:
        raise ValidationFailed.single(
            "statusCode", "give a status code, a wrap code or a call-back"
        )
    await leads.check_status_code(session, attempt.account_id, status)
    final = await session.scalar(
        select(LeadStatusCode.is_final).where(
            LeadStatusCode.account_id == attempt.account_id, LeadStatusCode.code == status
        )
    )
    attempt.wrapped_at = now
    attempt.wrap_code = code.code if code else wrap_code
    attempt.notes = notes
    if attempt.state == "ended":
        attempt.state = "wrapped"
    await calls.sync_activity(session, attempt, {"wrapCode": attempt.wrap_code, "notes": notes})
    activity = await session.get(Activity, attempt.activity_id) if attempt.activity_id else None
    if activity is not None:
        activity.description = notes
        if attempt.hangup_at is not None:
            activity.durations = activity.durations | {
                "wrap": int((now - attempt.hangup_at).total_seconds())
            }
    lead = await session.get(Lead, attempt.lead_id) if attempt.lead_id else None
    if lead is None:
        return None
    campaign = await session.get(Campaign, lead.campaign_id)
    assert campaign is not None
    if lead.completed_at is None:
        lead.last_wrap_code = attempt.wrap_code
        lead.reserved_for_agent_id = None
        if call_back_at is not None:
            await call_back(session, lead, call_back_at, status_code=status)
        elif final:
            await leads.complete(session, lead, status, at=now)
            if status == LeadStatus.DO_NOT_CALL:
                await dnc.add(
                    session,
                    account_id=lead.account_id,
                    number=attempt.phone_number,
                    reason="asked on a call",
                    added_by_user_id=attempt.agent_id,
                    source="dialler",
                )
        elif lead.attempts >= campaign.max_attempts:
            await leads.complete(session, lead, status, at=now)
        else:
            due = now + timedelta(seconds=retry_delay(campaign, int(DialStatus.ANSWERED)))
            await leads.reschedule(session, lead, due, status_code=status, priority=0)
        if attempt.state == "wrapped":
            # A call still connected keeps its lead until it hangs up.
            await leads.release_claim(session, lead.id, calls.holder_of(attempt.id))
    await session.flush()
    return lead


async def call_back(
    session: AsyncSession, lead: Lead, at: datetime, *, status_code: int | None = None
) -> Lead:
    """Ask for the lead to be called back at ``at``, ahead of the queue (the status is
    Call Back unless another is given)."""
    if lead.completed_at is not None:
        raise Conflict("a completed lead cannot be called back")
    if at.tzinfo is None:
        raise ValidationFailed.single("callBackAt", "needs a time zone")
    status = status_code if status_code is not None else int(LeadStatus.CALL_BACK)
    return await leads.reschedule(
        session, lead, at, status_code=status, priority=hopper.CALLBACK_PRIORITY
    )


async def get_attempt(session: AsyncSession, account_id: int, attempt_id: int) -> DialAttempt:
    attempt = await session.get(DialAttempt, attempt_id)
    if attempt is None or attempt.account_id != account_id:
        raise NotFound("attempt", attempt_id)
    return attempt


async def current_call(
    session: AsyncSession, agent: User, *, now: datetime | None = None
) -> DialAttempt | None:
    """The agent's call in hand: a preview lead reserved or being dialled, a call they
    are on, or an answered call waiting for their wrap-up (the same calls the pacing
    counts as keeping the agent busy)."""
    now = now or clock.now()
    busy_since = now - timedelta(seconds=calls.DEFAULT_WRAP_TIMEOUT)
    return await session.scalar(
        select(DialAttempt)
        .where(
            DialAttempt.account_id == agent.account_id,
            DialAttempt.agent_id == agent.id,
            DialAttempt.wrapped_at.is_(None),
            (DialAttempt.state.in_(calls.LIVE_STATES))
            | (
                (DialAttempt.state == "ended")
                & (DialAttempt.dial_status_id == int(DialStatus.ANSWERED))
                & (DialAttempt.hangup_at >= busy_since)
            ),
        )
        .order_by(DialAttempt.id.desc())
        .limit(1)
    )
