"""Platform API: accepting ``POST /leads/bulk`` (the 202 answer: body read, parsed and
staged), on SQLite (a temporary file), through the ASGI app in process.

    .venv/bin/python bench/bench_platform_bulk.py --rows 50000 --runs 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
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


async def run(workdir: str, rows: int, runs: int) -> None:
    app, db, world, token = await platform_app(workdir)
    body = json.dumps(
        {
            "leads": [
                {
                    "listId": world.lead_list.id,
                    "customerKey": f"K{n}",
                    "phone1": f"07911 {n:06d}",
                    "leadData": {"n": n, "city": "Leeds"},
                }
                for n in range(rows)
            ]
        }
    ).encode()
    headers = {"Authorization": token, "Content-Type": "application/json"}
    timings = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for _ in range(runs):
            started = time.perf_counter()
            response = await client.post(f"{BASE}/leads/bulk", headers=headers, content=body)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 202, response.text
    await db.dispose()
    print(
        f"POST /leads/bulk, {rows} leads, {len(body) / 1024 / 1024:.1f} MiB: 202 in "
        f"median {statistics.median(timings):.2f} s (runs: "
        + ", ".join(f"{t:.2f}" for t in timings)
        + f"); {rows / statistics.median(timings):.0f} leads/s accepted"
    )
    print(f"reproduce: .venv/bin/python bench/bench_platform_bulk.py --rows {rows} --runs {runs}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        upgrade(f"sqlite:///{workdir}/bench.db")
        asyncio.run(run(workdir, args.rows, args.runs))


if __name__ == "__main__":
    main()
