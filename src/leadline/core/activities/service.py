"""Activities: the timeline of what happened with a contact (calls, web leads, events)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core import clock
from leadline.core.ownership import get_owned
from leadline.core.webhooks import events as webhook_events
from leadline.db.models import Activity, Company, Contact

#: Activity types (``Activity.activity_type``).
CALL_INBOUND = "call.inbound"
CALL_OUTBOUND = "call.outbound"
WEB_LEAD = "web.lead"
CRM_EVENT = "crm.event"


async def record(
    session: AsyncSession,
    *,
    account_id: int,
    activity_type: str,
    started_at: datetime | None = None,
    **fields: Any,
) -> Activity:
    """Add an activity and mark its contact (or company) as active now, so lookups can
    list the most recently active first."""
    activity = Activity(
        account_id=account_id,
        activity_type=activity_type,
        started_at=started_at or clock.now(),
        **fields,
    )
    session.add(activity)
    await session.flush()
    if activity.root_id is None and activity.parent_id is None:
        activity.root_id = activity.id
    moment = clock.now()
    if activity.contact_id is not None:
        contact = await session.get(Contact, activity.contact_id)
        if contact is not None:
            contact.last_activity_at = moment
    if activity.company_id is not None:
        company = await session.get(Company, activity.company_id)
        if company is not None:
            company.last_activity_at = moment
    await session.flush()
    if activity_type in (CALL_INBOUND, CALL_OUTBOUND):
        await webhook_events.call_event(session, activity)
    return activity


async def get_activity(session: AsyncSession, account_id: int, activity_id: int) -> Activity:
    return await get_owned(session, Activity, account_id, activity_id, "activity")
