"""Two accounts for the console2 page tests: ours and a rival whose ids must stay 404."""

from __future__ import annotations

import pytest

from leadline.db.engine import Database
from tests.factories import World, make_world


@pytest.fixture
async def world(db: Database) -> World:
    return await make_world(db, name="Acme")


@pytest.fixture
async def rival(db: Database) -> World:
    return await make_world(db, name="Rival")
