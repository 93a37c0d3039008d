"""A US account with a call-cost credential, and the calls and leads costs are matched to,
all made through the core services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from leadline.core import clock
from leadline.core.activities import service as activities
from leadline.core.contacts import service as contacts
from leadline.core.credentials.service import IssuedCredential
from leadline.core.leads import service as leads
from leadline.core.security import Keyring
from leadline.core.vocabulary import Scope
from leadline.db.engine import Database
from leadline.db.models import Activity, CallCost, Lead
from tests.factories import World, make_token, make_world

PATH = "/api/ingress/calls/inbound/billable"
DID = "+12015550100"
CALLER = "+12025550123"


@dataclass
class CostWorld:
    db: Database
    keyring: Keyring
    world: World
    credential: IssuedCredential
    client: httpx.AsyncClient

    @property
    def account_id(self) -> int:
        return self.world.account.id

    def auth(self, issued: IssuedCredential | None = None) -> dict[str, str]:
        """The header form of a credential's API ID and key (this world's by default)."""
        issued = issued or self.credential
        return {"tld-api-id": issued.credential.public_id, "tld-api-key": issued.secret}

    async def post(
        self,
        path: str = PATH,
        *,
        json: Any = None,
        data: dict[str, str] | None = None,
        files: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        auth: bool = True,
    ) -> httpx.Response:
        sent_headers = {**(self.auth() if auth else {}), **(headers or {})}
        return await self.client.post(
            path, json=json, data=data, files=files, params=params, headers=sent_headers
        )

    async def lead(self, number: str, *, source: str | None = "supplier-a") -> Lead:
        async with self.db.transaction() as session:
            contact, _ = await contacts.find_or_create_contact(
                session, account_id=self.account_id, number=number
            )
            return await leads.create_lead(
                session,
                lead_list=self.world.lead_list,
                contact=contact,
                phones=[number],
                source=source,
            )

    async def call(
        self,
        *,
        started_at: datetime | None = None,
        call_from: str = CALLER,
        call_to: str = DID,
        lead: Lead | None = None,
        activity_type: str = activities.CALL_INBOUND,
        account_id: int | None = None,
    ) -> Activity:
        async with self.db.transaction() as session:
            return await activities.record(
                session,
                account_id=account_id or self.account_id,
                activity_type=activity_type,
                started_at=started_at or clock.now(),
                direction="inbound" if activity_type == activities.CALL_INBOUND else "outbound",
                from_number=call_from,
                to_number=call_to,
                lead_id=lead.id if lead else None,
                contact_id=lead.contact_id if lead else None,
                campaign_id=lead.campaign_id if lead else None,
                source="ringba",
            )

    async def cost_rows(self) -> list[CallCost]:
        async with self.db.read_session() as session:
            return list(await session.scalars(select(CallCost).order_by(CallCost.id)))

    async def lead_now(self, lead_id: int) -> Lead:
        async with self.db.read_session() as session:
            found = await session.get(Lead, lead_id)
            assert found is not None
            return found


@pytest.fixture
async def costs(db: Database, keyring: Keyring, client: httpx.AsyncClient) -> CostWorld:
    world = await make_world(db, name="Tracking", region="US", timezone="America/New_York")
    credential = await make_token(db, keyring, world.account.id, Scope.CALL_COSTS)
    return CostWorld(db, keyring, world, credential, client)
