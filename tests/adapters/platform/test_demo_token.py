"""The demo's printed ``platform_token`` opens the platform API."""

from __future__ import annotations

import httpx

from leadline.core.demo.builder import build_demo
from leadline.core.security import Keyring
from leadline.db.engine import Database
from tests.adapters.platform.conftest import BASE


async def test_the_demo_platform_token_works(
    client: httpx.AsyncClient, db: Database, keyring: Keyring
) -> None:
    async with db.transaction() as session:
        output = await build_demo(session, keyring)
    headers = {"Authorization": f"Bearer {output['platform_token']}"}
    response = await client.get(f"{BASE}/leads", headers=headers, params={"limit": 5})
    assert response.status_code == 200
    assert len(response.json()["items"]) == 5
    assert response.json()["metadata"]["nextUri"] is not None
