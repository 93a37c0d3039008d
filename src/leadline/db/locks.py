"""Serialising work on one key (say, one phone number of one account) across processes.

PostgreSQL: a transaction-scoped advisory lock. SQLite: nothing to do, since a write
transaction there already holds the database's single writer lock (BEGIN IMMEDIATE).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


def _lock_id(parts: tuple[object, ...]) -> int:
    digest = hashlib.sha256("\0".join(str(part) for part in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def key_id(*parts: object) -> int:
    """The advisory lock id of ``parts``, for a read that takes the lock alongside other
    questions (``pg_advisory_xact_lock`` in its select list) instead of on its own."""
    return _lock_id(parts)


async def lock_key(session: AsyncSession, *parts: object) -> None:
    """Hold a lock on ``parts`` until the session's transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _lock_id(parts)})


async def lock_keys(session: AsyncSession, keys: Iterable[tuple[object, ...]]) -> None:
    """Hold the locks of many keys (each what :func:`lock_key` takes as ``parts``) until
    the transaction ends, taken in one statement and in a fixed order, so two sessions
    locking overlapping sets never deadlock on each other."""
    if session.get_bind().dialect.name != "postgresql":
        return
    ids = sorted({_lock_id(parts) for parts in keys})
    if ids:
        await session.execute(
            text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:ids AS bigint[])) AS k"),
            {"ids": ids},
        )
