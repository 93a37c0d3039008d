"""Platform API: walking ``GET /leads`` page by page with the keyset cursor, and creating
leads through ``POST /leads``, on SQLite (a temporary file).

    .venv/bin/python bench/bench_platform.py --leads 5000 --limit 100
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from bench.platform_fixture import platform_app
from leadline.db.migrate import upgrade

BASE = "/platform-api/v3.0"


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"p50 {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


async def run(workdir: str, leads: int, limit: int) -> None:
    app, db, world, token = await platform_app(workdir)
    headers = {"Authorization": token}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        creates = []
        started = time.perf_counter()
        for index in range(leads):
            t0 = time.perf_counter()
            response = await client.post(
                f"{BASE}/leads",
                headers=headers,
                json={"listId": world.lead_list.id, "phone1": f"+4479{index:08d}"},
            )
            assert response.status_code == 201, response.text
            creates.append(time.perf_counter() - t0)
        create_total = time.perf_counter() - started
        pages = []
        seen = 0
        next_uri: str | None = f"{BASE}/leads?limit={limit}"
        started = time.perf_counter()
        while next_uri:
            t0 = time.perf_counter()
            body = (await client.get(next_uri, headers=headers)).json()
            pages.append(time.perf_counter() - t0)
            seen += len(body["items"])
            next_uri = body["metadata"]["nextUri"]
        walk_total = time.perf_counter() - started
    await db.dispose()
    print(f"POST /leads x {leads}: {leads / create_total:.0f}/s sequential; {_ms(creates)}")
    print(
        f"GET /leads walk, {seen} leads in {len(pages)} pages of {limit}: "
        f"{walk_total:.2f} s; per page {_ms(pages)}"
    )
    print(f"reproduce: .venv/bin/python bench/bench_platform.py --leads {leads} --limit {limit}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=5000)
    parser.add_argument("--limit", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        upgrade(f"sqlite:///{workdir}/bench.db")
        asyncio.run(run(workdir, args.leads, args.limit))


if __name__ == "__main__":
    main()
