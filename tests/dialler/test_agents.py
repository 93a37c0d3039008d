"""Agents at work: next-lead reservation (preview) and wrap-up."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from leadline.core.compliance import dnc
from leadline.core.dialling import agents, hopper
from leadline.core.errors import Conflict, ValidationFailed
from leadline.core.vocabulary import DialStatus, LeadStatus
from leadline.db.engine import Database
from leadline.db.models import DialAttempt, Lead, User
from tests.dialler.conftest import Floor, make_floor, sim

A = "+447840258823"
B = "+447840258824"


async def _reserve(floor: Floor, agent_id: int, now: datetime) -> agents.Reservation | None:
    async with floor.db.transaction() as session:
        agent = await session.get(User, agent_id)
        assert agent is not None
        return await agents.reserve_next_lead(session, agent, now=now)


async def _connected_call(floor: Floor, now: datetime) -> tuple[int, int]:
    """A lead whose call was answered and has ended; (lead id, attempt id)."""
    lead_id = await floor.lead(A, due=now)
    engine = floor.engine()
    await engine.tick(now)
    await engine.tick(now + timedelta(seconds=6))
    await engine.tick(now + timedelta(seconds=40))
    [attempt] = await floor.attempts(lead_id)
    assert attempt.state == "ended"
    return lead_id, attempt.id


async def _wrap(floor: Floor, attempt_id: int, now: datetime, **fields: object) -> None:
    async with floor.db.transaction() as session:
        attempt = await session.get(DialAttempt, attempt_id)
        assert attempt is not None
        await agents.wrap_up(
            session,
            attempt,
            fields.get("status_code"),  # type: ignore[arg-type]
            fields.get("wrap_code"),  # type: ignore[arg-type]
            fields.get("notes"),  # type: ignore[arg-type]
            fields.get("call_back_at"),  # type: ignore[arg-type]
            now=now,
        )


async def test_next_lead_reserves_a_due_lead_and_the_engine_dials_it(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(no_answer_rate=1), dialling_mode="preview")
    lead_id = await floor.lead(A, due=now)
    reservation = await _reserve(floor, floor.world.agent.id, now)
    assert reservation is not None
    assert reservation.lead.id == lead_id
    assert reservation.attempt.agent_id == floor.world.agent.id
    lead = await floor.get_lead(lead_id)
    assert lead.reserved_for_agent_id == floor.world.agent.id
    # The same agent asking again while holding it is busy.
    with pytest.raises(Conflict):
        await _reserve(floor, floor.world.agent.id, now)
    engine = floor.engine()
    assert (await engine.tick(now + timedelta(seconds=1))).dialled == 1
    await engine.tick(now + timedelta(seconds=10))
    [attempt] = await floor.attempts(lead_id)
    assert attempt.dial_status_id == DialStatus.NO_ANSWER
    lead = await floor.get_lead(lead_id)
    assert lead.reserved_for_agent_id is None
    assert lead.locked_by is None


async def test_next_lead_is_none_when_nothing_is_due(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(), dialling_mode="preview")
    await floor.lead(A, due=now + timedelta(hours=1))
    assert await _reserve(floor, floor.world.agent.id, now) is None


async def test_next_lead_skips_leads_assigned_to_another_agent(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(), dialling_mode="preview")
    other = await floor.agent("other")
    await floor.lead(A, due=now, assigned_agent_id=other)
    mine = await floor.lead(
        B, due=now + timedelta(seconds=-5), assigned_agent_id=floor.world.agent.id
    )
    reservation = await _reserve(floor, floor.world.agent.id, now)
    assert reservation is not None and reservation.lead.id == mine
    assert await _reserve(floor, other, now) is not None


async def test_next_lead_needs_an_available_agent(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(), dialling_mode="preview")
    await floor.lead(A, due=now)
    await floor.set_available(floor.world.agent.id, False)
    with pytest.raises(Conflict):
        await _reserve(floor, floor.world.agent.id, now)


async def test_wrap_up_with_a_final_wrap_code_completes_the_lead(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(answer_rate=1))
    lead_id, attempt_id = await _connected_call(floor, now)
    await _wrap(floor, attempt_id, now + timedelta(seconds=50), wrap_code="SALE", notes="Keen")
    lead = await floor.get_lead(lead_id)
    assert lead.status_code == LeadStatus.ANSWERED_INTERESTED
    assert lead.completed_at is not None
    assert lead.last_wrap_code == "SALE"
    [attempt] = await floor.attempts(lead_id)
    assert (attempt.state, attempt.notes) == ("wrapped", "Keen")
    with pytest.raises(Conflict):
        await _wrap(floor, attempt_id, now, wrap_code="SALE")


async def test_wrap_up_with_a_call_back_schedules_it_first_in_line(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(answer_rate=1))
    lead_id, attempt_id = await _connected_call(floor, now)
    call_back = now + timedelta(hours=3)
    await _wrap(floor, attempt_id, now + timedelta(seconds=50), call_back_at=call_back)
    lead = await floor.get_lead(lead_id)
    assert lead.status_code == LeadStatus.CALL_BACK
    assert lead.next_attempt_at == call_back
    assert lead.priority == hopper.CALLBACK_PRIORITY
    assert lead.completed_at is None
    assert lead.locked_by is None


async def test_wrap_up_do_not_call_lists_the_number(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(answer_rate=1))
    lead_id, attempt_id = await _connected_call(floor, now)
    await _wrap(floor, attempt_id, now + timedelta(seconds=50), wrap_code="DNC")
    assert (await floor.get_lead(lead_id)).status_code == LeadStatus.DO_NOT_CALL
    async with db.read_session() as session:
        assert await dnc.is_listed(session, floor.world.account.id, A)


async def test_wrap_up_refuses_an_unanswered_call_and_unknown_codes(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(no_answer_rate=1))
    lead_id = await floor.lead(A, due=now)
    await floor.engine().tick(now)
    [attempt] = await floor.attempts(lead_id)
    with pytest.raises(Conflict):
        await _wrap(floor, attempt.id, now, wrap_code="SALE")
    floor2 = await make_floor_answered(db, tmp_path, now)
    with pytest.raises(ValidationFailed):
        await _wrap(floor2[0], floor2[1], now, wrap_code="NOPE")


async def make_floor_answered(db: Database, tmp_path: Path, now: datetime) -> tuple[Floor, int]:
    from tests.factories import make_world

    world = await make_world(db, name="Other", login_prefix="other")
    floor = Floor(db, world, tmp_path)
    from leadline.core.vocabulary import ROUND_THE_CLOCK

    await floor.configure(
        calling_hours=ROUND_THE_CLOCK, dialler_options={"simulated": sim(answer_rate=1)}
    )
    _, attempt_id = await _connected_call(floor, now)
    return floor, attempt_id


async def test_simulated_agents_wrap_up_by_themselves(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(answer_rate=1))
    await floor.configure(
        dialler_options={
            "simulated": sim(answer_rate=1),
            "simulated_agents": {"wrap_after_seconds": 20, "wrap_codes": ["NOT-INTERESTED"]},
        }
    )
    lead_id, _ = await _connected_call(floor, now)
    report = await floor.engine().tick(now + timedelta(seconds=60))
    assert report.wrapped == 1
    lead = await floor.get_lead(lead_id)
    assert lead.status_code == LeadStatus.ANSWERED_NOT_INTERESTED


async def test_current_call_is_the_answered_call_until_it_is_wrapped(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(answer_rate=1))
    agent_id = floor.world.agent.id

    async def current() -> DialAttempt | None:
        async with floor.db.read_session() as session:
            agent = await session.get(User, agent_id)
            assert agent is not None
            return await agents.current_call(session, agent, now=now + timedelta(seconds=50))

    assert await current() is None
    _, attempt_id = await _connected_call(floor, now)
    found = await current()
    assert found is not None and found.id == attempt_id
    await _wrap(floor, attempt_id, now + timedelta(seconds=45), status_code=6)
    assert await current() is None


async def test_call_back_puts_the_lead_first_and_refuses_a_completed_one(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim())
    lead_id = await floor.lead(A, due=now)
    at = now + timedelta(days=1)
    async with floor.db.transaction() as session:
        lead = await session.get(Lead, lead_id)
        assert lead is not None
        await agents.call_back(session, lead, at)
        assert lead.next_attempt_at == at and lead.priority == hopper.CALLBACK_PRIORITY
        assert lead.status_code == int(LeadStatus.CALL_BACK)
        lead.completed_at = now
        with pytest.raises(Conflict):
            await agents.call_back(session, lead, at)
