"""Reading users: filtered keyset pages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.access.service import Viewer
from leadline.core.pagination import Page, keyset_page, where_given
from leadline.db.models import User


async def page_users(
    session: AsyncSession,
    viewer: Viewer,
    *,
    after: int | None,
    limit: int,
    user_type: str | None = None,
    active: bool | None = None,
) -> Page[User]:
    statement = select(User).where(User.account_id == viewer.account_id)
    if not viewer.sees_everything:
        # An agent's own token lists only the agent.
        statement = statement.where(User.id == viewer.user_id)
    statement = where_given(statement, (User.user_type, user_type), (User.active, active))
    return await keyset_page(session, statement, User.id, after=after, limit=limit)
