"""The demo's hook: the seed's example, posted to the token ``leadline demo`` prints,
answers success and makes a call-back in the demo's "Call-backs" campaign."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from leadline.core.demo import build_demo
from leadline.core.security import Keyring
from leadline.db.engine import Database
from leadline.db.models import (
    Agency,
    Lead,
    MailMessage,
    PortalHook,
    WebhookEvent,
    WebhookSubscription,
)
from tests.adapters.portal.conftest import fixture, post_json


async def test_seed_example_against_the_demo_hook(
    client: httpx.AsyncClient, db: Database, keyring: Keyring
) -> None:
    async with db.transaction() as session:
        first = await build_demo(session, keyring)
    async with db.transaction() as session:
        second = await build_demo(session, keyring)
    token = first["portal_hook_token"]
    assert token == second["portal_hook_token"]
    response = await post_json(client, f"/portal/{token}/phone", fixture("phone_seed.json"))
    assert (response.status_code, response.json()) == (200, {"code": 2000, "message": "success"})
    campaign_ids = first["campaign_ids"]
    assert isinstance(campaign_ids, dict)
    async with db.read_session() as session:
        lead = (await session.scalars(select(Lead).where(Lead.status_code == 2))).one()
    assert lead.campaign_id == campaign_ids["Call-backs"]


async def test_the_demo_sends_nothing_off_the_machine(
    client: httpx.AsyncClient, db: Database, keyring: Keyring
) -> None:
    async with db.transaction() as session:
        made = await build_demo(session, keyring)
    await post_json(
        client, f"/portal/{made['portal_hook_token']}/phone", fixture("phone_seed.json")
    )

    async with db.read_session() as session:
        assert list(await session.scalars(select(WebhookSubscription))) == []
        assert list(await session.scalars(select(WebhookEvent))) == []
        assert list(await session.scalars(select(MailMessage))) == []
        hooks = await session.scalars(select(PortalHook.notify_email))
        agencies = await session.scalars(select(Agency.notify_email))
        assert set(hooks) | set(agencies) == {None}
