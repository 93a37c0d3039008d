"""The Platform API benchmarks' shared set-up: a fresh SQLite store with one account, a
platform token without a rate limit, and the app over it (in process, no network)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from tests.factories import World, make_token, make_world

from leadline.app import create_app
from leadline.config import Settings
from leadline.core.security import Keyring
from leadline.core.vocabulary import Scope
from leadline.db.engine import Database

SECRET = "bench-secret"


async def platform_app(workdir: str) -> tuple[FastAPI, Database, World, str]:
    """The app, its store, the account and a token (the store must be migrated already)."""
    url = f"sqlite:///{workdir}/bench.db"
    db = Database(url)
    world = await make_world(db, name="Bench")
    issued = await make_token(
        db,
        Keyring(SECRET),
        world.account.id,
        Scope.PLATFORM,
        rate_limit_per_second=1_000_000,
        rate_limit_burst=1_000_000,
    )
    settings = Settings(
        database_url=url,
        secret_key=SECRET,
        run_worker=False,
        dialler="off",
        var_dir=Path(workdir) / "var",
        media_dir=Path(workdir) / "media",
        log_level="WARNING",
    )
    return create_app(settings, database=db), db, world, issued.token
