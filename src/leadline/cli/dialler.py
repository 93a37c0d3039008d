"""``leadline dialler``: what the engine is doing, and a hand on it."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from leadline.cli.common import console, print_json, run, settings, transaction
from leadline.core import clock
from leadline.core.campaigns import service as campaigns
from leadline.core.dialling import status as dialler_status
from leadline.db.models import Campaign

dialler_app = typer.Typer(help="The dialler engine: status, ticks, rescheduling.")


@dialler_app.command("status")
def status(
    account: Annotated[int | None, typer.Option("--account", "-a", help="Account id.")] = None,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Per outbound campaign: leads due, live calls, agents, today's calls and abandons."""
    from leadline.dialler.engine import ENGINE_LEASE

    async def work() -> None:
        now = clock.now()
        async with transaction() as session:
            statement = select(Campaign).where(Campaign.campaign_type == "outbound")
            if account is not None:
                statement = statement.where(Campaign.account_id == account)
            rows = [
                await dialler_status.campaign_status(session, campaign, now)
                for campaign in await session.scalars(statement.order_by(Campaign.id))
            ]
            lease = await dialler_status.engine_lease(session, ENGINE_LEASE)
        config = settings()
        engine: dict[str, object] = {
            "enabled": config.dialler == "on",
            "backend": config.telephony_backend,
            "leaseHolder": lease.holder if lease and lease.expires_at >= now else None,
        }
        if json_out:
            print_json({"engine": engine, "campaigns": [row.as_dict() for row in rows]})
            return
        holder = engine["leaseHolder"] or ("none" if config.is_sqlite else "n/a (PostgreSQL)")
        console.print(
            f"dialler {'on' if engine['enabled'] else 'off'}, backend {engine['backend']}, "
            f"engine lease: {holder}"
        )
        table = Table(
            "id",
            "campaign",
            "mode",
            "state",
            "open",
            "due",
            "live",
            "agents idle/avail",
            "dialled",
            "answered",
            "abandoned",
            "abandon %",
            "level",
        )
        for row in rows:
            table.add_row(
                str(row.campaign_id),
                row.name,
                row.mode,
                "running" if row.active else "paused",
                str(row.leads_open),
                str(row.leads_due),
                str(row.calls_live),
                f"{row.agents_idle}/{row.agents_available}",
                str(row.dialled_today),
                str(row.answered_today),
                str(row.abandoned_today),
                f"{row.abandon_rate:.2f}",
                f"{row.dial_level:.2f}",
            )
        console.print(table)

    run(work)


@dialler_app.command("tick")
def tick(
    times: Annotated[int, typer.Option(help="Ticks to run, one second apart.")] = 1,
) -> None:
    """Run the engine by hand (it holds the engine lease on SQLite while it runs)."""
    import asyncio

    from leadline.db.engine import Database
    from leadline.dialler.engine import DiallerEngine
    from leadline.worker.identity import worker_identity

    async def work() -> None:
        config = settings()
        db = Database(config.async_database_url, busy_timeout_ms=config.sqlite_busy_timeout_ms)
        engine = DiallerEngine.from_settings(config, db, worker_identity())
        try:
            for turn in range(times):
                report = await engine.tick()
                console.print(
                    f"held={report.held} started={report.started} dialled={report.dialled} "
                    f"answered={report.answered} abandoned={report.abandoned} "
                    f"ended={report.ended} wrapped={report.wrapped} recovered={report.recovered}"
                )
                if turn + 1 < times:
                    await asyncio.sleep(1)
        finally:
            await engine.shutdown()
            await db.dispose()

    run(work)


@dialler_app.command("reschedule")
def reschedule(
    account: Annotated[int, typer.Option("--account", "-a", help="Account id.")],
    campaign_id: int,
) -> None:
    """Move a campaign's open leads into its calling hours again (after changing them)."""

    async def work() -> None:
        async with transaction() as session:
            campaign = await campaigns.get_campaign(session, account, campaign_id)
            count = await dialler_status.recompute_dialable(session, campaign)
        console.print(f"{count} open leads rescheduled in campaign {campaign_id}")

    run(work)
