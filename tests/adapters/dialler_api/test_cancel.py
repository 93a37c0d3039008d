from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from sqlalchemy import select, text

from leadline.core import clock
from leadline.core.leads import service as leads
from leadline.core.vocabulary import LeadStatus
from leadline.db.engine import Database
from leadline.db.models import InboxEvent, Lead
from tests.adapters.dialler_api.conftest import Dialler, fixture

CANCELLED = {"cancelled": True}
ALREADY = {"cancelled": False, "warning": "already processed"}


async def _lead(db: Database) -> Lead:
    async with db.read_session() as session:
        lead = await session.scalar(select(Lead).order_by(Lead.id.desc()))
    assert lead is not None
    return lead


async def test_the_seed_example_cancels_the_lead(db: Database, dialler: Dialler) -> None:
    await dialler.add(fixture("add_seed.json"))
    answer = await dialler.cancel(fixture("cancel_seed.json"))
    assert answer.status_code == 200
    assert answer.json() == CANCELLED
    lead = await _lead(db)
    assert lead.status_code == LeadStatus.CANCELLED
    assert lead.completed_at is not None
    assert lead.dialable_at is None
    async with db.read_session() as session:
        event = await session.scalar(select(InboxEvent).where(InboxEvent.kind == "lead.cancel"))
    assert event is not None
    assert (event.status, event.lead_id) == ("processed", lead.id)


async def test_cancelling_twice_is_already_processed(dialler: Dialler) -> None:
    await dialler.add(fixture("add_seed.json"))
    await dialler.cancel(fixture("cancel_seed.json"))
    assert (await dialler.cancel(fixture("cancel_seed.json"))).json() == ALREADY


async def test_after_a_cancel_the_lead_can_be_added_again(dialler: Dialler) -> None:
    await dialler.add(fixture("add_seed.json"))
    await dialler.cancel(fixture("cancel_seed.json"))
    assert (await dialler.add(fixture("add_seed.json"))).json() == {
        "saved": True,
        "processed": True,
    }
    assert (await dialler.cancel(fixture("cancel_seed.json"))).json() == CANCELLED


async def test_an_unknown_type(dialler: Dialler) -> None:
    answer = await dialler.cancel({**fixture("cancel_seed.json"), "type": "boats"})
    assert answer.status_code == 200
    assert answer.json() == {"cancelled": False, "warning": "server error (call group)"}


async def test_no_lead_for_that_mobile(dialler: Dialler) -> None:
    await dialler.add(fixture("add_seed.json"))
    answer = await dialler.cancel({**fixture("cancel_seed.json"), "mobile": "07840258824"})
    assert answer.json() == {"cancelled": False, "warning": "not found"}


async def test_a_completed_lead_is_already_processed(db: Database, dialler: Dialler) -> None:
    await dialler.add(fixture("add_seed.json"))
    async with db.transaction() as session:
        lead = await leads.get_lead(session, dialler.world.account.id, (await _lead(db)).id)
        await leads.complete(session, lead, LeadStatus.ANSWERED_INTERESTED)
    assert (await dialler.cancel(fixture("cancel_seed.json"))).json() == ALREADY


async def test_a_dialled_lead_is_already_processed(db: Database, dialler: Dialler) -> None:
    await dialler.add(fixture("add_seed.json"))
    async with db.transaction() as session:
        lead = await leads.get_lead(session, dialler.world.account.id, (await _lead(db)).id)
        lead.attempts = 1  # one dial attempt made and released
    assert (await dialler.cancel(fixture("cancel_seed.json"))).json() == ALREADY
    assert (await _lead(db)).completed_at is None


async def test_a_lead_being_dialled_is_already_processed(db: Database, dialler: Dialler) -> None:
    await dialler.add(fixture("add_seed.json"))
    lead_id = (await _lead(db)).id
    async with db.transaction() as session:
        until = clock.now() + timedelta(minutes=1)
        assert await leads.claim_for_dialling(session, lead_id, "engine-1", until)
    assert (await dialler.cancel(fixture("cancel_seed.json"))).json() == ALREADY


async def test_cancel_and_dialling_race_with_one_winner(db: Database, dialler: Dialler) -> None:
    for round_ in range(5):
        body = {**fixture("add_seed.json"), "mobile": f"0784025882{round_}"}
        assert (await dialler.add(body)).json()["processed"] is True
        lead_id = (await _lead(db)).id

        async def claim(lead_id: int = lead_id) -> bool:
            async with db.transaction() as session:
                until = clock.now() + timedelta(minutes=1)
                return await leads.claim_for_dialling(session, lead_id, "engine-1", until)

        claimed, answer = await asyncio.gather(
            claim(), dialler.cancel({"type": "motor-trade", "mobile": body["mobile"]})
        )
        cancelled = answer.json() == CANCELLED
        assert claimed != cancelled, f"round {round_}: claimed={claimed} cancelled={cancelled}"
        lead = await _lead(db)
        assert (lead.status_code == LeadStatus.CANCELLED) == cancelled
        assert (lead.locked_by == "engine-1") == claimed


async def test_the_mobile_and_type_are_required(dialler: Dialler) -> None:
    answer = await dialler.cancel({"test": True})
    assert answer.status_code == 400
    assert answer.json() == {
        "mobile": {"0": "Mobile cannot be blank."},
        "type": {"0": "Type cannot be blank."},
    }
    answer = await dialler.cancel({"type": "motor-trade", "mobile": "12"})
    assert answer.json() == {"mobile": {"0": "Mobile is not a valid phone number."}}


async def test_a_store_that_fails_answers_save_error(
    db: Database, dialler: Dialler, client: httpx.AsyncClient
) -> None:
    await dialler.add(fixture("add_seed.json"))
    # A real failure of the store: the inbox refuses new rows.
    async with db.write_engine.begin() as connection:
        if db.is_postgres:
            await connection.execute(
                text(
                    "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'refused'; END $$"
                )
            )
            await connection.execute(
                text(
                    "CREATE TRIGGER refuse_inbox BEFORE INSERT ON inbox_events "
                    "FOR EACH ROW EXECUTE FUNCTION refuse()"
                )
            )
        else:
            await connection.execute(
                text(
                    "CREATE TRIGGER refuse_inbox BEFORE INSERT ON inbox_events "
                    "BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            )
    try:
        answer = await dialler.cancel(fixture("cancel_seed.json"))
        assert answer.status_code == 500
        assert answer.json() == {"cancelled": False, "warning": "server error (save)"}
        assert (await _lead(db)).completed_at is None  # rolled back with the failure
    finally:
        async with db.write_engine.begin() as connection:
            await connection.execute(
                text("DROP TRIGGER refuse_inbox ON inbox_events")
                if db.is_postgres
                else text("DROP TRIGGER refuse_inbox")
            )
            if db.is_postgres:
                await connection.execute(text("DROP FUNCTION refuse()"))
