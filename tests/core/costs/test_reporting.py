"""The cost summary: current costs per source and campaign, unattributed ones included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from leadline.core.activities import service as activities
from leadline.core.campaigns import service as campaigns
from leadline.core.contacts import service as contacts
from leadline.core.costs import reporting
from leadline.core.costs import service as costs
from leadline.core.leads import service as leads
from leadline.core.security import Keyring
from leadline.core.vocabulary import Scope
from leadline.db.engine import Database
from tests.factories import World, make_token, make_world

DAY = datetime(2026, 7, 1, 12, tzinfo=UTC)
DID = "+12015550100"


async def _call(
    db: Database, world: World, number: str, *, source: str, second: bool = False
) -> None:
    async with db.transaction() as session:
        campaign = world.campaign
        if second:
            campaign = await campaigns.create_campaign(session, account=world.account, name="B")
        lead_list = await campaigns.default_list(session, campaign)
        contact, _ = await contacts.find_or_create_contact(
            session, account_id=world.account.id, number=number
        )
        lead = await leads.create_lead(
            session, lead_list=lead_list, contact=contact, phones=[number], source=source
        )
        await activities.record(
            session,
            account_id=world.account.id,
            activity_type=activities.CALL_INBOUND,
            started_at=DAY,
            from_number=number,
            to_number=DID,
            lead_id=lead.id,
            campaign_id=lead.campaign_id,
        )


async def _bill(
    db: Database, world: World, credential_id: int, number: str, cost: str, billed: datetime
) -> None:
    async with db.transaction() as session:
        await costs.record(
            session,
            costs.CostPost(
                account_id=world.account.id,
                credential_id=credential_id,
                call_from=number,
                call_to=DID,
                cost=Decimal(cost),
                date_billed=billed,
                call_date=DAY,
                notes="",
                ip_address="192.0.2.1",
                fingerprint=costs.fingerprint(DID, number, cost, None),
            ),
        )


async def test_the_summary_groups_current_costs(db: Database, keyring: Keyring) -> None:
    world = await make_world(db, region="US", timezone="UTC")
    other = await make_world(db, name="Other", region="US", timezone="UTC")
    credential = (await make_token(db, keyring, world.account.id, Scope.CALL_COSTS)).credential
    await _call(db, world, "+12025550101", source="alpha")
    await _call(db, world, "+12025550102", source="alpha")
    await _call(db, world, "+12025550103", source="beta", second=True)
    await _bill(db, world, credential.id, "+12025550101", "1.5", DAY)
    await _bill(db, world, credential.id, "+12025550101", "2.5", DAY)  # corrects the 1.5
    await _bill(db, world, credential.id, "+12025550102", "0.0001", DAY)
    await _bill(db, world, credential.id, "+12025550103", "3", DAY)
    await _bill(db, world, credential.id, "+12025550199", "0.75", DAY)  # no such call
    await _bill(db, world, credential.id, "+12025550199", "9", DAY + timedelta(days=3))

    async with db.read_session() as session:
        rows = await reporting.cost_summary(
            session, world.account.id, billed_before=DAY + timedelta(days=1)
        )
        nothing = await reporting.cost_summary(session, other.account.id)

    summary = {(r.attributed, r.source, r.campaign): (r.calls, r.leads, r.cost) for r in rows}
    assert summary == {
        (True, "alpha", "Outbound"): (2, 2, Decimal("2.5001")),
        (True, "beta", "B"): (1, 1, Decimal("3.0000")),
        (False, None, None): (1, 0, Decimal("0.7500")),
    }
    assert nothing == []
