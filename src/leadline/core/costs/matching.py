"""Which call a cost is for: the latest inbound call from the caller to the number dialled,
started at most five minutes after the reported call date and at most a day before it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.activities.service import CALL_INBOUND
from leadline.db.models import Activity

#: Clocks of the tracking platform and of the store disagree a little.
AFTER_CALL_DATE = timedelta(minutes=5)
#: A platform bills a call within hours of it; older calls are someone else's.
BEFORE_CALL_DATE = timedelta(hours=24)


async def find_call(
    session: AsyncSession, *, account_id: int, call_from: str, call_to: str, call_date: datetime
) -> Activity | None:
    """The call to bill, within ``account_id`` only (served by ``ix_activities_call_match``)."""
    return await session.scalar(
        select(Activity)
        .where(
            Activity.account_id == account_id,
            Activity.from_number == call_from,
            Activity.to_number == call_to,
            Activity.started_at <= call_date + AFTER_CALL_DATE,
            Activity.started_at >= call_date - BEFORE_CALL_DATE,
            Activity.activity_type == CALL_INBOUND,
        )
        .order_by(Activity.started_at.desc(), Activity.id.desc())
        .limit(1)
    )
