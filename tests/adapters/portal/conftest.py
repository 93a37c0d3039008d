"""A portal world: an Italian account with a call-back campaign, a hook, and the agency
and listing the portal's own examples name."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from leadline.core.campaigns import service as campaigns
from leadline.core.portal import directory
from leadline.core.security import Keyring
from leadline.db.engine import Database
from leadline.db.models import Activity, Agency, Campaign, InboxEvent, Lead, Listing, PortalHook
from tests.factories import World, make_world

FIXTURES = Path(__file__).parent / "fixtures"
SUCCESS = {"code": 2000, "message": "success"}


def fixture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return loaded


def seed(**changes: object) -> dict[str, object]:
    """The seed's phone push, with ``changes``."""
    return {**fixture("phone_seed.json"), **changes}


def example(**changes: object) -> dict[str, object]:
    """The spec's e-mail lead, with ``changes``."""
    return {**fixture("contact_spec.json"), **changes}


@dataclass
class PortalWorld:
    world: World
    callbacks: Campaign
    hook: PortalHook
    token: str
    agency: Agency
    listing: Listing

    @property
    def phone_url(self) -> str:
        return f"/portal/{self.token}/phone"

    @property
    def contact_url(self) -> str:
        return f"/portal/{self.token}/contact"


async def make_portal_world(db: Database, keyring: Keyring, **hook_options: Any) -> PortalWorld:
    world = await make_world(db, name="Casa", region="IT", timezone="Europe/Rome")
    async with db.transaction() as session:
        callbacks = await campaigns.create_campaign(
            session, account=world.account, name="Call-backs", dialling_mode="preview"
        )
        hook_options.setdefault("callback_campaign_id", callbacks.id)
        issued = await directory.create_hook(
            session, keyring, account_id=world.account.id, name="immobiliare", **hook_options
        )
        agency = await directory.create_agency(
            session,
            account_id=world.account.id,
            external_id="1234",
            portal_agency_id=5678,
            name="Agenzia Roma",
        )
        listing = await directory.create_listing(
            session, agency=agency, external_id="ES-RIF-001", portal_listing_id=87654321
        )
    return PortalWorld(world, callbacks, issued.hook, issued.token, agency, listing)


@pytest.fixture
async def portal(db: Database, keyring: Keyring) -> PortalWorld:
    return await make_portal_world(db, keyring)


async def count(db: Database, model: type[Any], *where: Any) -> int:
    async with db.read_session() as session:
        found = await session.scalar(select(func.count()).select_from(model).where(*where))
    return int(found or 0)


async def counts(db: Database) -> dict[str, int]:
    """Rows a push may leave: accepted and refused inbox rows, activities, open leads."""
    return {
        "accepted": await count(db, InboxEvent, InboxEvent.accepted.is_(True)),
        "refused": await count(db, InboxEvent, InboxEvent.accepted.is_(False)),
        "activities": await count(db, Activity, Activity.inbox_event_id.is_not(None)),
        "leads": await count(db, Lead, Lead.completed_at.is_(None), Lead.status_code == 2),
    }


async def post_json(client: httpx.AsyncClient, url: str, body: object) -> httpx.Response:
    return await client.post(
        url,
        content=json.dumps(body),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
