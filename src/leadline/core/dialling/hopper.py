"""The hopper: which leads of a campaign the dialler calls next.

A lead is due when its ``dialable_at`` (its next attempt moved into calling hours in its
own time zone) has come, it is open, nobody holds a claim on it and no agent has it
reserved. Leads are read by index — each list in the dialler by ``ix_leads_list_dialable``
and the few preferred ones (call-backs, abandoned calls, agent-assigned leads) by
``ix_leads_preferred`` — soonest first and never more than asked for, so a tick costs the
same however many leads wait for later. Lists share the calls by weight.

The do-not-call list is checked here, when a lead is queued, and again right before the
number is dialled.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.compliance import dnc
from leadline.core.leads import service as leads
from leadline.core.vocabulary import DialStatus, LeadStatus
from leadline.db.models import Campaign, Lead, LeadList, LeadPhone

#: Priorities the dialler gives: an abandoned call goes first in line, then call-backs.
ABANDONED_PRIORITY = 20
CALLBACK_PRIORITY = 10

# Written exactly as in the partial index, so SQLite can prove the index applies.
_PREFERRED = text("(leads.priority > 0 OR leads.assigned_agent_id IS NOT NULL)")


@dataclass(frozen=True)
class Candidate:
    """A due lead and the phone to dial next."""

    lead: Lead
    phone: LeadPhone


async def dialler_lists(session: AsyncSession, campaign_id: int) -> list[LeadList]:
    return list(
        await session.scalars(
            select(LeadList)
            .where(
                LeadList.campaign_id == campaign_id,
                LeadList.in_dialler.is_(True),
                LeadList.weight > 0,
            )
            .order_by(LeadList.id)
        )
    )


def _due(now: datetime) -> list[Any]:
    return [
        Lead.completed_at.is_(None),
        Lead.dialable_at <= now,
        or_(Lead.locked_by.is_(None), Lead.locked_until < now),
        Lead.reserved_for_agent_id.is_(None),
    ]


def _lock(statement: Any, session: AsyncSession) -> Any:
    # PostgreSQL: workers filling the same campaign take different rows.
    if session.get_bind().dialect.name == "postgresql":
        return statement.with_for_update(skip_locked=True, of=Lead)
    return statement


def interleave_by_weight(batches: Sequence[tuple[int, Sequence[Lead]]]) -> list[Lead]:
    """Merge the lists' queues so each list gets its weight's share (smooth weighted
    round robin: weights 3 and 1 give A A B A, A A B A, …)."""
    queues = [(weight, list(batch)) for weight, batch in batches if batch and weight > 0]
    credit = [0] * len(queues)
    total = sum(weight for weight, _ in queues)
    merged: list[Lead] = []
    while any(queue for _, queue in queues):
        for index, (weight, queue) in enumerate(queues):
            credit[index] += weight if queue else 0
        best = max(
            (index for index, (_, queue) in enumerate(queues) if queue),
            key=lambda index: credit[index],
        )
        credit[best] -= total
        merged.append(queues[best][1].pop(0))
    return merged


async def due_leads(
    session: AsyncSession,
    campaign: Campaign,
    now: datetime,
    limit: int,
    *,
    agent_ids: Iterable[int] | None = None,
) -> list[Lead]:
    """Up to ``limit`` due leads, preferred first, then the lists by weight.

    ``agent_ids``: the agents who could take a call now; a lead assigned to someone else
    waits for its agent.
    """
    if limit <= 0:
        return []
    lists = await dialler_lists(session, campaign.id)
    if not lists:
        return []
    list_ids = [lead_list.id for lead_list in lists]
    agents = list(agent_ids) if agent_ids is not None else []
    preferred = await session.scalars(
        _lock(
            select(Lead)
            .where(
                Lead.campaign_id == campaign.id,
                _PREFERRED,
                *_due(now),
                Lead.list_id.in_(list_ids),
                or_(Lead.assigned_agent_id.is_(None), Lead.assigned_agent_id.in_(agents)),
            )
            .order_by(Lead.priority.desc(), Lead.dialable_at, Lead.id)
            .limit(limit),
            session,
        )
    )
    chosen = list(preferred)
    room = limit - len(chosen)
    if room > 0:
        seen = {lead.id for lead in chosen}
        batches = []
        for lead_list in lists:
            batch = await session.scalars(
                _lock(
                    select(Lead)
                    .where(
                        Lead.list_id == lead_list.id,
                        *_due(now),
                        Lead.assigned_agent_id.is_(None),
                    )
                    .order_by(Lead.dialable_at, Lead.id)
                    .limit(room),
                    session,
                )
            )
            batches.append((lead_list.weight, [lead for lead in batch if lead.id not in seen]))
        chosen.extend(interleave_by_weight(batches)[:room])
    return chosen


def next_phone(
    phones: Sequence[LeadPhone], start_index: int, blocked: set[str]
) -> LeadPhone | None:
    """The phone to dial: from ``start_index`` on, in turn (1 → 2 → 3 → 1), skipping
    numbers on the do-not-call list and numbers found disconnected."""
    ordered = sorted(phones, key=lambda phone: phone.phone_index)
    if not ordered:
        return None
    first = next((i for i, p in enumerate(ordered) if p.phone_index >= start_index), 0)
    for phone in ordered[first:] + ordered[:first]:
        if phone.number in blocked or phone.last_dial_status_id == DialStatus.DISCONNECTED:
            continue
        return phone
    return None


def following_index(phones: Sequence[LeadPhone], used: LeadPhone) -> int:
    indexes = sorted(phone.phone_index for phone in phones)
    later = [index for index in indexes if index > used.phone_index]
    return later[0] if later else indexes[0]


async def phones_by_lead(
    session: AsyncSession, lead_ids: Sequence[int]
) -> dict[int, list[LeadPhone]]:
    grouped: dict[int, list[LeadPhone]] = defaultdict(list)
    if not lead_ids:
        return grouped
    for phone in await session.scalars(
        select(LeadPhone).where(LeadPhone.lead_id.in_(lead_ids)).order_by(LeadPhone.phone_index)
    ):
        grouped[phone.lead_id].append(phone)
    return grouped


async def close_undiallable(
    session: AsyncSession, lead: Lead, phones: Sequence[LeadPhone], blocked: set[str], now: datetime
) -> None:
    """A lead with no phone left to dial leaves the dialler: Do Not Call when a number
    is on the list, else Invalid Number."""
    on_list = any(phone.number in blocked for phone in phones)
    status = LeadStatus.DO_NOT_CALL if on_list else LeadStatus.INVALID_NUMBER
    await leads.complete(session, lead, status, at=now)


async def queue(
    session: AsyncSession,
    campaign: Campaign,
    now: datetime,
    limit: int,
    *,
    agent_ids: Iterable[int] | None = None,
) -> list[Candidate]:
    """Due leads with the phone to dial, after the queue-time checks: a lead at its
    campaign's maximum attempts is completed, a lead whose every number is on the
    do-not-call list (or disconnected) is closed, and listed numbers are skipped."""
    found = await due_leads(session, campaign, now, limit, agent_ids=agent_ids)
    phones = await phones_by_lead(session, [lead.id for lead in found])
    numbers = [phone.number for group in phones.values() for phone in group]
    blocked = await dnc.listed_among(session, campaign.account_id, numbers)
    result = []
    for lead in found:
        if lead.attempts >= campaign.max_attempts:
            await leads.complete(session, lead, lead.status_code, at=now)
            continue
        phone = next_phone(phones[lead.id], lead.next_phone_index, blocked)
        if phone is None:
            await close_undiallable(session, lead, phones[lead.id], blocked, now)
            continue
        result.append(Candidate(lead, phone))
    return result
