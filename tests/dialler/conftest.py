"""Helpers for the dialler's tests: a round-the-clock campaign, leads made through the
core services, and engines driven by the test's own clock with a seeded backend."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from leadline.core import clock
from leadline.core.contacts import service as contacts
from leadline.core.leads import service as leads
from leadline.core.media.storage import LocalMediaStorage
from leadline.core.users import service as users
from leadline.core.vocabulary import ROUND_THE_CLOCK
from leadline.db.engine import Database
from leadline.db.models import Campaign, DialAttempt, Lead, User
from leadline.dialler.engine import DiallerEngine
from leadline.dialler.telephony.simulated import SimulatedBackend
from tests.factories import World, make_world


def sim(**rates: object) -> dict[str, object]:
    """Simulated settings where only the given outcomes happen (others weigh 0)."""
    options: dict[str, object] = {
        "answer_rate": 0,
        "busy_rate": 0,
        "no_answer_rate": 0,
        "failure_rate": 0,
        "voicemail_rate": 0,
        "ring_seconds": 5,
        "talk_seconds": 30,
    }
    options.update(rates)
    return options


@dataclass
class Floor:
    db: Database
    world: World
    media: Path

    @property
    def campaign_id(self) -> int:
        return self.world.campaign.id

    async def configure(self, **fields: object) -> None:
        async with self.db.transaction() as session:
            campaign = await session.get(Campaign, self.campaign_id)
            assert campaign is not None
            for name, value in fields.items():
                setattr(campaign, name, value)

    async def lead(
        self,
        number: str,
        *phones: str,
        due: datetime | None = None,
        list_id: int | None = None,
        **fields: object,
    ) -> int:
        async with self.db.transaction() as session:
            contact, _ = await contacts.find_or_create_contact(
                session, account_id=self.world.account.id, number=number
            )
            lead_list = self.world.lead_list
            if list_id is not None:
                from leadline.db.models import LeadList

                found = await session.get(LeadList, list_id)
                assert found is not None
                lead_list = found
            lead = await leads.create_lead(
                session,
                lead_list=lead_list,
                contact=contact,
                phones=[number, *phones],
                next_attempt_at=due,
                **fields,  # type: ignore[arg-type]
            )
            return lead.id

    async def agent(self, login: str, *, available: bool = True, member: bool = True) -> int:
        from leadline.core.campaigns import service as campaigns

        async with self.db.transaction() as session:
            user = await users.create_user(
                session,
                account_id=self.world.account.id,
                login=login,
                password="agent-pass",
                available=available,
            )
            await session.flush()
            if member:
                campaign = await session.get(Campaign, self.campaign_id)
                assert campaign is not None
                await campaigns.add_member(session, campaign, user)
            return user.id

    async def set_available(self, user_id: int, available: bool) -> None:
        async with self.db.transaction() as session:
            user = await session.get(User, user_id)
            assert user is not None
            await users.set_availability(session, user, available)

    def engine(self, identity: str = "worker-1", seed: int = 7, **options: object) -> DiallerEngine:
        return DiallerEngine(
            self.db,
            identity=identity,
            backend=SimulatedBackend(seed=seed),
            storage=LocalMediaStorage(self.media),
            **options,  # type: ignore[arg-type]
        )

    async def get_lead(self, lead_id: int) -> Lead:
        async with self.db.read_session() as session:
            lead = await session.get(Lead, lead_id)
            assert lead is not None
            return lead

    async def attempts(self, lead_id: int | None = None) -> list[DialAttempt]:
        async with self.db.read_session() as session:
            statement = select(DialAttempt).order_by(DialAttempt.id)
            if lead_id is not None:
                statement = statement.where(DialAttempt.lead_id == lead_id)
            return list(await session.scalars(statement))


async def make_floor(
    db: Database, media: Path, options: dict[str, object], **fields: object
) -> Floor:
    world = await make_world(db)
    floor = Floor(db, world, media)
    await floor.configure(
        calling_hours=ROUND_THE_CLOCK, dialler_options={"simulated": options}, **fields
    )
    return floor


@pytest.fixture
def now() -> datetime:
    return clock.now()


async def run_for(
    engine: DiallerEngine, start: datetime, *, ticks: int, step: float = 6.0
) -> datetime:
    """Tick ``ticks`` times, ``step`` seconds apart, from ``start``; the last moment."""
    moment = start
    for _ in range(ticks):
        await engine.tick(moment)
        moment += timedelta(seconds=step)
    return moment


def ids(rows: Sequence[DialAttempt]) -> list[int]:
    return [row.id for row in rows]
