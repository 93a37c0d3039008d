"""Pacing by dialling mode, agents' availability and membership, pausing, weights."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from leadline.core.campaigns import service as campaigns
from leadline.core.dialling import hopper, pacing
from leadline.core.vocabulary import DialStatus, LeadStatus
from leadline.db.engine import Database
from leadline.db.models import Campaign, DialAttempt
from tests.dialler.conftest import Floor, make_floor, sim


def _number(index: int) -> str:
    return f"+4478402{index:05d}"


async def _leads(floor: Floor, count: int, now: datetime, **fields: object) -> list[int]:
    return [await floor.lead(_number(i), due=now, **fields) for i in range(count)]


async def _history(floor: Floor, now: datetime, **counts: int) -> None:
    """Today's finished attempts of the campaign (what predictive pacing measures)."""
    statuses = {"answered": DialStatus.ANSWERED, "abandoned": DialStatus.ABANDONED}
    async with floor.db.transaction() as session:
        for name, count in counts.items():
            status = statuses.get(name, DialStatus.NO_ANSWER)
            for _ in range(count):
                session.add(
                    DialAttempt(
                        account_id=floor.world.account.id,
                        campaign_id=floor.campaign_id,
                        phone_index=1,
                        phone_number="+447700900000",
                        dial_status_id=int(status),
                        state="ended",
                        dialled_at=now - timedelta(seconds=1),
                        hangup_at=now - timedelta(seconds=1),
                    )
                )


async def test_progressive_places_one_call_per_available_agent(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(answer_rate=1))
    await floor.agent("second")
    await floor.agent("away", available=False)
    await floor.agent("outsider", member=False)
    await _leads(floor, 6, now)
    engine = floor.engine()
    report = await engine.tick(now)
    assert report.started == 2
    attempts = await floor.attempts()
    assert len({a.agent_id for a in attempts}) == 2
    # Both agents busy: the next tick starts nothing.
    assert (await engine.tick(now + timedelta(seconds=1))).started == 0


async def test_availability_changes_take_effect_at_once(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(no_answer_rate=1))
    await _leads(floor, 4, now)
    await floor.set_available(floor.world.agent.id, False)
    engine = floor.engine()
    assert (await engine.tick(now)).started == 0
    await floor.set_available(floor.world.agent.id, True)
    assert (await engine.tick(now + timedelta(seconds=1))).started == 1


async def test_a_paused_campaign_starts_no_call(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(answer_rate=1), is_active=False)
    await _leads(floor, 2, now)
    assert (await floor.engine().tick(now)).started == 0


async def test_preview_campaigns_are_not_dialled_by_the_engine(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(answer_rate=1), dialling_mode="preview")
    await _leads(floor, 2, now)
    assert (await floor.engine().tick(now)).started == 0


async def test_predictive_dials_more_lines_than_agents_at_a_low_answer_rate(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(no_answer_rate=1), dialling_mode="predictive")
    await floor.agent("second")
    await _history(floor, now, answered=10, no_answer=30)  # 25% answer, no abandons
    await _leads(floor, 10, now)
    report = await floor.engine().tick(now)
    assert report.started == 6  # 2 idle agents × min(1 / 0.25, 3)
    assert all(a.agent_id is None for a in await floor.attempts() if a.lead_id)


async def test_predictive_falls_back_to_one_call_per_agent_at_the_abandon_cap(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(no_answer_rate=1), dialling_mode="predictive")
    await floor.agent("second")
    # 10 picked up, 1 of them abandoned: 10% > the default 3% cap.
    await _history(floor, now, answered=9, abandoned=1, no_answer=30)
    await _leads(floor, 10, now)
    assert (await floor.engine().tick(now)).started == 2


def test_the_dial_level_eases_back_as_abandons_near_the_cap() -> None:
    free = pacing.DayStats(dialled=100, answered=25, abandoned=0, finished=100)
    near = pacing.DayStats(dialled=1000, answered=400, abandoned=10, finished=1000)
    assert pacing.dial_level(free, 3) == 3.0
    assert 1.0 < pacing.dial_level(near, 3) < 2.5  # 2.4% abandoned, between 1.5% and 3%
    assert pacing.dial_level(pacing.DayStats(5, 1, 0, 5), 3) == 1.0  # too few calls yet


async def test_an_answered_call_with_no_free_agent_is_abandoned_with_the_message(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(
        db,
        tmp_path,
        sim(answer_rate=1),
        dialling_mode="predictive",
        abandon_message="Sorry, we will call you back.",
    )
    await _history(floor, now, answered=10, no_answer=30)
    await _leads(floor, 3, now)
    engine = floor.engine()
    assert (await engine.tick(now)).started == 3
    report = await engine.tick(now + timedelta(seconds=6))
    assert (report.answered, report.abandoned) == (1, 2)
    abandoned = [a for a in await floor.attempts() if a.dial_status_id == DialStatus.ABANDONED]
    assert len(abandoned) == 2
    for attempt in abandoned:
        assert attempt.answered_at is not None
        lead = await floor.get_lead(attempt.lead_id or 0)
        assert lead.status_code == LeadStatus.ABANDONED
        assert lead.priority == hopper.ABANDONED_PRIORITY
        assert lead.next_attempt_at == attempt.hangup_at + timedelta(minutes=5)
    async with db.read_session() as session:
        from leadline.db.models import Activity

        activity = await session.get(Activity, abandoned[0].activity_id)
        assert activity is not None
        assert activity.data["abandonMessage"] == "Sorry, we will call you back."
        stats = await pacing.day_stats(session, await _campaign(session, floor), now)
    assert stats.abandoned == 2
    # Abandoned leads are first in line once due again.
    later = now + timedelta(minutes=6)
    async with db.transaction() as session:
        campaign = await _campaign(session, floor)
        due = await hopper.due_leads(session, campaign, later, 2)
    assert {lead.id for lead in due} == {a.lead_id for a in abandoned}


async def _campaign(session: object, floor: Floor) -> Campaign:
    from sqlalchemy.ext.asyncio import AsyncSession

    assert isinstance(session, AsyncSession)
    campaign = await session.get(Campaign, floor.campaign_id)
    assert campaign is not None
    return campaign


async def test_lists_share_the_calls_by_weight_and_only_lists_in_the_dialler(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(answer_rate=1))
    async with db.transaction() as session:
        campaign = await _campaign(session, floor)
        heavy = await campaigns.create_list(session, campaign=campaign, name="heavy", weight=3)
        parked = await campaigns.create_list(
            session, campaign=campaign, name="parked", in_dialler=False
        )
        heavy_id, parked_id = heavy.id, parked.id
    light = [await floor.lead(_number(i), due=now) for i in range(8)]
    heavy_leads = [await floor.lead(_number(100 + i), due=now, list_id=heavy_id) for i in range(8)]
    [await floor.lead(_number(200 + i), due=now, list_id=parked_id) for i in range(8)]
    async with db.transaction() as session:
        due = await hopper.due_leads(session, await _campaign(session, floor), now, 8)
    chosen = [lead.id for lead in due]
    assert len([i for i in chosen if i in heavy_leads]) == 6
    assert len([i for i in chosen if i in light]) == 2
