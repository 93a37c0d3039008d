"""An account with a platform token, a second account, and helpers to make leads,
activities and dial attempts through the core services."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from leadline.core.activities import service as activities
from leadline.core.contacts import service as contacts
from leadline.core.leads import service as leads
from leadline.core.security import Keyring
from leadline.core.vocabulary import Scope
from leadline.db.engine import Database
from leadline.db.models import DialAttempt, Lead
from tests.factories import World, make_token, make_world

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "/platform-api/v3.0"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


@dataclass
class Platform:
    world: World
    token: str
    other: World
    other_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": self.token}


@pytest.fixture
async def platform(db: Database, keyring: Keyring) -> Platform:
    world = await make_world(db, name="Acme", region="GB", timezone="Europe/London")
    other = await make_world(db, name="Other", region="GB", timezone="Europe/London")
    issued = await make_token(db, keyring, world.account.id, Scope.PLATFORM)
    other_issued = await make_token(db, keyring, other.account.id, Scope.PLATFORM)
    return Platform(world, issued.token, other, other_issued.token)


async def make_lead(
    db: Database, world: World, number: str, *, list_id: int | None = None, **fields: Any
) -> Lead:
    async with db.transaction() as session:
        lead_list = world.lead_list
        if list_id is not None:
            from leadline.core.campaigns import service as campaigns

            lead_list = await campaigns.get_list(session, world.account.id, list_id)
        contact, _ = await contacts.find_or_create_contact(
            session, account_id=world.account.id, number=number
        )
        return await leads.create_lead(
            session, lead_list=lead_list, contact=contact, phones=[number], **fields
        )


async def make_outbound_call(
    db: Database,
    world: World,
    lead: Lead,
    *,
    dial_status: int,
    dialled_at: datetime,
    answered: bool = False,
    agent_id: int | None = None,
) -> tuple[int, int]:
    """A dial attempt and its call.outbound activity, as the dialler records them."""
    async with db.transaction() as session:
        lead_phone = (await leads.phones_of(session, lead.id))[0].number
        activity = await activities.record(
            session,
            account_id=world.account.id,
            activity_type=activities.CALL_OUTBOUND,
            started_at=dialled_at,
            direction="outbound",
            to_number=lead_phone,
            lead_id=lead.id,
            contact_id=lead.contact_id,
            campaign_id=lead.campaign_id,
            agent_id=agent_id,
            answered_at=dialled_at if answered else None,
            durations={"dial": 12, "interaction": 30 if answered else 0},
            source="dialler",
        )
        attempt = DialAttempt(
            account_id=world.account.id,
            lead_id=lead.id,
            campaign_id=lead.campaign_id,
            agent_id=agent_id,
            activity_id=activity.id,
            phone_index=1,
            phone_number=lead_phone,
            dial_status_id=dial_status,
            state="ended",
            dialled_at=dialled_at,
            answered_at=dialled_at if answered else None,
            hangup_at=dialled_at,
        )
        session.add(attempt)
        await session.flush()
        return activity.id, attempt.id
