"""Outcomes of calls placed by the engine: attempts, activities, retries, rotation,
do-not-call, maximum attempts, invalid numbers, recordings."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from leadline.core.compliance import dnc
from leadline.core.vocabulary import DialStatus, LeadStatus
from leadline.db.engine import Database
from leadline.db.models import Activity, Media
from tests.dialler.conftest import make_floor, run_for, sim

A = "+447840258823"
B = "+447840258824"
C = "+447840258825"


async def test_a_no_answer_is_recorded_and_retried_after_two_hours(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(no_answer_rate=1))
    lead_id = await floor.lead(A, due=now - timedelta(seconds=1))
    engine = floor.engine()
    report = await engine.tick(now)
    assert (report.started, report.dialled) == (1, 1)
    await engine.tick(now + timedelta(seconds=6))
    [attempt] = await floor.attempts(lead_id)
    assert attempt.dial_status_id == DialStatus.NO_ANSWER
    assert (attempt.phone_index, attempt.phone_number, attempt.state) == (1, A, "ended")
    assert attempt.hangup_at == now + timedelta(seconds=5)
    lead = await floor.get_lead(lead_id)
    assert lead.status_code == LeadStatus.NO_ANSWER
    assert lead.attempts == 1
    assert lead.locked_by is None
    assert lead.next_attempt_at == attempt.hangup_at + timedelta(hours=2)
    async with db.read_session() as session:
        activity = await session.get(Activity, attempt.activity_id)
    assert activity is not None
    assert activity.activity_type == "call.outbound"
    assert (activity.lead_id, activity.campaign_id) == (lead_id, floor.campaign_id)
    assert activity.contact_id == lead.contact_id
    assert activity.agent_id == floor.world.agent.id
    assert activity.status == "No Answer"
    assert activity.data["attemptId"] == attempt.id
    assert activity.data["dialStatusName"] == "No Answer"


async def test_the_campaigns_own_retry_delay_wins(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(busy_rate=1), retry_delays={"3": 90})
    lead_id = await floor.lead(A, due=now)
    engine = floor.engine()
    await engine.tick(now)
    await engine.tick(now + timedelta(seconds=6))
    lead = await floor.get_lead(lead_id)
    assert lead.status_code == LeadStatus.BUSY
    assert lead.next_attempt_at == now + timedelta(seconds=5 + 90)


async def test_phones_are_tried_in_turn_skipping_do_not_call_numbers(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(no_answer_rate=1), retry_delays={"2": 0})
    lead_id = await floor.lead(A, B, C, due=now)
    async with db.transaction() as session:
        await dnc.add(session, account_id=floor.world.account.id, number=B)
    await run_for(floor.engine(), now, ticks=8)
    assert [a.phone_number for a in await floor.attempts(lead_id)][:4] == [A, C, A, C]


async def test_a_lead_whose_only_number_is_listed_is_closed_when_queued(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(answer_rate=1))
    lead_id = await floor.lead(A, due=now)
    async with db.transaction() as session:
        await dnc.add(session, account_id=floor.world.account.id, number=A)
    report = await floor.engine().tick(now)
    assert report.started == 0
    assert await floor.attempts() == []
    lead = await floor.get_lead(lead_id)
    assert lead.status_code == LeadStatus.DO_NOT_CALL
    assert lead.completed_at is not None


async def test_a_number_listed_after_queueing_is_not_dialled(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(answer_rate=1))
    lead_id = await floor.lead(A, due=now)
    engine = floor.engine()
    assert len(await engine.plan(now)) == 1
    async with db.transaction() as session:
        await dnc.add(session, account_id=floor.world.account.id, number=A)
    from leadline.dialler.engine import TickReport

    report = TickReport()
    await engine.dial_pending(now, report)
    assert (report.dialled, report.cancelled) == (0, 1)
    [attempt] = await floor.attempts(lead_id)
    assert attempt.dial_status_id == DialStatus.CANCELLED
    assert attempt.backend_call_id is None
    assert (await floor.get_lead(lead_id)).attempts == 0
    await engine.tick(now + timedelta(seconds=1))
    assert (await floor.get_lead(lead_id)).status_code == LeadStatus.DO_NOT_CALL


async def test_a_lead_is_completed_at_the_maximum_attempts(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(
        db, tmp_path, sim(no_answer_rate=1), max_attempts=2, retry_delays={"2": 0}
    )
    lead_id = await floor.lead(A, due=now)
    await run_for(floor.engine(), now, ticks=8)
    assert len(await floor.attempts(lead_id)) == 2
    lead = await floor.get_lead(lead_id)
    assert lead.completed_at is not None
    assert lead.status_code == LeadStatus.NO_ANSWER


async def test_an_invalid_number_is_final(db: Database, tmp_path: Path, now: datetime) -> None:
    floor = await make_floor(db, tmp_path, sim(answer_rate=1, invalid_numbers=[A]))
    lead_id = await floor.lead(A, due=now)
    engine = floor.engine()
    await engine.tick(now)
    await engine.tick(now + timedelta(seconds=2))
    lead = await floor.get_lead(lead_id)
    assert lead.status_code == LeadStatus.INVALID_NUMBER
    assert lead.completed_at is not None


async def test_an_invalid_second_number_moves_on_to_the_first(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(
        db, tmp_path, sim(no_answer_rate=1, invalid_numbers=[A]), retry_delays={"6": 0, "2": 0}
    )
    lead_id = await floor.lead(A, B, due=now)
    await run_for(floor.engine(), now, ticks=3)
    assert [a.phone_number for a in await floor.attempts(lead_id)] == [A, B, B]
    assert (await floor.get_lead(lead_id)).completed_at is None


async def test_an_answered_call_is_recorded_and_waits_for_its_wrap_up(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, sim(answer_rate=1))
    lead_id = await floor.lead(A, due=now)
    engine = floor.engine()
    await engine.tick(now)
    report = await engine.tick(now + timedelta(seconds=6))
    assert report.answered == 1
    [attempt] = await floor.attempts(lead_id)
    assert (attempt.state, attempt.agent_id) == ("connected", floor.world.agent.id)
    assert attempt.answered_at == now + timedelta(seconds=5)
    report = await engine.tick(now + timedelta(seconds=40))
    assert report.ended == 1
    [attempt] = await floor.attempts(lead_id)
    assert (attempt.state, attempt.dial_status_id) == ("ended", DialStatus.ANSWERED)
    async with db.read_session() as session:
        media = await session.scalar(select(Media).where(Media.activity_id == attempt.activity_id))
        activity = await session.get(Activity, attempt.activity_id)
    assert media is not None and media.kind == "recording"
    assert media.storage_key is not None
    assert (tmp_path / media.storage_key).read_bytes()[:4] == b"RIFF"
    assert activity is not None
    assert activity.data["recordingMetadata"]["mediaId"] == media.id  # type: ignore[index]
    lead = await floor.get_lead(lead_id)
    assert lead.locked_by == f"attempt:{attempt.id}"  # held for the agent's wrap-up
    # The agent is in wrap-up: no new call for them.
    await floor.lead(B, due=now)
    assert (await engine.tick(now + timedelta(seconds=41))).started == 0
