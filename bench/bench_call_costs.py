"""Call-cost ingress: posts per second and latency, with the call log pre-filled.

Builds an account with ``--calls`` inbound calls (spread over the last 20 hours, each on a
lead), then posts ``--posts`` costs through the whole app (ASGI, in process) for calls that
exist, ``--concurrency`` at a time, and finally repeats every post once (answered from the
stored response). Prints requests per second and latency percentiles per phase.

    .venv/bin/python bench/bench_call_costs.py --backend sqlite
    .venv/bin/python bench/bench_call_costs.py --backend postgresql
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import text

from leadline.app import create_app
from leadline.config import Settings
from leadline.core import clock
from leadline.core.accounts import service as accounts
from leadline.core.activities import service as activities
from leadline.core.campaigns import service as campaigns
from leadline.core.contacts import service as contacts
from leadline.core.credentials import service as credentials
from leadline.core.leads import service as leads
from leadline.core.security import Keyring
from leadline.core.vocabulary import Scope
from leadline.db.engine import Database
from leadline.db.migrate import upgrade
from leadline.logging import configure_logging

SECRET = "bench-secret"
DID = "+12015550100"
PATH = "/api/ingress/calls/inbound/billable"


def caller(index: int) -> str:
    return f"+1202555{index % 10000:04d}" if index < 10000 else f"+1303555{index % 10000:04d}"


async def fill(db: Database, keyring: Keyring, calls: int) -> tuple[str, str]:
    async with db.transaction() as session:
        account = await accounts.create_account(
            session, name="Bench", phone_region="US", timezone="UTC"
        )
        campaign = await campaigns.create_campaign(session, account=account, name="Bought calls")
        lead_list = await campaigns.default_list(session, campaign)
        issued = await credentials.create_credential(
            session,
            keyring,
            account_id=account.id,
            scopes=[Scope.CALL_COSTS],
            rate_limit_per_second=100_000,
            rate_limit_burst=100_000,
        )
        public_id, secret = issued.credential.public_id, issued.secret
    now = clock.now()
    batch = 500
    for start in range(0, calls, batch):
        async with db.transaction() as session:
            for index in range(start, min(start + batch, calls)):
                number = caller(index)
                contact, _ = await contacts.find_or_create_contact(
                    session, account_id=account.id, number=number
                )
                lead = await leads.create_lead(
                    session, lead_list=lead_list, contact=contact, phones=[number], source="pub"
                )
                await activities.record(
                    session,
                    account_id=account.id,
                    activity_type=activities.CALL_INBOUND,
                    started_at=now - timedelta(seconds=(index * 72_000) // max(calls, 1)),
                    from_number=number,
                    to_number=DID,
                    lead_id=lead.id,
                    campaign_id=campaign.id,
                )
    return public_id, secret


async def phase(
    http: httpx.AsyncClient, headers: dict[str, str], posts: int, concurrency: int, calls: int
) -> tuple[float, list[float]]:
    latencies: list[float] = []
    queue = iter(range(posts))

    async def worker() -> None:
        for index in queue:
            body = {"did": DID, "cid": caller(index % calls), "cost": f"{index % 50}.{index % 7}5"}
            started = time.perf_counter()
            answer = await http.post(PATH, headers=headers, json=body)
            latencies.append(time.perf_counter() - started)
            if answer.status_code != 200:
                raise SystemExit(f"unexpected {answer.status_code}: {answer.text}")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return posts / (time.perf_counter() - started), latencies


def describe(name: str, rate: float, latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return (
        f"{name:10} {rate:8.1f} req/s   p50 {statistics.median(ordered) * 1000:6.1f} ms"
        f"   p95 {p95 * 1000:6.1f} ms"
    )


async def main(args: argparse.Namespace) -> None:
    if args.backend == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="bench-call-costs-"))
        url = f"sqlite:///{folder}/bench.db"
    else:
        import asyncpg

        admin = os.environ.get(
            "LEADLINE_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
        )
        connection = await asyncpg.connect(admin)
        await connection.execute("DROP DATABASE IF EXISTS bench_call_costs WITH (FORCE)")
        await connection.execute("CREATE DATABASE bench_call_costs")
        await connection.close()
        url = admin.rsplit("/", 1)[0] + "/bench_call_costs"
    await asyncio.to_thread(upgrade, url)
    db = Database(url, pool_size=args.concurrency + 2)
    keyring = Keyring(SECRET)
    filled = time.perf_counter()
    public_id, secret = await fill(db, keyring, args.calls)
    print(f"filled {args.calls} calls in {time.perf_counter() - filled:.1f} s")
    settings = Settings(
        database_url=url, secret_key=SECRET, run_worker=False, dialler="off", log_level="WARNING"
    )
    configure_logging("WARNING", "console")
    app = create_app(settings, database=db)
    headers = {"tld-api-id": public_id, "tld-api-key": secret}
    transport = httpx.ASGITransport(app=app, client=("203.0.113.10", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        rate, latencies = await phase(http, headers, args.posts, args.concurrency, args.calls)
        print(describe("new costs", rate, latencies))
        rate, latencies = await phase(http, headers, args.posts, args.concurrency, args.calls)
        print(describe("repeats", rate, latencies))
    async with db.read_session() as session:
        rows = await session.scalar(text("SELECT count(*) FROM call_costs"))
    print(f"call_costs rows: {rows} (expected {args.posts})")
    await db.dispose()
    print(
        "reproduce: .venv/bin/python bench/bench_call_costs.py "
        f"--backend {args.backend} --calls {args.calls} --posts {args.posts} "
        f"--concurrency {args.concurrency}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    sys.exit(asyncio.run(main(parser.parse_args())))
