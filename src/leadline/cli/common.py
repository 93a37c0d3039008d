"""What every CLI command shares: the settings, the store, and a clean error exit."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import typer
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.config import Settings, get_settings
from leadline.core.errors import DomainError, ValidationFailed
from leadline.core.security import Keyring
from leadline.db.engine import Database

T = TypeVar("T")
console = Console()
err_console = Console(stderr=True)


def settings() -> Settings:
    return get_settings()


def keyring() -> Keyring:
    return Keyring(settings().resolved_secret_key())


@asynccontextmanager
async def transaction() -> AsyncIterator[AsyncSession]:
    config = settings()
    db = Database(config.async_database_url, busy_timeout_ms=config.sqlite_busy_timeout_ms)
    try:
        async with db.transaction() as session:
            yield session
    finally:
        await db.dispose()


def run(work: Callable[[], Awaitable[T]]) -> T:
    """Run ``work``; a domain error becomes a one-line message and exit code 1."""
    try:
        return asyncio.run(work())  # type: ignore[arg-type]
    except ValidationFailed as exc:
        details = "; ".join(
            f"{field}: {', '.join(problems)}" for field, problems in exc.errors.items()
        )
        err_console.print(f"[red]error:[/red] {details}")
        raise typer.Exit(1) from None
    except DomainError as exc:
        err_console.print(f"[red]error:[/red] {exc.message}")
        raise typer.Exit(1) from None


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, default=str, ensure_ascii=False))
