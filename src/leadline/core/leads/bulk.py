"""Creating many leads in a few statements, under the same unique indexes as
:func:`leadline.core.leads.service.create_lead`: a row the indexes refuse is skipped by
``INSERT … ON CONFLICT DO NOTHING`` and reported with the same words as a single create.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.errors import DuplicateCustomerKey, DuplicateOpenLead
from leadline.core.leads.fields import NewLead
from leadline.core.phones import tail
from leadline.core.webhooks import events as webhook_events
from leadline.db.bulk import insert_rows, one_of, value_chunks
from leadline.db.models import Lead, LeadPhone

# The tables themselves: bulk writes go through Core, not the ORM's unit of work.
_LEADS = cast(Table, Lead.__table__)
_LEAD_PHONES = cast(Table, LeadPhone.__table__)


@dataclass(frozen=True)
class LeadRow:
    """A checked lead, its person, and when the dialler may call it."""

    lead: NewLead
    contact_id: int
    next_attempt_at: datetime
    dialable_at: datetime | None


def _identity(
    campaign_id: int, contact_id: int, list_id: int, customer_key: str | None
) -> tuple[int, int, int, str | None]:
    return (campaign_id, contact_id, list_id, customer_key)


def _row_identity(row: LeadRow) -> tuple[int, int, int, str | None]:
    return _identity(
        row.lead.campaign.id, row.contact_id, row.lead.lead_list.id, row.lead.customer_key
    )


async def insert_leads(
    session: AsyncSession,
    account_id: int,
    rows: Sequence[LeadRow],
    *,
    source: str | None,
    now: datetime,
) -> list[int | dict[str, str]]:
    """Insert ``rows`` as open leads with their phones; for each row in order, the new
    lead's id or why the store refused it (``{"phone1": "open lead 12"}``,
    ``{"customerKey": "…"}``). Among rows refused by each other, the first one wins."""
    if not rows:
        return []
    values = [
        {
            "account_id": account_id,
            "campaign_id": row.lead.campaign.id,
            "list_id": row.lead.lead_list.id,
            "contact_id": row.contact_id,
            "customer_key": row.lead.customer_key,
            "timezone": row.lead.timezone,
            "data": row.lead.data,
            "status_code": row.lead.status_code,
            "assigned_agent_id": row.lead.agent_id,
            "next_attempt_at": row.next_attempt_at,
            "dialable_at": row.dialable_at,
            "source": source,
            "created_at": now,
            "updated_at": now,
        }
        for row in rows
    ]
    inserted = await insert_rows(
        session,
        _LEADS,
        values,
        skip_conflicts=True,
        returning=("id", "campaign_id", "contact_id", "list_id", "customer_key"),
    )
    # The returned rows carry what identifies their request row: the open-lead index makes
    # (campaign, contact) unique among new leads, and the list + key tell apart two rows of
    # one person when one of them was refused for its key.
    created: dict[tuple[int, int, int, str | None], int] = {
        _identity(campaign_id, contact_id, list_id, key): lead_id
        for lead_id, campaign_id, contact_id, list_id, key in inserted
    }
    outcome: list[int | dict[str, str]] = []
    refused: list[int] = []
    for position, row in enumerate(rows):
        lead_id = created.pop(_row_identity(row), None)
        if lead_id is None:
            refused.append(position)
            outcome.append({})
        else:
            outcome.append(lead_id)
    await _insert_phones(session, account_id, rows, outcome)
    if refused:
        await _explain_refusals(session, [rows[p] for p in refused], refused, outcome)
    new_ids = [result for result in outcome if isinstance(result, int)]
    await webhook_events.leads_created(session, account_id, new_ids)
    return outcome


async def _insert_phones(
    session: AsyncSession,
    account_id: int,
    rows: Sequence[LeadRow],
    outcome: Sequence[int | dict[str, str]],
) -> None:
    phones = [
        {
            "account_id": account_id,
            "lead_id": lead_id,
            "phone_index": index,
            "number": number,
            "tail": tail(number),
        }
        for row, lead_id in zip(rows, outcome, strict=True)
        if isinstance(lead_id, int)
        for index, number in enumerate(row.lead.phones, start=1)
    ]
    if phones:
        await insert_rows(session, _LEAD_PHONES, phones)


async def _explain_refusals(
    session: AsyncSession,
    rows: Sequence[LeadRow],
    positions: Sequence[int],
    outcome: list[int | dict[str, str]],
) -> None:
    contact_ids = sorted({row.contact_id for row in rows})
    open_leads: dict[tuple[int, int], int] = {}
    for chunk in value_chunks(session, contact_ids):
        found = await session.execute(
            select(Lead.campaign_id, Lead.contact_id, Lead.id).where(
                one_of(session, Lead.contact_id, chunk),
                Lead.completed_at.is_(None),
            )
        )
        open_leads.update({(c, p): i for c, p, i in found.all()})
    keys = sorted({row.lead.customer_key for row in rows if row.lead.customer_key is not None})
    list_ids = sorted({row.lead.lead_list.id for row in rows})
    taken_keys: set[tuple[int, str]] = set()
    for key_chunk in value_chunks(session, keys):
        keyed = await session.execute(
            select(Lead.list_id, Lead.customer_key).where(
                Lead.list_id.in_(list_ids),
                one_of(session, Lead.customer_key, key_chunk),
            )
        )
        taken_keys.update((list_id, str(key)) for list_id, key in keyed.all())
    for position, row in zip(positions, rows, strict=True):
        problems: dict[str, str] = {}
        open_lead = open_leads.get((row.lead.campaign.id, row.contact_id))
        if open_lead is not None:
            problems["phone1"] = DuplicateOpenLead(open_lead).message
        key = row.lead.customer_key
        if key is not None and (row.lead.lead_list.id, key) in taken_keys:
            problems["customerKey"] = DuplicateCustomerKey(key).message
        outcome[position] = problems or {"lead": "refused by the store"}
