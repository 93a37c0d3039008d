"""List endpoints: ``limit``, ``cursor`` and the ``{"metadata": {"nextUri"}, "items"}``
envelope. With a cursor, the filters come from it and other parameters are ignored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

from fastapi import Query
from starlette.requests import Request

from leadline.adapters.platform import cursors, wire
from leadline.adapters.platform.mapping import BASE_PATH, maybe_parse
from leadline.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from leadline.http.deps import services

CursorParam = Annotated[
    str | None, Query(max_length=4096, description="Pagination cursor (from `nextUri`)")
]
LimitParam = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")]
IdFilter = Annotated[int | None, Query(ge=1, le=wire.MAX_ID)]
TimestampFilter = Annotated[
    str | None,
    Query(max_length=64, pattern=r"^[^\x00]*$", description="ISO 8601; no offset: account zone"),
]

T = TypeVar("T")


@dataclass(frozen=True)
class ListQuery:
    kind: str
    filters: dict[str, Any]
    after: int | None
    limit: int

    def moment(self, name: str, zone: ZoneInfo) -> datetime | None:
        """The timestamp filter ``name``, read in ``zone`` when it has no offset."""
        return maybe_parse(self.filters.get(name), zone, name)


def resolve(
    request: Request, kind: str, cursor: str | None, limit: int, filters: dict[str, Any]
) -> ListQuery:
    if cursor is not None:
        found = cursors.decode(services(request).keyring, kind, cursor)
        limit = found.limit if 1 <= found.limit <= MAX_LIMIT else DEFAULT_LIMIT
        return ListQuery(kind, found.filters, found.after, limit)
    return ListQuery(kind, {k: v for k, v in filters.items() if v is not None}, None, limit)


def envelope(
    request: Request, query: ListQuery, page: Page[Any], items: Sequence[T]
) -> wire.Envelope[T]:
    next_uri = None
    if page.next_after is not None:
        token = cursors.encode(
            services(request).keyring,
            query.kind,
            cursors.Cursor(query.filters, page.next_after, query.limit),
        )
        next_uri = cursors.next_uri(f"{BASE_PATH}/{query.kind}", token)
    return wire.Envelope[T](metadata=wire.Metadata(nextUri=next_uri), items=list(items))
