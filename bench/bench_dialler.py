"""Dialler engine: attempts scheduled per second with the simulated backend, and the cost
of one tick on a campaign of 10,000 leads against one of 1,000,000.

Every lead is due (a worst case for the hopper). Each measured tick ends the previous
tick's calls (No Answer, retried in 2 h) and fills every agent's line again, so a tick
does the full round: recover, renew, events, fill (pacing + hopper + claims + attempts +
activities) and dial.

    .venv/bin/python bench/bench_dialler.py                 # SQLite, 10k and 1M leads
    .venv/bin/python bench/bench_dialler.py --sizes 10000 --postgres
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

from sqlalchemy import insert, text

from leadline.core import clock
from leadline.core.accounts import service as accounts
from leadline.core.campaigns import service as campaigns
from leadline.core.media.storage import LocalMediaStorage
from leadline.core.users import service as users
from leadline.core.vocabulary import ROUND_THE_CLOCK
from leadline.db.engine import Database
from leadline.db.migrate import upgrade
from leadline.db.models import Contact, Lead, LeadPhone
from leadline.dialler.engine import DiallerEngine
from leadline.dialler.telephony.simulated import SimulatedBackend

CHUNK = 20_000
PG_URL = os.environ.get("LEADLINE_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


async def build(db: Database, size: int, agents: int) -> int:
    async with db.transaction() as session:
        account = await accounts.create_account(
            session, name="Bench", phone_region="GB", timezone="Europe/London"
        )
        campaign = await campaigns.create_campaign(
            session, account=account, name="Bench", calling_hours=ROUND_THE_CLOCK
        )
        campaign.dialler_options = {
            "simulated": {
                "answer_rate": 0,
                "busy_rate": 0,
                "failure_rate": 0,
                "voicemail_rate": 0,
                "no_answer_rate": 1,
                "ring_seconds": 5,
            }
        }
        lead_list = await campaigns.default_list(session, campaign)
        for index in range(agents):
            agent = await users.create_user(
                session,
                account_id=account.id,
                login=f"bench-agent-{index}",
                password="agent-pass",
                available=True,
            )
            await session.flush()
            await campaigns.add_member(session, campaign, agent)
        account_id, campaign_id, list_id = account.id, campaign.id, lead_list.id
    now = clock.now()
    started = time.perf_counter()
    async with db.write_engine.begin() as connection:
        for first in range(0, size, CHUNK):
            block = range(first, min(size, first + CHUNK))
            contact_ids = list(
                (
                    await connection.execute(
                        insert(Contact).returning(Contact.id),
                        [
                            {
                                "account_id": account_id,
                                "name": f"Bench {i}",
                                "created_at": now,
                                "updated_at": now,
                            }
                            for i in block
                        ],
                    )
                ).scalars()
            )
            due = [now - timedelta(seconds=size - i) for i in block]
            lead_ids = list(
                (
                    await connection.execute(
                        insert(Lead).returning(Lead.id),
                        [
                            {
                                "account_id": account_id,
                                "campaign_id": campaign_id,
                                "list_id": list_id,
                                "contact_id": contact_id,
                                "data": {},
                                "next_attempt_at": moment,
                                "dialable_at": moment,
                                "created_at": now,
                                "updated_at": now,
                            }
                            for contact_id, moment in zip(contact_ids, due, strict=True)
                        ],
                    )
                ).scalars()
            )
            await connection.execute(
                insert(LeadPhone),
                [
                    {
                        "account_id": account_id,
                        "lead_id": lead_id,
                        "phone_index": 1,
                        "number": f"+4478{i:08d}",
                        "tail": f"78{i:08d}"[-9:],
                    }
                    for lead_id, i in zip(lead_ids, block, strict=True)
                ],
            )
    if db.is_postgres:
        async with db.write_engine.connect() as connection:
            await connection.execute(text("COMMIT"))
            await connection.execute(text("ANALYZE"))
    else:
        async with db.write_engine.begin() as connection:
            await connection.execute(text("ANALYZE"))
    print(f"  inserted {size:,} leads in {time.perf_counter() - started:.1f} s", flush=True)
    return campaign_id


class Run:
    """One campaign of ``size`` leads and the engine dialling it."""

    def __init__(self, url: str, size: int, media: Path) -> None:
        self.url, self.size = url, size
        self.db = Database(url)
        self.engine = DiallerEngine(
            self.db,
            identity="bench",
            backend=SimulatedBackend(seed=1),
            storage=LocalMediaStorage(media),
            lease_seconds=600,
        )
        self.moment = clock.now()
        self.durations: list[float] = []
        self.started = 0

    async def tick(self, measured: bool = True) -> None:
        began = time.perf_counter()
        report = await self.engine.tick(self.moment)
        if measured:
            self.durations.append(time.perf_counter() - began)
            self.started += report.started
        self.moment += timedelta(seconds=6)


async def measure(runs: list[Run], agents: int, ticks: int) -> None:
    for run in runs:
        await build(run.db, run.size, agents)
        for _ in range(2):  # warm-up: fill the lines once
            await run.tick(measured=False)
    # Ticks alternate between the campaigns, so a busy moment on the machine weighs on
    # every size alike.
    for _ in range(ticks):
        for run in runs:
            await run.tick()
    for run in runs:
        await run.db.dispose()


async def pg_database(name: str, create: bool) -> str:
    import asyncpg
    from sqlalchemy.engine import make_url

    parsed = make_url(PG_URL)
    connection = await asyncpg.connect(
        host=parsed.host,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        database=parsed.database,
    )
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return parsed.set(database=name).render_as_string(hide_password=False)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--ticks", type=int, default=20)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    results: dict[int, Run] = {}
    databases: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        runs = []
        for size in sizes:
            if args.postgres:
                name = f"leadline_bench_dialler_{os.getpid()}_{size}"
                databases.append(name)
                url = asyncio.run(pg_database(name, create=True))
            else:
                url = f"sqlite:///{Path(folder) / f'bench-{size}.db'}"
            upgrade(url)
            runs.append(Run(url, size, Path(folder)))
        store = "PostgreSQL" if args.postgres else "SQLite"
        print(f"{store}: campaigns of {', '.join(f'{size:,}' for size in sizes)} leads")
        try:
            asyncio.run(measure(runs, args.agents, args.ticks))
        finally:
            for name in databases:
                asyncio.run(pg_database(name, create=False))
        for run in runs:
            results[run.size] = run
            median = statistics.median(run.durations) * 1000
            print(
                f"  {run.size:>9,} leads: median tick {median:.1f} ms, "
                f"{run.started / sum(run.durations):.0f} attempts scheduled/s "
                f"({run.started} attempts in {args.ticks} ticks, {args.agents} agents)",
                flush=True,
            )
    if len(sizes) >= 2:
        small, large = results[sizes[0]], results[sizes[-1]]
        ratio = statistics.median(large.durations) / statistics.median(small.durations)
        print(f"tick cost ratio {sizes[-1]:,} / {sizes[0]:,} leads: {ratio:.2f}")
    print("reproduce: .venv/bin/python bench/bench_dialler.py " + " ".join(sys.argv[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
