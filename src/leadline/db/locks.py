"""Serialising work on one key (say, one phone number of one account) across processes.

PostgreSQL: a transaction-scoped advisory lock. SQLite: nothing to do, since a write
transaction there already holds the database's single writer lock (BEGIN IMMEDIATE).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


def _lock_id(parts: tuple[object, ...]) -> int:
    digest = hashlib.sha256("\0".join(str(part) for part in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def lock_key(session: AsyncSession, *parts: object) -> None:
    """Hold a lock on ``parts`` until the session's transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _lock_id(parts)})
