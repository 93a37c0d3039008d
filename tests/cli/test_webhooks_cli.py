"""``leadline webhooks``: create (secret shown once), list, deliveries, replay, deactivate."""

from __future__ import annotations

import json

from sqlalchemy import select

from leadline.config import Settings
from leadline.db.engine import Database
from leadline.db.models import WebhookDelivery, WebhookEvent
from tests.cli.test_cli import _leadline
from tests.core.webhooks.conftest import add_lead
from tests.factories import make_world


async def test_webhooks_from_the_cli(settings: Settings, db: Database) -> None:
    world = await make_world(db)
    account = str(world.account.id)
    made = _leadline(
        settings,
        "webhooks",
        "create",
        "-a",
        account,
        "--url",
        "https://hooks.example.com/leadline",
        "--event",
        "lead.created",
        "--event",
        "call.cost",
        "--json",
    )
    assert made.returncode == 0, made.stderr
    created = json.loads(made.stdout)
    assert len(created["secret"]) == 64
    assert created["events"] == ["lead.created", "call.cost"]

    listed = _leadline(settings, "webhooks", "list", "-a", account, "--json")
    [row] = json.loads(listed.stdout)
    assert row["id"] == created["id"] and row["active"] is True
    assert "secret" not in row and created["secret"] not in listed.stdout

    await add_lead(db, world)
    shown = json.loads(
        _leadline(settings, "webhooks", "deliveries", "-a", account, "--json").stdout
    )
    assert [(each["type"], each["state"], each["attempts"]) for each in shown] == [
        ("lead.created", "pending", 0)
    ]

    async with db.transaction() as session:
        delivery = await session.scalar(select(WebhookDelivery))
        assert delivery is not None
        delivery.state, delivery.attempts = "failed", 5
        event = await session.scalar(select(WebhookEvent))
        assert event is not None
        event_id = event.uuid
    replayed = _leadline(settings, "webhooks", "replay", event_id)
    assert replayed.returncode == 0, replayed.stderr
    async with db.read_session() as session:
        again = await session.scalar(select(WebhookDelivery))
    assert again is not None and (again.state, again.attempts) == ("pending", 0)

    gone = _leadline(settings, "webhooks", "deactivate", "-a", account, str(created["id"]))
    assert gone.returncode == 0, gone.stderr
    listed = json.loads(_leadline(settings, "webhooks", "list", "-a", account, "--json").stdout)
    assert listed[0]["active"] is False


def test_unknown_event_types_are_refused(settings: Settings) -> None:
    refused = _leadline(
        settings,
        "webhooks",
        "create",
        "-a",
        "1",
        "--url",
        "https://x.test",
        "--event",
        "lead.eaten",
    )
    assert refused.returncode == 1
    assert "unknown event type" in refused.stderr
