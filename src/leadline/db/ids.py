"""Primary keys handed out ahead of a bulk insert, so rows written in one statement can
be referred to (by their children) without asking the store which id each one got."""

from __future__ import annotations

from sqlalchemy import Table, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession


async def reserve_ids(session: AsyncSession, table: Table, count: int) -> list[int]:
    """``count`` fresh ids of ``table``'s integer primary key ``id``.

    PostgreSQL: drawn from the column's sequence (safe under any concurrency). SQLite:
    the next ids after the largest, which is safe because a write transaction there is
    the database's only writer (BEGIN IMMEDIATE) until it ends.
    """
    if count <= 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        rows = await session.scalars(
            text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
            ),
            {"table": table.name, "n": count},
        )
        return sorted(int(value) for value in rows)
    largest = await session.scalar(select(func.coalesce(func.max(table.c.id), 0)))
    start = int(largest or 0) + 1
    return list(range(start, start + count))
