"""Test fixtures: every database test runs on SQLite and, when LEADLINE_TEST_POSTGRES_URL is
set, on PostgreSQL too. Under CI (CI=true) PostgreSQL is required: unreachable fails the run.

Isolation: SQLite tests each get a copy of a migrated template file; PostgreSQL tests share
one migrated database per xdist worker, emptied (TRUNCATE) before each test. Tests commit
for real, so concurrency is tested against real locking.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from leadline.app import create_app
from leadline.config import Settings
from leadline.core.security import Keyring
from leadline.db.base import Base
from leadline.db.engine import Database
from leadline.db.migrate import upgrade

PG_URL = os.environ.get("LEADLINE_TEST_POSTGRES_URL", "")
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]
TEST_SECRET = "test-secret-key"
#: Tables whose rows the migrations put there; never truncated.
SEEDED_TABLES = {"dial_statuses", "alembic_version"}


def pytest_configure(config: pytest.Config) -> None:
    if IN_CI and not PG_URL:
        raise pytest.UsageError("CI=true needs LEADLINE_TEST_POSTGRES_URL: PostgreSQL is required")


async def _pg_admin(sql: str) -> None:
    import asyncpg

    parsed = make_url(PG_URL)
    connection = await asyncpg.connect(
        host=parsed.host,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        database=parsed.database,
    )
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def worker_name(request: pytest.FixtureRequest) -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url(worker_name: str) -> Iterator[str]:
    if not PG_URL:
        pytest.skip("PostgreSQL not configured: set LEADLINE_TEST_POSTGRES_URL")
    # Unique per process: several checkouts may run their suites on one server at once.
    name = f"leadline_test_{worker_name}_{os.getpid()}"
    try:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # any failure here means "unreachable"
        pytest.fail(f"PostgreSQL at {PG_URL} is unreachable: {exc}", pytrace=False)
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> str:
    """A migrated, empty database for this test."""
    if backend == "sqlite":
        path = tmp_path / "leadline.db"
        shutil.copyfile(sqlite_template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_url")
    return url


async def _truncate(db: Database) -> None:
    tables = [t.name for t in Base.metadata.sorted_tables if t.name not in SEEDED_TABLES]
    async with db.write_engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url, busy_timeout_ms=30_000, pool_size=20)
    if database.is_postgres:
        await _truncate(database)
    yield database
    await database.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        var_dir=tmp_path / "var",
        media_dir=tmp_path / "media",
        secret_key=TEST_SECRET,
        run_worker=False,
        dialler="off",
        log_format="console",
    )


@pytest.fixture
def keyring() -> Keyring:
    return Keyring(TEST_SECRET)


@pytest.fixture
def app(settings: Settings, db: Database):  # type: ignore[no-untyped-def]
    return create_app(settings, database=db)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app, client=("203.0.113.10", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


def require_tool(path: str, what: str) -> None:
    """Skip on a laptop without ``path``; fail under CI, where nothing may skip."""
    if shutil.which(path) or os.path.exists(path):
        return
    message = f"{what} not found at {path}"
    if IN_CI:
        pytest.fail(f"{message} (CI must install it)", pytrace=False)
    pytest.skip(message)
