"""The dialler lead API's demo: the ``motor-trade`` lead type of the seed's examples,
routed to a "Motor trade" campaign, with ``valeter`` leads in their own list."""

from __future__ import annotations

from sqlalchemy import select

from leadline.core.campaigns import service as campaigns
from leadline.core.demo.base import _campaign
from leadline.core.demo.builder import DemoContext
from leadline.core.submissions import lead_types
from leadline.core.vocabulary import ROUND_THE_CLOCK
from leadline.db.models import LeadList

MOTOR_TRADE_CAMPAIGN = "Motor trade"
MOTOR_TRADE_TYPE = "motor-trade"
VALETER_SUBTYPE = "valeter"
VALETER_LIST = "Valeters"


async def lead_types_step(context: DemoContext) -> None:
    session = context.session
    campaign = await _campaign(
        context,
        MOTOR_TRADE_CAMPAIGN,
        dialling_mode="progressive",
        calling_hours=ROUND_THE_CLOCK,
        timezone="Europe/London",
    )
    valeters = await session.scalar(
        select(LeadList).where(LeadList.campaign_id == campaign.id, LeadList.name == VALETER_LIST)
    )
    if valeters is None:
        valeters = await campaigns.create_list(session, campaign=campaign, name=VALETER_LIST)
    lead_type = await lead_types.find_type(session, context.account_id, MOTOR_TRADE_TYPE)
    if lead_type is None:
        lead_type = await lead_types.create_type(
            session,
            account_id=context.account_id,
            code=MOTOR_TRADE_TYPE,
            campaign_id=campaign.id,
        )
    await lead_types.map_subtype(session, lead_type, VALETER_SUBTYPE, valeters.id)
    context.output["campaign_ids"] = {name: found.id for name, found in context.campaigns.items()}
    context.output["dialler_lead_types"] = [MOTOR_TRADE_TYPE]
