from __future__ import annotations

import pytest

from leadline.core.campaigns import service as campaigns
from leadline.core.errors import Conflict, NotFound, ValidationFailed
from leadline.core.submissions import lead_types
from leadline.db.engine import Database
from tests.factories import make_world


async def test_a_type_routes_to_its_campaigns_default_list(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        await lead_types.create_type(
            session, account_id=world.account.id, code="motor-trade", campaign_id=world.campaign.id
        )
        route = await lead_types.resolve(session, world.account.id, "motor-trade", None)
    assert route is not None
    assert route.lead_list.id == world.lead_list.id
    assert route.campaign.id == world.campaign.id


async def test_a_subtype_list_wins_over_the_types_list(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        own = await campaigns.create_list(session, campaign=world.campaign, name="Own")
        valeters = await campaigns.create_list(session, campaign=world.campaign, name="Valeters")
        lead_type = await lead_types.create_type(
            session,
            account_id=world.account.id,
            code="motor-trade",
            campaign_id=world.campaign.id,
            list_id=own.id,
        )
        await lead_types.map_subtype(session, lead_type, "valeter", valeters.id)
        by_subtype = await lead_types.resolve(session, world.account.id, "motor-trade", "valeter")
        by_type = await lead_types.resolve(session, world.account.id, "motor-trade", "dealer")
    assert by_subtype is not None
    assert by_type is not None
    assert by_subtype.lead_list.id == valeters.id
    assert by_type.lead_list.id == own.id


async def test_an_unknown_code_resolves_to_nothing(db: Database) -> None:
    world = await make_world(db)
    async with db.read_session() as session:
        assert await lead_types.resolve(session, world.account.id, "boats", None) is None


async def test_a_list_of_another_campaign_is_refused(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        other = await campaigns.create_campaign(session, account=world.account, name="Other")
        other_list = await campaigns.default_list(session, other)
        with pytest.raises(ValidationFailed):
            await lead_types.create_type(
                session,
                account_id=world.account.id,
                code="motor-trade",
                campaign_id=world.campaign.id,
                list_id=other_list.id,
            )


async def test_codes_are_unique_per_account(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        await lead_types.create_type(
            session, account_id=world.account.id, code="motor-trade", campaign_id=world.campaign.id
        )
        with pytest.raises(Conflict):
            await lead_types.create_type(
                session,
                account_id=world.account.id,
                code="motor-trade",
                campaign_id=world.campaign.id,
            )


async def test_deleting_a_type_stops_its_routing(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        lead_type = await lead_types.create_type(
            session, account_id=world.account.id, code="gone", campaign_id=world.campaign.id
        )
        await lead_types.map_subtype(session, lead_type, "vans", world.lead_list.id)
    async with db.transaction() as session:
        found = await lead_types.get_type_by_id(session, world.account.id, lead_type.id)
        await lead_types.delete_type(session, found)
    async with db.read_session() as session:
        assert await lead_types.resolve(session, world.account.id, "gone", None) is None


async def test_another_accounts_type_is_not_found_by_id(db: Database) -> None:
    world = await make_world(db)
    rival = await make_world(db, name="Rival")
    async with db.transaction() as session:
        theirs = await lead_types.create_type(
            session, account_id=rival.account.id, code="theirs", campaign_id=rival.campaign.id
        )
    async with db.read_session() as session:
        with pytest.raises(NotFound):
            await lead_types.get_type_by_id(session, world.account.id, theirs.id)
