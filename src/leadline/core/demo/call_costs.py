"""The demo's billable call: an inbound call from a demo lead to a demo tracking number, so
the call-cost examples in docs/interfaces/call-costs.md attribute a cost to a lead."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from leadline.core import clock
from leadline.core.activities import service as activities
from leadline.core.demo.builder import DemoContext
from leadline.core.leads import service as leads
from leadline.core.vocabulary import CALL_ANSWERED
from leadline.db.models import Activity, LeadPhone

#: A tracking number (DID) the demo's calls come in on, and the demo lead who calls it.
DEMO_DID = "+442079460123"
DEMO_CALLER = "+447911123400"
#: A cost is matched to a call of the last 24 hours; keep one well inside that.
_FRESH_FOR = timedelta(hours=12)


async def billable_call(context: DemoContext) -> None:
    session = context.session
    now = clock.now()
    recent = await session.scalar(
        select(Activity.id).where(
            Activity.account_id == context.account_id,
            Activity.activity_type == activities.CALL_INBOUND,
            Activity.from_number == DEMO_CALLER,
            Activity.to_number == DEMO_DID,
            Activity.started_at >= now - _FRESH_FOR,
        )
    )
    phone = await session.scalar(
        select(LeadPhone).where(
            LeadPhone.account_id == context.account_id, LeadPhone.number == DEMO_CALLER
        )
    )
    if recent is None and phone is not None:
        lead = await leads.get_lead(session, context.account_id, phone.lead_id)
        await activities.record(
            session,
            account_id=context.account_id,
            activity_type=activities.CALL_INBOUND,
            started_at=now - timedelta(minutes=2),
            answered_at=now - timedelta(minutes=2),
            ended_at=now,
            duration_seconds=120,
            direction="inbound",
            status=CALL_ANSWERED,
            from_number=DEMO_CALLER,
            to_number=DEMO_DID,
            contact_id=lead.contact_id,
            lead_id=lead.id,
            campaign_id=lead.campaign_id,
            source="demo",
        )
    context.output.update(cost_call_from=DEMO_CALLER, cost_call_to=DEMO_DID)
