"""Campaign and list names fit their columns: longer names are field errors, and a
campaign with the longest name still gets a default list."""

from __future__ import annotations

import pytest

from leadline.core.campaigns import service as campaigns
from leadline.core.errors import ValidationFailed
from leadline.db.engine import Database
from tests.factories import make_world


async def test_a_name_longer_than_its_column_is_refused(db: Database) -> None:
    world = await make_world(db)
    with pytest.raises(ValidationFailed) as refused:
        async with db.transaction() as session:
            await campaigns.create_campaign(session, account=world.account, name="x" * 201)
    assert "campaignName" in refused.value.errors


async def test_renaming_to_a_too_long_name_is_refused(db: Database) -> None:
    world = await make_world(db)
    with pytest.raises(ValidationFailed):
        async with db.transaction() as session:
            campaign = await campaigns.get_campaign(session, world.account.id, world.campaign.id)
            await campaigns.update_campaign(session, campaign, {"name": "x" * 201})


async def test_the_longest_name_still_gets_a_default_list(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        campaign = await campaigns.create_campaign(session, account=world.account, name="x" * 200)
        default = await campaigns.default_list(session, campaign)
    assert len(default.name) <= campaigns.MAX_NAME_LENGTH


async def test_a_list_name_longer_than_its_column_is_refused(db: Database) -> None:
    world = await make_world(db)
    with pytest.raises(ValidationFailed) as refused:
        async with db.transaction() as session:
            await campaigns.create_list(session, campaign=world.campaign, name="l" * 201)
    assert "listName" in refused.value.errors
