"""The demo's dialler: the round-the-clock campaign dials with the simulated backend at
a gentle pace (a few calls a minute), its two agents wrap up by themselves, and it has
enough leads to keep the statistics moving."""

from __future__ import annotations

from sqlalchemy import func, select

from leadline.core import clock
from leadline.core.campaigns import service as campaigns
from leadline.core.contacts import service as contacts
from leadline.core.demo.base import ROUND_THE_CLOCK_CAMPAIGN
from leadline.core.demo.builder import DemoContext
from leadline.core.leads import service as leads
from leadline.db.models import Lead

DEMO_DIALLER_OPTIONS: dict[str, object] = {
    "simulated": {
        "answer_rate": 0.4,
        "busy_rate": 0.15,
        "no_answer_rate": 0.3,
        "failure_rate": 0.05,
        "voicemail_rate": 0.1,
        "ring_seconds": [8, 20],
        "talk_seconds": [15, 40],
    },
    "simulated_agents": {"wrap_after_seconds": 10},
}
#: Shorter than the defaults, so the demo's leads come round again within the hour.
DEMO_RETRY_DELAYS = {"2": 900, "3": 300, "4": 120, "5": 600, "8": 1200}
_EXTRA_LEADS = 60
_FIRST_NAMES = ("Lily", "Leo", "Grace", "Arthur", "Freya", "Theo", "Ella", "Henry", "Poppy", "Finn")
_LAST_NAMES = ("Hall", "Green", "Baker", "Turner", "Hill", "Cooper")


async def dialler(context: DemoContext) -> None:
    session = context.session
    campaign = context.campaigns[ROUND_THE_CLOCK_CAMPAIGN]
    campaign.dialler_options = dict(DEMO_DIALLER_OPTIONS)
    campaign.retry_delays = dict(DEMO_RETRY_DELAYS)
    campaign.abandon_message = "Sorry we missed you: we will call you back shortly."
    lead_count = await session.scalar(
        select(func.count()).select_from(Lead).where(Lead.campaign_id == campaign.id)
    )
    if (lead_count or 0) < _EXTRA_LEADS:
        lead_list = await campaigns.default_list(session, campaign)
        now = clock.now()
        for index in range(_EXTRA_LEADS):
            number = f"+4479111236{index:02d}"
            first = _FIRST_NAMES[index % len(_FIRST_NAMES)]
            last = _LAST_NAMES[index % len(_LAST_NAMES)]
            contact, _ = await contacts.find_or_create_contact(
                session,
                account_id=context.account_id,
                number=number,
                first_name=first,
                last_name=last,
                source="demo",
            )
            if await leads.open_lead_of(session, campaign.id, contact.id) is not None:
                continue
            await leads.create_lead(
                session,
                lead_list=lead_list,
                contact=contact,
                phones=[number],
                customer_key=f"DEMO-D{index + 1:03d}",
                source="demo",
                next_attempt_at=now,
            )
    context.output["dialler_campaign_id"] = campaign.id
