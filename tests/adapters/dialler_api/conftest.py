"""A world for the dialler lead API: an account whose ``motor-trade`` type routes to its
campaign, ``valeter`` leads to their own list, and a ``dialler-leads`` key."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from leadline.core.campaigns import service as campaigns
from leadline.core.security import Keyring
from leadline.core.submissions import lead_types
from leadline.core.vocabulary import Scope
from leadline.db.engine import Database
from leadline.db.models import LeadList, LeadType
from tests.factories import World, make_token, make_world

FIXTURES = Path(__file__).parent / "fixtures"
MOBILE = "+447840258823"


def fixture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return loaded


@dataclass
class Dialler:
    world: World
    key: str
    lead_type: LeadType
    valeters: LeadList
    http: httpx.AsyncClient

    async def add(self, body: object, key: str | None = None) -> httpx.Response:
        return await self.http.post("/lead/add", params={"key": key or self.key}, json=body)

    async def cancel(self, body: object, key: str | None = None) -> httpx.Response:
        return await self.http.post("/lead/cancel", params={"key": key or self.key}, json=body)


@pytest.fixture
async def dialler(db: Database, keyring: Keyring, client: httpx.AsyncClient) -> Dialler:
    world = await make_world(db)
    issued = await make_token(db, keyring, world.account.id, Scope.DIALLER_LEADS)
    async with db.transaction() as session:
        valeters = await campaigns.create_list(session, campaign=world.campaign, name="Valeters")
        lead_type = await lead_types.create_type(
            session, account_id=world.account.id, code="motor-trade", campaign_id=world.campaign.id
        )
        await lead_types.map_subtype(session, lead_type, "valeter", valeters.id)
    return Dialler(world, issued.token, lead_type, valeters, client)
