"""Many workers: a lead is never dialled twice at once, a cancel racing a dial has one
winner, a dead worker's calls are recovered when its lease runs out, and SQLite runs
one engine per database."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from leadline.core.leads import service as leads
from leadline.core.vocabulary import DialStatus, LeadStatus
from leadline.db.engine import Database
from tests.dialler.conftest import make_floor, sim


def _number(index: int) -> str:
    return f"+4478403{index:05d}"


async def test_a_cancel_racing_the_dialler_has_exactly_one_winner(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(answer_rate=1))
    for agent in range(5):
        await floor.agent(f"racer-{agent}")
    lead_ids = [await floor.lead(_number(i), due=now) for i in range(6)]
    engine = floor.engine()

    async def cancel(lead_id: int) -> bool:
        async with db.transaction() as session:
            return await leads.cancel_if_untouched(session, lead_id)

    results = await asyncio.gather(engine.plan(now), *(cancel(lead_id) for lead_id in lead_ids))
    started = await floor.attempts()
    cancelled = {lead_id for lead_id, won in zip(lead_ids, results[1:], strict=True) if won}
    dialled = {attempt.lead_id for attempt in started}
    assert cancelled.isdisjoint(dialled)
    assert cancelled | dialled == set(lead_ids)
    for lead_id in cancelled:
        assert (await floor.get_lead(lead_id)).status_code == LeadStatus.CANCELLED


async def test_two_workers_never_dial_one_lead_twice_at_once(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(no_answer_rate=1), retry_delays={"2": 0})
    for agent in range(7):
        await floor.agent(f"agent-{agent}")
    for i in range(12):
        await floor.lead(_number(i), due=now)
    first, second = floor.engine("worker-a", seed=1), floor.engine("worker-b", seed=2)
    moment = now
    for _ in range(4):
        # Both fill the same campaign at the same moment.
        await asyncio.gather(first.plan(moment), second.plan(moment))
        attempts = await floor.attempts()
        live = Counter(a.lead_id for a in attempts if a.state in ("dialling", "connected"))
        assert live and max(live.values()) == 1
        assert len(live) <= 8  # one call per agent, never more
        moment += timedelta(seconds=1)
    workers = {a.worker_id for a in await floor.attempts()}
    assert workers <= {"worker-a", "worker-b"}


async def test_a_worker_killed_mid_call_is_recovered_when_its_lease_expires(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(answer_rate=1))
    lead_id = await floor.lead(_number(1), due=now)
    doomed = floor.engine("doomed", lease_seconds=30)
    await doomed.tick(now)
    await doomed.tick(now + timedelta(seconds=6))
    [attempt] = await floor.attempts(lead_id)
    assert attempt.state == "connected"
    # The worker dies here: nothing renews its lease any more.
    survivor = floor.engine("survivor", lease_seconds=30)
    early = await survivor.tick(now + timedelta(seconds=20))
    if db.is_sqlite:
        assert not early.held  # the dead engine's lease still stands
    [attempt] = await floor.attempts(lead_id)
    assert attempt.state == "connected"
    report = await survivor.tick(now + timedelta(seconds=40))
    assert report.held and report.recovered == 1
    [attempt, *_] = await floor.attempts(lead_id)
    assert (attempt.state, attempt.dial_status_id) == ("ended", DialStatus.FAILED)
    lead = await floor.get_lead(lead_id)
    assert lead.locked_by is None or lead.locked_by != "doomed"
    assert lead.completed_at is None
    assert lead.next_attempt_at == now + timedelta(seconds=40) + timedelta(hours=1)


async def test_a_reservation_never_dialled_does_not_count_when_it_runs_out(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    from leadline.core.dialling import agents
    from leadline.db.models import User

    floor = await make_floor(db, tmp_path, sim(answer_rate=1), dialling_mode="preview")
    lead_id = await floor.lead(_number(1), due=now)
    async with db.transaction() as session:
        agent = await session.get(User, floor.world.agent.id)
        assert agent is not None
        assert await agents.reserve_next_lead(session, agent, now=now) is not None
    later = now + timedelta(seconds=agents.RESERVATION_SECONDS + 1)
    async with db.transaction() as session:
        from leadline.core.dialling import calls

        assert await calls.recover_expired(session, later) == 1
    lead = await floor.get_lead(lead_id)
    assert (lead.attempts, lead.reserved_for_agent_id, lead.locked_by) == (0, None, None)


async def test_a_live_worker_keeps_its_long_call_by_renewing_the_lease(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(answer_rate=1, talk_seconds=120))
    lead_id = await floor.lead(_number(1), due=now)
    engine = floor.engine("steady", lease_seconds=30)
    for offset in (0, 6, 25, 50, 75):
        report = await engine.tick(now + timedelta(seconds=offset))
        assert report.recovered == 0
    [attempt] = await floor.attempts(lead_id)
    assert attempt.state == "connected"
    assert attempt.lease_expires_at == now + timedelta(seconds=75 + 30)
    assert (await floor.get_lead(lead_id)).locked_until == attempt.lease_expires_at
