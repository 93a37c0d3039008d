from __future__ import annotations

import httpx

from leadline.core.demo import build_demo
from leadline.core.security import Keyring
from leadline.db.engine import Database
from tests.adapters.dialler_api.conftest import fixture


async def test_the_seed_examples_work_against_the_demo(
    db: Database, keyring: Keyring, client: httpx.AsyncClient
) -> None:
    async with db.transaction() as session:
        output = await build_demo(session, keyring)
    async with db.transaction() as session:  # a second run changes nothing that matters
        again = await build_demo(session, keyring)
    assert again["dialler_key"] == output["dialler_key"]
    params = {"key": str(output["dialler_key"])}
    test = await client.post("/lead/add", params=params, json=fixture("add_test_seed.json"))
    assert test.json() == {"test": "ok"}
    added = await client.post("/lead/add", params=params, json=fixture("add_seed.json"))
    assert added.json() == {"saved": True, "processed": True}
    cancelled = await client.post("/lead/cancel", params=params, json=fixture("cancel_seed.json"))
    assert cancelled.json() == {"cancelled": True}
