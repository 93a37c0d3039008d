"""The payloads of the events, one function per kind of record, so every place that
emits one sends the same small, stable shape."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.webhooks import service
from leadline.core.webhooks.service import iso
from leadline.db.models import Activity, CallCost, InboxEvent, Lead


def lead_data(lead: Lead) -> dict[str, Any]:
    return {
        "leadId": lead.id,
        "campaignId": lead.campaign_id,
        "listId": lead.list_id,
        "contactId": lead.contact_id,
        "customerKey": lead.customer_key,
        "statusCode": lead.status_code,
        "assignedAgentId": lead.assigned_agent_id,
        "source": lead.source,
        "completedAt": iso(lead.completed_at),
    }


async def lead_event(session: AsyncSession, event_type: str, lead: Lead) -> None:
    await service.emit(
        session, lead.account_id, event_type, lead_data(lead), ordering_key=f"lead:{lead.id}"
    )


async def leads_created(session: AsyncSession, account_id: int, lead_ids: Sequence[int]) -> None:
    """``lead.created`` for leads inserted set-based (bulk imports), in id order."""
    subscriptions = await service.listening(session, account_id, service.LEAD_CREATED)
    if not subscriptions or not lead_ids:
        return
    found = await session.scalars(select(Lead).where(Lead.id.in_(lead_ids)).order_by(Lead.id))
    await service.emit_many(
        session,
        account_id,
        service.LEAD_CREATED,
        [(lead_data(lead), f"lead:{lead.id}") for lead in found],
        subscriptions=subscriptions,
    )


async def call_event(session: AsyncSession, activity: Activity) -> None:
    data = {
        "activityId": activity.id,
        "leadId": activity.lead_id,
        "contactId": activity.contact_id,
        "campaignId": activity.campaign_id,
        "agentId": activity.agent_id,
        "from": activity.from_number,
        "to": activity.to_number,
        "status": activity.status,
        "startedAt": iso(activity.started_at),
    }
    key = f"lead:{activity.lead_id}" if activity.lead_id is not None else None
    await service.emit(session, activity.account_id, activity.activity_type, data, key)


async def cost_event(session: AsyncSession, cost: CallCost) -> None:
    data = {
        "costId": cost.id,
        "activityId": cost.activity_id,
        "leadId": cost.lead_id,
        "cost": f"{cost.cost:.4f}",
        "callDate": iso(cost.call_date),
        "from": cost.call_from,
        "to": cost.call_to,
        "attributed": cost.attributed,
    }
    key = f"lead:{cost.lead_id}" if cost.lead_id is not None else None
    await service.emit(session, cost.account_id, service.CALL_COST, data, key)


async def submission_event(session: AsyncSession, submission: InboxEvent) -> None:
    data = {
        "submissionId": submission.id,
        "kind": submission.kind,
        "status": submission.status,
        "leadId": submission.lead_id,
        "contactId": submission.contact_id,
        "receivedAt": iso(submission.received_at),
    }
    await service.emit(session, submission.account_id, service.SUBMISSION_UNPROCESSED, data, None)
