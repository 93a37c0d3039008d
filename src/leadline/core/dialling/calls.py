"""A dial attempt from start to end, and what its outcome does to the lead.

An attempt is recorded when it starts (``DialAttempt`` + a ``call.outbound`` activity);
the lead's claim then belongs to the attempt (``locked_by = "attempt:<id>"``) until the
call ends. Each outcome sets the lead's status and its next attempt by the campaign's
retry delays; a lead at its maximum attempts is completed, a lead with no number left is
closed as Invalid Number.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.activities import service as activities
from leadline.core.campaigns.service import retry_delay
from leadline.core.dialling import hopper
from leadline.core.leads import service as leads
from leadline.core.vocabulary import DIAL_STATUS_NAMES, DialStatus, LeadStatus
from leadline.db.models import Activity, Campaign, DialAttempt, Lead, LeadPhone

LIVE_STATES = ("dialling", "connected")
#: How long an agent has to wrap up an answered call before it counts as not wrapped.
DEFAULT_WRAP_TIMEOUT = 900

#: The lead status each unanswered outcome sets.
LEAD_STATUS_OF: dict[int, LeadStatus] = {
    DialStatus.NO_ANSWER: LeadStatus.NO_ANSWER,
    DialStatus.BUSY: LeadStatus.BUSY,
    DialStatus.ABANDONED: LeadStatus.ABANDONED,
    DialStatus.VOICEMAIL: LeadStatus.NO_ANSWER,
    DialStatus.FAILED: LeadStatus.NO_ANSWER,
    DialStatus.DISCONNECTED: LeadStatus.INVALID_NUMBER,
}


def holder_of(attempt_id: int) -> str:
    return f"attempt:{attempt_id}"


def wrap_timeout(campaign: Campaign) -> int:
    value = (campaign.dialler_options or {}).get("wrap_timeout_seconds", DEFAULT_WRAP_TIMEOUT)
    return int(value) if isinstance(value, int | float | str) else DEFAULT_WRAP_TIMEOUT


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def attempt_data(attempt: DialAttempt, extra: dict[str, object] | None = None) -> dict[str, object]:
    """The outbound call activity's ``data`` (the Platform API's outbound call fields)."""
    dial = interaction = 0
    if attempt.answered_at:
        dial = int((attempt.answered_at - attempt.dialled_at).total_seconds())
        if attempt.hangup_at:
            interaction = int((attempt.hangup_at - attempt.answered_at).total_seconds())
    elif attempt.hangup_at:
        dial = int((attempt.hangup_at - attempt.dialled_at).total_seconds())
    data: dict[str, object] = {
        "attemptId": attempt.id,
        "dialStatusId": attempt.dial_status_id,
        "dialStatusName": DIAL_STATUS_NAMES.get(attempt.dial_status_id or 0),
        "phoneIndex": attempt.phone_index,
        "phoneNumber": attempt.phone_number,
        "leadId": attempt.lead_id,
        "durations": {"dial": dial, "interaction": interaction},
        "timestamps": {
            "dialled": _iso(attempt.dialled_at),
            "answered": _iso(attempt.answered_at),
            "hangUp": _iso(attempt.hangup_at),
            "wrapUp": _iso(attempt.wrapped_at),
        },
    }
    return data | (extra or {})


async def start_attempt(
    session: AsyncSession,
    *,
    campaign: Campaign,
    lead: Lead,
    phone: LeadPhone,
    now: datetime,
    lease_until: datetime,
    agent_id: int | None = None,
    worker_id: str | None = None,
) -> DialAttempt:
    """Record the attempt and its activity; the lead (already claimed) now belongs to the
    attempt, counts one more attempt and moves its phone rotation on."""
    attempt = DialAttempt(
        account_id=lead.account_id,
        lead_id=lead.id,
        campaign_id=campaign.id,
        agent_id=agent_id,
        phone_index=phone.phone_index,
        phone_number=phone.number,
        state="dialling",
        dialled_at=now,
        worker_id=worker_id,
        lease_expires_at=lease_until,
    )
    session.add(attempt)
    await session.flush()
    activity = await activities.record(
        session,
        account_id=lead.account_id,
        activity_type=activities.CALL_OUTBOUND,
        direction="outbound",
        started_at=now,
        from_number=campaign.caller_id,
        to_number=phone.number,
        status="Dialling",
        contact_id=lead.contact_id,
        lead_id=lead.id,
        campaign_id=campaign.id,
        agent_id=agent_id,
        source="dialler",
        source_ref=str(attempt.id),
        data=attempt_data(attempt),
    )
    attempt.activity_id = activity.id
    phones = await leads.phones_of(session, lead.id)
    lead.attempts += 1
    lead.last_attempt_at = now
    lead.next_phone_index = hopper.following_index(phones, phone)
    lead.locked_by = holder_of(attempt.id)
    lead.locked_until = lease_until
    phone.attempts += 1
    await session.flush()
    return attempt


async def _activity(session: AsyncSession, attempt: DialAttempt) -> Activity | None:
    if attempt.activity_id is None:
        return None
    return await session.get(Activity, attempt.activity_id)


async def sync_activity(
    session: AsyncSession, attempt: DialAttempt, extra: dict[str, object] | None = None
) -> None:
    activity = await _activity(session, attempt)
    if activity is None:
        return
    activity.answered_at = attempt.answered_at
    activity.ended_at = attempt.hangup_at
    activity.wrapped_at = attempt.wrapped_at
    activity.agent_id = attempt.agent_id
    activity.wrap_code = attempt.wrap_code
    if attempt.dial_status_id is not None:
        activity.status = DIAL_STATUS_NAMES[attempt.dial_status_id]
    elif attempt.answered_at is not None:
        activity.status = "Connected"
    if attempt.hangup_at is not None:
        activity.duration_seconds = int((attempt.hangup_at - attempt.dialled_at).total_seconds())
    previous = dict(activity.data or {})
    data = attempt_data(attempt)
    activity.data = previous | data | (extra or {})
    durations = data["durations"]
    assert isinstance(durations, dict)
    activity.durations = {"dial": durations["dial"], "talk": durations["interaction"]}
    await session.flush()


async def mark_answered(
    session: AsyncSession, attempt: DialAttempt, *, at: datetime, agent_id: int | None
) -> None:
    """The person answered and is now talking to ``agent_id``."""
    attempt.state = "connected"
    attempt.answered_at = at
    attempt.agent_id = agent_id
    await sync_activity(session, attempt)


async def _phone_of(session: AsyncSession, attempt: DialAttempt) -> LeadPhone | None:
    return await session.scalar(
        select(LeadPhone).where(
            LeadPhone.lead_id == attempt.lead_id, LeadPhone.phone_index == attempt.phone_index
        )
    )


async def _campaign_of(session: AsyncSession, attempt: DialAttempt) -> Campaign | None:
    if attempt.campaign_id is None:
        return None
    return await session.get(Campaign, attempt.campaign_id)


async def _open_lead(session: AsyncSession, attempt: DialAttempt) -> Lead | None:
    if attempt.lead_id is None:
        return None
    lead = await session.get(Lead, attempt.lead_id)
    return lead if lead is not None and lead.completed_at is None else None


async def finish_attempt(
    session: AsyncSession,
    attempt: DialAttempt,
    dial_status: int,
    *,
    at: datetime,
    answered_at: datetime | None = None,
    extra: dict[str, object] | None = None,
) -> None:
    """The call ended with ``dial_status``: record it and decide the lead's next step.

    An answered call leaves the lead with the agent, who wraps it up (status, notes,
    call-back); until then the lead is held, and if no wrap-up comes within the wrap
    timeout it is called again then.
    """
    if attempt.state not in LIVE_STATES:
        return
    attempt.dial_status_id = int(dial_status)
    attempt.hangup_at = at
    if answered_at is not None and attempt.answered_at is None:
        attempt.answered_at = answered_at
    attempt.state = "wrapped" if attempt.wrapped_at is not None else "ended"
    await sync_activity(session, attempt, extra)
    lead = await _open_lead(session, attempt)
    campaign = await _campaign_of(session, attempt)
    if lead is None or campaign is None:
        return
    lead.last_dial_status_id = int(dial_status)
    phone = await _phone_of(session, attempt)
    if phone is not None:
        phone.last_dial_status_id = int(dial_status)
    holder = holder_of(attempt.id)
    lead.reserved_for_agent_id = None
    if dial_status == DialStatus.ANSWERED:
        if attempt.wrapped_at is not None:
            # Wrapped up while connected: the wrap-up decided, the lead is free now.
            await leads.release_claim(session, lead.id, holder)
            return
        hold = at + timedelta(seconds=wrap_timeout(campaign))
        if lead.locked_by == holder:
            lead.locked_until = hold
        await leads.reschedule(session, lead, hold)
        return
    await settle_lead(session, campaign, lead, dial_status, at=at)
    await leads.release_claim(session, lead.id, holder)
    await session.flush()


async def settle_lead(
    session: AsyncSession, campaign: Campaign, lead: Lead, dial_status: int, *, at: datetime
) -> None:
    """The lead after an unanswered outcome: retried after the campaign's delay for it,
    completed at the maximum attempts, closed when no number is left to dial."""
    status = LEAD_STATUS_OF.get(int(dial_status), LeadStatus(lead.status_code))
    if dial_status == DialStatus.DISCONNECTED:
        phones = await leads.phones_of(session, lead.id)
        if hopper.next_phone(phones, lead.next_phone_index, set()) is None:
            await leads.complete(session, lead, LeadStatus.INVALID_NUMBER, at=at)
            return
        status = LeadStatus(lead.status_code)
    if lead.attempts >= campaign.max_attempts:
        await leads.complete(session, lead, status, at=at)
        return
    priority = lead.priority
    if dial_status == DialStatus.ABANDONED:
        priority = hopper.ABANDONED_PRIORITY
    elif priority in (hopper.ABANDONED_PRIORITY, hopper.CALLBACK_PRIORITY):
        priority = 0
    due = at + timedelta(seconds=retry_delay(campaign, int(dial_status)))
    await leads.reschedule(session, lead, due, status_code=status, priority=priority)


async def cancel_undialled(
    session: AsyncSession, attempt: DialAttempt, *, at: datetime, reason: str
) -> None:
    """An attempt that never reached the network (the number went on the do-not-call
    list, the reservation ran out): it does not count, the lead is free again now."""
    if attempt.state not in LIVE_STATES:
        return
    attempt.dial_status_id = int(DialStatus.CANCELLED)
    attempt.hangup_at = at
    attempt.state = "ended"
    await sync_activity(session, attempt, {"reason": reason})
    lead = await _open_lead(session, attempt)
    if lead is not None:
        lead.attempts = max(0, lead.attempts - 1)
        lead.next_phone_index = attempt.phone_index
        lead.reserved_for_agent_id = None
        phone = await _phone_of(session, attempt)
        if phone is not None:
            phone.attempts = max(0, phone.attempts - 1)
        await leads.release_claim(session, lead.id, holder_of(attempt.id))
    await session.flush()


async def renew_leases(session: AsyncSession, worker_id: str, until: datetime) -> list[int]:
    """Keep this worker's live calls (and their leads' claims) from expiring."""
    rows = (
        await session.execute(
            select(DialAttempt.id, DialAttempt.lead_id).where(
                DialAttempt.state.in_(LIVE_STATES), DialAttempt.worker_id == worker_id
            )
        )
    ).all()
    live = [attempt_id for attempt_id, _ in rows]
    if live:
        await session.execute(
            update(DialAttempt)
            .where(DialAttempt.id.in_(live))
            .values(lease_expires_at=until)
            .execution_options(synchronize_session=False)
        )
        await session.execute(
            update(Lead)
            .where(
                Lead.id.in_([lead_id for _, lead_id in rows if lead_id is not None]),
                Lead.locked_by.in_([holder_of(attempt_id) for attempt_id in live]),
            )
            .values(locked_until=until)
            .execution_options(synchronize_session=False)
        )
    return live


async def recover_expired(session: AsyncSession, now: datetime, *, limit: int = 500) -> int:
    """End the calls whose worker stopped renewing their lease (it died) and free their
    leads: a call that never reached the network does not count, one that did is Failed."""
    statement = (
        select(DialAttempt)
        .where(DialAttempt.state.in_(LIVE_STATES), DialAttempt.lease_expires_at < now)
        .order_by(DialAttempt.lease_expires_at)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    expired = list(await session.scalars(statement))
    for attempt in expired:
        if attempt.backend_call_id is None:
            await cancel_undialled(session, attempt, at=now, reason="lease-expired")
        else:
            await finish_attempt(
                session, attempt, DialStatus.FAILED, at=now, extra={"reason": "lease-expired"}
            )
    return len(expired)


async def live_attempts(session: AsyncSession, worker_id: str) -> list[DialAttempt]:
    return list(
        await session.scalars(
            select(DialAttempt)
            .where(DialAttempt.state.in_(LIVE_STATES), DialAttempt.worker_id == worker_id)
            .order_by(DialAttempt.id)
        )
    )


async def pending_attempts(
    session: AsyncSession, worker_id: str, limit: int = 200
) -> list[DialAttempt]:
    """Attempts recorded but not yet dialled that this worker may dial: its own, and
    preview reservations nobody has taken yet (taken here, atomically)."""
    unowned = list(
        await session.scalars(
            select(DialAttempt.id).where(
                DialAttempt.state == "dialling",
                DialAttempt.backend_call_id.is_(None),
                DialAttempt.worker_id.is_(None),
            )
        )
    )
    if unowned:
        await session.execute(
            update(DialAttempt)
            .where(DialAttempt.id.in_(unowned), DialAttempt.worker_id.is_(None))
            .values(worker_id=worker_id)
            .execution_options(synchronize_session=False)
        )
    return list(
        await session.scalars(
            select(DialAttempt)
            .where(
                DialAttempt.state == "dialling",
                DialAttempt.backend_call_id.is_(None),
                DialAttempt.worker_id == worker_id,
            )
            .order_by(DialAttempt.id)
            .limit(limit)
            .execution_options(populate_existing=True)
        )
    )
