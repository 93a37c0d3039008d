"""What the console page tests share: two accounts (ours and a rival whose ids must stay
404), a second campaign the agent is not a member of, and leads made through the core
services."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from leadline.core.campaigns import service as campaigns
from leadline.core.contacts import service as contacts
from leadline.core.leads import service as leads
from leadline.core.vocabulary import ROUND_THE_CLOCK
from leadline.db.engine import Database
from leadline.db.models import Campaign, LeadList
from tests.factories import World, make_world


@dataclass
class Floor:
    world: World
    other_campaign: Campaign
    other_list: LeadList


@pytest.fixture
async def floor(db: Database) -> Floor:
    world = await make_world(db, name="Acme")
    async with db.transaction() as session:
        # Round the clock, so "due now" does not depend on when the tests run.
        mine = await session.get(Campaign, world.campaign.id)
        assert mine is not None
        mine.calling_hours = ROUND_THE_CLOCK
        other = await campaigns.create_campaign(
            session, account=world.account, name="Renewals", calling_hours=ROUND_THE_CLOCK
        )
        other_list = await campaigns.default_list(session, other)
    return Floor(world, other, other_list)


@pytest.fixture
async def world(db: Database) -> World:
    return await make_world(db, name="Acme")


@pytest.fixture
async def rival(db: Database) -> World:
    return await make_world(db, name="Rival")


async def add_lead(
    db: Database,
    lead_list: LeadList,
    number: str,
    *,
    name: str = "",
    email: str | None = None,
    **fields: object,
) -> int:
    async with db.transaction() as session:
        contact, _ = await contacts.find_or_create_contact(
            session, account_id=lead_list.account_id, number=number, name=name, email=email
        )
        lead = await leads.create_lead(
            session,
            lead_list=lead_list,
            contact=contact,
            phones=[number],
            **fields,  # type: ignore[arg-type]
        )
        return lead.id


def form_csrf(html: str, action: str) -> str:
    """The CSRF token inside the form posting to ``action`` (not the sign-out form's), so a
    form rendered without its token fails the test."""
    start = html.index(f'action="{action}"')
    form = html[start : html.index("</form>", start)]
    found = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert found, f"no CSRF token in the form posting to {action}"
    return found.group(1)
