"""Recording a call's cost: append-only rows, one current row per call, the lead's cost as
the sum of its calls' current costs, the first-contact mark, and repeats answered once.

Concurrency: repeats are serialised on their fingerprint and idempotency key, and writes to
one call and one lead on that call's and lead's locks (PostgreSQL advisory lock and row
lock; SQLite's single writer already serialises everything). The partial unique indexes
``uq_call_costs_current`` and ``uq_call_costs_idempotency`` are the backstop.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from leadline.core import clock
from leadline.core.activities.service import CALL_INBOUND, CALL_OUTBOUND
from leadline.core.costs import matching
from leadline.core.webhooks import events as webhook_events
from leadline.db.locks import lock_key
from leadline.db.models import Activity, CallCost, Lead
from leadline.db.types import Money

#: A post identical to one made this recently is a pixel firing twice.
REPEAT_WINDOW = timedelta(hours=24)
METHOD_INGRESS = "ingress"
_CALL_TYPES = (CALL_INBOUND, CALL_OUTBOUND)
#: Written as the partial index ``uq_call_costs_current`` writes it, so SQLite's planner
#: can use that index (it cannot prove ``is_current = 1`` implies ``is_current``).
_IS_CURRENT: ColumnElement[bool] = literal_column("call_costs.is_current")


@dataclass(frozen=True)
class CostPost:
    """One cost as read. The ``*_sent`` texts are what identifies a repeat."""

    account_id: int
    credential_id: int
    call_from: str
    call_to: str
    cost: Decimal
    date_billed: datetime
    call_date: datetime
    notes: str
    ip_address: str
    fingerprint: str
    idempotency_key: str | None = None
    method: str = METHOD_INGRESS


@dataclass(frozen=True)
class Recorded:
    cost: CallCost
    call: Activity | None
    lead: Lead | None
    first_contact: bool


def fingerprint(did: str | None, cid: str | None, cost: str | None, call_date: str | None) -> str:
    """What makes two posts of one credential the same post: the values as sent, an absent
    call date distinct from any given one."""
    return hashlib.sha256(json.dumps([did, cid, cost, call_date]).encode()).hexdigest()


async def find_repeat(session: AsyncSession, post: CostPost) -> CallCost | None:
    """The earlier row this post repeats, after taking the locks that keep a concurrent
    twin waiting until this transaction ends."""
    await lock_key(session, "call-cost-fingerprint", post.credential_id, post.fingerprint)
    if post.idempotency_key is not None:
        await lock_key(session, "call-cost-key", post.credential_id, post.idempotency_key)
        by_key = await session.scalar(
            select(CallCost).where(
                CallCost.credential_id == post.credential_id,
                CallCost.idempotency_key == post.idempotency_key,
            )
        )
        if by_key is not None:
            return by_key
    return await session.scalar(
        select(CallCost)
        .where(
            CallCost.credential_id == post.credential_id,
            CallCost.fingerprint == post.fingerprint,
            CallCost.created_at >= clock.now() - REPEAT_WINDOW,
        )
        .order_by(CallCost.id.desc())
        .limit(1)
    )


async def lead_cost(session: AsyncSession, lead_id: int) -> Decimal:
    """The sum of the current costs of the lead's calls, summed exactly in SQL."""
    total = await session.scalar(
        select(func.coalesce(func.sum(CallCost.cost), 0, type_=Money()))
        .join(Activity, Activity.id == CallCost.activity_id)
        .where(Activity.lead_id == lead_id, _IS_CURRENT)
    )
    return total if total is not None else Decimal("0.0000")


async def first_call_id(session: AsyncSession, lead_id: int) -> int | None:
    """The lead's first contact: its earliest call."""
    return await session.scalar(
        select(Activity.id)
        .where(Activity.lead_id == lead_id, Activity.activity_type.in_(_CALL_TYPES))
        .order_by(Activity.started_at, Activity.id)
        .limit(1)
    )


async def record(session: AsyncSession, post: CostPost) -> Recorded:
    """Insert the cost row, matched to its call when one is found, and bring the lead's
    cost up to date. The caller has checked :func:`find_repeat` in this transaction."""
    call = await matching.find_call(
        session,
        account_id=post.account_id,
        call_from=post.call_from,
        call_to=post.call_to,
        call_date=post.call_date,
    )
    lead: Lead | None = None
    first_contact = False
    if call is not None:
        await lock_key(session, "call-cost-call", call.id)
        if call.lead_id is not None:
            lead = await session.scalar(
                select(Lead)
                .where(Lead.id == call.lead_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        # A later post for the same call corrects it: the previous row stops being current.
        await session.execute(
            update(CallCost)
            .where(CallCost.activity_id == call.id, _IS_CURRENT)
            .values(is_current=False)
            .execution_options(synchronize_session=False)
        )
        if lead is not None:
            first_contact = await first_call_id(session, lead.id) == call.id
    row = CallCost(
        account_id=post.account_id,
        activity_id=call.id if call is not None else None,
        lead_id=lead.id if lead is not None else None,
        credential_id=post.credential_id,
        cost=post.cost,
        date_billed=post.date_billed,
        call_date=post.call_date,
        call_from=post.call_from,
        call_to=post.call_to,
        method=post.method,
        ip_address=post.ip_address,
        notes=post.notes,
        attributed=call is not None,
        is_current=True,
        first_contact=first_contact,
        idempotency_key=post.idempotency_key,
        fingerprint=post.fingerprint,
        created_at=clock.now(),
    )
    session.add(row)
    await session.flush()
    if lead is not None:
        lead.cost = await lead_cost(session, lead.id)
        await session.flush()
    await webhook_events.cost_event(session, row)
    return Recorded(cost=row, call=call, lead=lead, first_contact=first_contact)


async def remember_response(
    session: AsyncSession, row: CallCost, response: dict[str, object]
) -> None:
    """Keep the answer given, so a repeat gets exactly the same one."""
    row.response = response
    await session.flush()


async def costs_of_lead(session: AsyncSession, lead_id: int) -> list[CallCost]:
    """Every cost row of a lead's calls, current and corrected, oldest first."""
    return list(
        await session.scalars(
            select(CallCost)
            .join(Activity, Activity.id == CallCost.activity_id)
            .where(Activity.lead_id == lead_id)
            .order_by(CallCost.id)
        )
    )
