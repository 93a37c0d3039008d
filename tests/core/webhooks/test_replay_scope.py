"""Replaying an event for an account: another account's event is not found."""

from __future__ import annotations

import pytest

from leadline.core.errors import NotFound
from leadline.core.webhooks import service
from leadline.db.engine import Database
from tests.factories import make_world


async def test_replay_for_an_account_refuses_another_accounts_event(db: Database) -> None:
    world = await make_world(db)
    rival = await make_world(db, name="Rival")
    async with db.transaction() as session:
        await service.subscribe(
            session, rival.account.id, url="https://x.test/in", event_types=[service.CALL_COST]
        )
        event = await service.emit(session, rival.account.id, service.CALL_COST, {"x": 1})
    assert event is not None
    async with db.transaction() as session:
        with pytest.raises(NotFound):
            await service.replay(session, event.uuid, account_id=world.account.id)
        assert await service.replay(session, event.uuid, account_id=rival.account.id) == 1
