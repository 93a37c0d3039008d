"""Reading activities and dial attempts: filtered keyset pages and what their details
show (the attempt behind an outbound call, its recording, names)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.access.service import Viewer
from leadline.core.pagination import Page, keyset_page, where_given, within
from leadline.db.models import Activity, Campaign, DialAttempt, Media, User, WrapCode


def _activity_visibility(viewer: Viewer) -> Any:
    if viewer.sees_everything:
        return true()
    return or_(viewer.campaign_filter(Activity.campaign_id), Activity.agent_id == viewer.user_id)


async def page_activities(
    session: AsyncSession,
    viewer: Viewer,
    *,
    after: int | None,
    limit: int,
    campaign_id: int | None = None,
    lead_id: int | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    activity_type: str | None = None,
) -> Page[Activity]:
    statement = select(Activity).where(
        Activity.account_id == viewer.account_id, _activity_visibility(viewer)
    )
    statement = where_given(
        statement,
        (Activity.campaign_id, campaign_id),
        (Activity.lead_id, lead_id),
        (Activity.activity_type, activity_type),
    )
    statement = within(statement, Activity.started_at, created_from, created_to)
    return await keyset_page(session, statement, Activity.id, after=after, limit=limit)


async def visible_activity(session: AsyncSession, viewer: Viewer, activity_id: int) -> Activity:
    activity = await session.get(Activity, activity_id)
    return viewer.require(
        activity,
        "activity",
        activity_id,
        lambda a: viewer.sees_campaign(a.campaign_id) or a.agent_id == viewer.user_id,
    )


async def page_attempts(
    session: AsyncSession,
    viewer: Viewer,
    *,
    after: int | None,
    limit: int,
    campaign_id: int | None = None,
    lead_id: int | None = None,
    dialled_from: datetime | None = None,
    dialled_to: datetime | None = None,
) -> Page[DialAttempt]:
    statement = select(DialAttempt).where(
        DialAttempt.account_id == viewer.account_id,
        viewer.campaign_filter(DialAttempt.campaign_id),
    )
    statement = where_given(
        statement, (DialAttempt.campaign_id, campaign_id), (DialAttempt.lead_id, lead_id)
    )
    statement = within(statement, DialAttempt.dialled_at, dialled_from, dialled_to)
    return await keyset_page(session, statement, DialAttempt.id, after=after, limit=limit)


async def visible_attempt(session: AsyncSession, viewer: Viewer, attempt_id: int) -> DialAttempt:
    attempt = await session.get(DialAttempt, attempt_id)
    return viewer.require(
        attempt, "dial attempt", attempt_id, lambda a: viewer.sees_campaign(a.campaign_id)
    )


@dataclass
class CallContext:
    """Names and related rows the details of activities and attempts show."""

    campaigns: dict[int, str] = field(default_factory=dict)
    agents: dict[int, str] = field(default_factory=dict)
    wrap_codes: dict[str, str] = field(default_factory=dict)
    attempts: dict[int, DialAttempt] = field(default_factory=dict)  # by activity id
    activities: dict[int, Activity] = field(default_factory=dict)  # by id
    media: dict[int, list[Media]] = field(default_factory=lambda: defaultdict(list))


async def call_context(
    session: AsyncSession,
    account_id: int,
    activities: Sequence[Activity] = (),
    attempts: Sequence[DialAttempt] = (),
) -> CallContext:
    context = CallContext()
    activity_ids = {a.id for a in activities} | {t.activity_id for t in attempts if t.activity_id}
    if activity_ids:
        context.activities = {
            a.id: a
            for a in await session.scalars(select(Activity).where(Activity.id.in_(activity_ids)))
        }
        for attempt in await session.scalars(
            select(DialAttempt).where(DialAttempt.activity_id.in_(activity_ids))
        ):
            context.attempts[int(attempt.activity_id or 0)] = attempt
        for media in await session.scalars(
            select(Media).where(Media.activity_id.in_(activity_ids)).order_by(Media.id)
        ):
            context.media[int(media.activity_id or 0)].append(media)
    rows: list[Activity | DialAttempt] = [*context.activities.values(), *attempts]
    campaign_ids = {row.campaign_id for row in rows if row.campaign_id}
    agent_ids = {row.agent_id for row in rows if row.agent_id}
    if campaign_ids:
        context.campaigns = dict(
            (row.id, row.name)
            for row in await session.scalars(select(Campaign).where(Campaign.id.in_(campaign_ids)))
        )
    if agent_ids:
        context.agents = {
            u.id: u.full_name
            for u in await session.scalars(select(User).where(User.id.in_(agent_ids)))
        }
    context.wrap_codes = {
        row.code: row.description
        for row in await session.scalars(select(WrapCode).where(WrapCode.account_id == account_id))
    }
    return context
