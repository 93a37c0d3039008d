"""Keyset pages: ``WHERE id > :after ORDER BY id LIMIT :limit + 1`` — never OFFSET, so a
walk over a growing table sees every row exactly once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

T = TypeVar("T")

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    #: The id to continue after, or None on the last page.
    next_after: int | None


async def keyset_page(
    session: AsyncSession,
    statement: Select[Any],
    id_column: InstrumentedAttribute[int],
    *,
    after: int | None,
    limit: int,
) -> Page[Any]:
    """One page of ``statement``'s entities, ordered by ``id_column``."""
    if after is not None:
        statement = statement.where(id_column > after)
    rows = list(await session.scalars(statement.order_by(id_column).limit(limit + 1)))
    if len(rows) > limit:
        rows = rows[:limit]
        return Page(rows, int(rows[-1].id))
    return Page(rows, None)


def where_given(statement: Select[Any], *pairs: tuple[Any, object]) -> Select[Any]:
    """``column == value`` for each (column, value) whose value was given (not None)."""
    for column, value in pairs:
        if value is not None:
            statement = statement.where(column == value)
    return statement


def within(
    statement: Select[Any], column: Any, start: datetime | None, end: datetime | None
) -> Select[Any]:
    """``start <= column < end``, each bound only when given."""
    if start is not None:
        statement = statement.where(column >= start)
    if end is not None:
        statement = statement.where(column < end)
    return statement
