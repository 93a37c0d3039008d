"""A month of priced calls with known totals, for the cost views (core and console).

The account lives in Europe/Rome (UTC+1 in January): a cost billed 2026-01-14 23:30 UTC
belongs to the 15th there, one billed 2026-01-15 23:30 UTC to the 16th."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from leadline.core.activities import service as activities
from leadline.core.contacts import service as contacts
from leadline.core.leads import service as leads
from leadline.core.portal import directory
from leadline.db.engine import Database
from leadline.db.models import CallCost
from tests.factories import World, make_world

ZONE = "Europe/Rome"
NOON = datetime(2026, 1, 15, 12, tzinfo=UTC)
#: The 15th in Rome, the 14th in UTC.
EARLY = datetime(2026, 1, 14, 23, 30, tzinfo=UTC)
#: The 16th in Rome, the 15th in UTC.
LATE = datetime(2026, 1, 15, 23, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Priced:
    world: World
    lead_ids: list[int]
    agencies: list[int]
    listings: list[int]


async def priced_world(db: Database, name: str = "Costly") -> Priced:
    world = await make_world(db, name=name, region="IT", timezone=ZONE)
    account_id = world.account.id
    async with db.transaction() as session:
        casa = await directory.create_agency(
            session, account_id=account_id, external_id="A-1", name="Casa Srl"
        )
        immobili = await directory.create_agency(
            session, account_id=account_id, external_id="A-2", name="Immobili"
        )
        roma = await directory.create_listing(
            session, agency=casa, external_id="L-1", title="Via Roma 1"
        )
        bare = await directory.create_listing(session, agency=immobili, external_id="L-2")
        lead_ids = []
        for number, source, name_ in (
            ("+393451111111", "immobiliare.it", "Anna"),
            ("+393452222222", "idealista", "Bruno"),
            ("+393453333333", "edge", "Carla"),
        ):
            contact, _ = await contacts.find_or_create_contact(
                session, account_id=account_id, number=number, name=name_
            )
            lead = await leads.create_lead(
                session, lead_list=world.lead_list, contact=contact, phones=[number], source=source
            )
            lead_ids.append(lead.id)

        async def call(
            cost: str,
            billed: datetime,
            *,
            lead: int | None = None,
            current: bool = True,
            **links: object,
        ) -> int:
            activity = await activities.record(
                session,
                account_id=account_id,
                activity_type=activities.CALL_INBOUND,
                direction="inbound",
                lead_id=lead,
                **links,
            )
            session.add(
                CallCost(
                    account_id=account_id,
                    activity_id=activity.id,
                    lead_id=lead,
                    cost=Decimal(cost),
                    date_billed=billed,
                    call_date=billed,
                    is_current=current,
                )
            )
            await session.flush()
            return activity.id

        first, second, third = lead_ids
        await call("0.1234", NOON, lead=first, agency_id=casa.id, listing_id=roma.id)
        superseded = await call("0.5000", NOON, lead=first, agency_id=casa.id, listing_id=roma.id)
        # A correction replaced this call's first cost: only the current one counts.
        session.add(
            CallCost(
                account_id=account_id,
                activity_id=superseded,
                cost=Decimal("9.9999"),
                date_billed=NOON,
                call_date=NOON,
                is_current=False,
            )
        )
        await call("1.0001", NOON, lead=second, agency_id=immobili.id, listing_id=bare.id)
        await call("0.3000", NOON, source="web")
        await call("0.0700", EARLY, lead=third)
        await call("0.0900", LATE, lead=third)
        session.add(
            CallCost(
                account_id=account_id,
                cost=Decimal("2.5000"),
                date_billed=NOON,
                call_date=NOON,
                call_from="+393459999999",
                notes="no such call",
            )
        )
    return Priced(world, lead_ids, [casa.id, immobili.id], [roma.id, bare.id])
