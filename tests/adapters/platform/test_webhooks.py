"""``GET, POST /webhooks`` and ``DELETE /webhooks/{id}``: the secret is answered once,
accounts see only their own, and a deactivated webhook gets no more events."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from leadline.db.engine import Database
from leadline.db.models import WebhookEvent
from tests.adapters.platform.conftest import BASE, Platform
from tests.core.webhooks.conftest import add_lead

BODY = {"url": "https://hooks.example.com/in", "events": ["lead.created", "lead.completed"]}


async def test_create_answers_the_secret_once_and_lists_without_it(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    made = await client.post(f"{BASE}/webhooks", headers=platform.headers, json=BODY)
    assert made.status_code == 201, made.text
    created = made.json()
    assert len(created["secret"]) == 64
    assert created["events"] == BODY["events"] and created["active"] is True

    listed = await client.get(f"{BASE}/webhooks", headers=platform.headers)
    assert listed.status_code == 200
    [item] = listed.json()["items"]
    assert item["id"] == created["id"] and "secret" not in item
    assert created["secret"] not in listed.text

    theirs = await client.get(f"{BASE}/webhooks", headers={"Authorization": platform.other_token})
    assert theirs.json()["items"] == []


async def test_unknown_events_and_bad_urls_are_422(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    for body in (
        {"url": "https://x.test", "events": ["lead.eaten"]},
        {"url": "ftp://x.test", "events": ["lead.created"]},
        {"url": "https://x.test", "events": []},
    ):
        answer = await client.post(f"{BASE}/webhooks", headers=platform.headers, json=body)
        assert answer.status_code == 422, body


async def test_delete_deactivates_and_stops_events(
    client: httpx.AsyncClient, platform: Platform, db: Database
) -> None:
    made = (await client.post(f"{BASE}/webhooks", headers=platform.headers, json=BODY)).json()
    other = {"Authorization": platform.other_token}
    assert (await client.delete(f"{BASE}/webhooks/{made['id']}", headers=other)).status_code == 404

    gone = await client.delete(f"{BASE}/webhooks/{made['id']}", headers=platform.headers)
    assert gone.status_code == 204
    [item] = (await client.get(f"{BASE}/webhooks", headers=platform.headers)).json()["items"]
    assert item["active"] is False
    await add_lead(db, platform.world)
    async with db.read_session() as session:
        assert await session.scalar(select(func.count()).select_from(WebhookEvent)) == 0
