"""``leadline``: serve, work, migrate, administer, and make the demo."""

from __future__ import annotations

import asyncio
import contextlib
import os
from typing import Annotated

import typer

from leadline.cli.admin import accounts_app, campaigns_app, keys_app, users_app
from leadline.cli.common import console, keyring, print_json, run, settings, transaction
from leadline.cli.costs import costs_app
from leadline.cli.dialler import dialler_app
from leadline.cli.imports import import_leads
from leadline.cli.lead_types import lead_types_app
from leadline.cli.mail import mail_app
from leadline.cli.portal import agencies_app, hooks_app, listings_app
from leadline.cli.sip_demo import sip_demo
from leadline.cli.webhooks import webhooks_app

app = typer.Typer(
    name="leadline",
    help="Leadline: phone-call leads from five interfaces over one core.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The database.")
app.add_typer(db_app, name="db")
app.add_typer(accounts_app, name="accounts")
app.add_typer(users_app, name="users")
app.add_typer(campaigns_app, name="campaigns")
app.add_typer(keys_app, name="keys")
app.add_typer(hooks_app, name="hooks")
app.add_typer(agencies_app, name="agencies")
app.add_typer(listings_app, name="listings")
app.add_typer(costs_app, name="costs")
app.add_typer(lead_types_app, name="lead-types")
app.add_typer(dialler_app, name="dialler")
app.add_typer(webhooks_app, name="webhooks")
app.add_typer(mail_app, name="mail")
app.command("import")(import_leads)
app.command("sip-demo")(sip_demo)


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply the migrations (creates the SQLite file and its folder if needed)."""
    from leadline.db.migrate import upgrade

    config = settings()
    if config.is_sqlite:
        config.var_dir.mkdir(parents=True, exist_ok=True)
    upgrade(config.database_url or config.default_database_url, revision)
    console.print(f"database at {revision}")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default: LEADLINE_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Default: LEADLINE_PORT.")] = None,
    workers: Annotated[int, typer.Option(help="Server processes.")] = 1,
    no_worker: Annotated[
        bool, typer.Option("--no-worker", help="Web only: run no background work in this node.")
    ] = False,
) -> None:
    """Serve every interface; runs the background worker in-process unless --no-worker."""
    import uvicorn

    from leadline.logging import configure_logging

    config = settings()
    if no_worker:
        # Read by every server process this command starts.
        os.environ["LEADLINE_RUN_WORKER"] = "false"
    config.resolved_secret_key()  # made once here, before several processes race for it
    configure_logging(config.log_level, config.log_format)
    uvicorn.run(
        "leadline.app:create_configured_app",
        factory=True,
        host=host or config.host,
        port=port or config.port,
        workers=workers,
        proxy_headers=False,
        server_header=False,
        log_config=None,
    )


@app.command()
def worker() -> None:
    """Run the background worker alone (any number, on PostgreSQL)."""
    from leadline.config import get_settings
    from leadline.core.security import Keyring
    from leadline.db.engine import Database
    from leadline.http.deps import Services
    from leadline.http.ratelimit import RateLimiter
    from leadline.logging import configure_logging
    from leadline.runtime import tune_gc
    from leadline.worker.runner import Worker

    config = get_settings()
    configure_logging(config.log_level, config.log_format)
    tune_gc(config.gc_threshold)

    async def work() -> None:
        db = Database(config.async_database_url, busy_timeout_ms=config.sqlite_busy_timeout_ms)
        services = Services(
            settings=config,
            db=db,
            keyring=Keyring(config.resolved_secret_key()),
            rate_limiter=RateLimiter(),
        )
        try:
            await Worker(services).run()
        finally:
            await db.dispose()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(work())


@app.command()
def demo(
    json_out: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """Create (or refresh) the demo account and print what each interface needs."""
    from leadline.core.demo import build_demo

    async def work() -> dict[str, object]:
        async with transaction() as session:
            return await build_demo(session, keyring())

    output = run(work)
    if json_out:
        print_json(output)
        return
    config = settings()
    base = config.public_url.rstrip("/")
    console.print(f"[bold]Demo account {output['account_id']}[/bold] is ready at {base}")
    for name, value in output.items():
        console.print(f"  {name:20} {value}")


def main() -> None:
    app()
