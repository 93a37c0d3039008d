"""Accounts are walls: a record of another account is "not found", never "forbidden"."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.errors import NotFound


class Owned(Protocol):
    account_id: Any


T = TypeVar("T", bound=Owned)


async def get_owned(
    session: AsyncSession, model: type[T], account_id: int, ident: object, kind: str
) -> T:
    """The ``model`` row ``ident`` if it belongs to ``account_id``; else :class:`NotFound`."""
    row = await session.get(model, ident)
    if row is None or row.account_id != account_id:
        raise NotFound(kind, ident)
    return row
