"""``/setup/webhooks`` over HTTP: subscribe (secret shown once), deactivate, deliveries
listed with a replay button that queues the event again; field errors, CSRF, accounts."""

from __future__ import annotations

import re

import httpx

from leadline.core.webhooks import service as webhooks
from leadline.db.engine import Database
from tests.factories import World
from tests.web.pages.setup.conftest import post_form

INDEX = "/setup/webhooks"
SECRET = re.compile(r'data-testid="webhook-secret">([^<]+)<')


async def test_subscribe_shows_the_secret_once(
    admin_client: httpx.AsyncClient, db: Database, world: World
) -> None:
    answer = await post_form(
        admin_client,
        INDEX,
        INDEX,
        {"url": "https://crm.example/hook", "events": ["lead.created", "call.cost"]},
    )
    assert answer.status_code == 303
    shown = SECRET.search((await admin_client.get(INDEX)).text)
    async with db.read_session() as session:
        (subscription,) = await webhooks.list_subscriptions(session, world.account.id)
    assert shown and shown.group(1) == subscription.secret
    assert subscription.event_types == ["lead.created", "call.cost"]
    assert subscription.secret not in (await admin_client.get(INDEX)).text


async def test_a_bad_url_is_a_field_error(admin_client: httpx.AsyncClient) -> None:
    answer = await post_form(
        admin_client, INDEX, INDEX, {"url": "ftp://x", "events": ["lead.created"]}
    )
    assert answer.status_code == 400 and 'id="f-url-error"' in answer.text


async def test_no_event_type_is_a_field_error(admin_client: httpx.AsyncClient) -> None:
    answer = await post_form(admin_client, INDEX, INDEX, {"url": "https://x.example/h"})
    assert answer.status_code == 400 and 'id="f-events-error"' in answer.text


async def test_deactivate(admin_client: httpx.AsyncClient, db: Database, world: World) -> None:
    async with db.transaction() as session:
        made = await webhooks.subscribe(
            session, world.account.id, url="https://x.example/h", event_types=["call.cost"]
        )
    action = f"{INDEX}/{made.id}/deactivate"
    assert (await post_form(admin_client, INDEX, action, {})).status_code == 303
    async with db.read_session() as session:
        assert (await webhooks.get_subscription(session, world.account.id, made.id)).active is False


async def test_replay_queues_the_delivery_again(
    admin_client: httpx.AsyncClient, db: Database, world: World
) -> None:
    async with db.transaction() as session:
        await webhooks.subscribe(
            session, world.account.id, url="https://x.example/h", event_types=["call.cost"]
        )
        event = await webhooks.emit(session, world.account.id, "call.cost", {"costId": 1})
    assert event is not None
    async with db.transaction() as session:
        ((delivery, _),) = await webhooks.deliveries(session, world.account.id)
        delivery.state, delivery.attempts = webhooks.FAILED, 9
    page = (await admin_client.get(INDEX)).text
    assert event.uuid in page and "Replay" in page
    answer = await post_form(admin_client, INDEX, f"{INDEX}/replay", {"event": event.uuid})
    assert answer.status_code == 303
    async with db.read_session() as session:
        ((delivery, _),) = await webhooks.deliveries(session, world.account.id)
    assert delivery.state == webhooks.PENDING and delivery.attempts == 0


async def test_another_accounts_event_and_webhook_are_not_found(
    admin_client: httpx.AsyncClient, db: Database, rival: World
) -> None:
    async with db.transaction() as session:
        theirs = await webhooks.subscribe(
            session, rival.account.id, url="https://x.example/h", event_types=["call.cost"]
        )
        event = await webhooks.emit(session, rival.account.id, "call.cost", {"costId": 1})
    assert event is not None
    replay = await post_form(admin_client, INDEX, f"{INDEX}/replay", {"event": event.uuid})
    assert replay.status_code == 404
    off = await post_form(admin_client, INDEX, f"{INDEX}/{theirs.id}/deactivate", {})
    assert off.status_code == 404
    async with db.read_session() as session:
        assert (await webhooks.get_subscription(session, rival.account.id, theirs.id)).active


async def test_wrong_csrf_token_subscribes_nothing(
    admin_client: httpx.AsyncClient, db: Database, world: World
) -> None:
    answer = await admin_client.post(
        INDEX, data={"url": "https://x.example/h", "events": "call.cost", "csrf_token": "x"}
    )
    assert answer.status_code == 400 and "had expired" in answer.text
    async with db.read_session() as session:
        assert await webhooks.list_subscriptions(session, world.account.id) == []
