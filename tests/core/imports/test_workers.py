"""Bulk import under failure and concurrency: a worker dying half-way, two workers at once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError

from leadline.core import clock
from leadline.core.imports import service as imports
from leadline.db.engine import Database
from leadline.db.models import BulkImportBatch, BulkImportError, Contact, Lead, LeadPhone
from tests.core.imports.conftest import accept, status
from tests.factories import make_world


def phone(n: int) -> str:
    return f"+4479111{n:05d}"


def rows_for(list_id: int, count: int) -> list[dict[str, object]]:
    """``count`` rows: every 5th one a repeat of the person four rows before (an open-lead
    row error), every 7th one an invalid phone."""
    rows: list[dict[str, object]] = []
    for n in range(count):
        number = phone(n - 4) if n % 5 == 4 else phone(n)
        rows.append({"listId": list_id, "phone1": "12" if n % 7 == 6 else number})
    return rows


def expected_created(rows: list[dict[str, object]]) -> int:
    numbers = [row["phone1"] for row in rows if row["phone1"] != "12"]
    return len(set(numbers))


async def counts(db: Database) -> tuple[int, int, int, int]:
    async with db.read_session() as session:
        leads = await session.scalar(select(func.count()).select_from(Lead))
        distinct = await session.scalar(select(func.count(func.distinct(Lead.contact_id))))
        contacts = await session.scalar(select(func.count()).select_from(Contact))
        errors = await session.scalar(select(func.count()).select_from(BulkImportError))
    return int(leads or 0), int(distinct or 0), int(contacts or 0), int(errors or 0)


async def expire_leases(db: Database) -> None:
    async with db.transaction() as session:
        await session.execute(
            update(BulkImportBatch)
            .where(BulkImportBatch.holder.is_not(None))
            .values(lease_until=clock.now() - timedelta(seconds=1))
        )


async def test_a_batch_held_by_a_dead_worker_is_resumed_after_its_lease(db: Database) -> None:
    world = await make_world(db)
    rows = rows_for(world.lead_list.id, 40)
    uuid = await accept(db, world.account.id, rows, batch_size=10)
    async with db.transaction() as session:
        dead = await imports.claim_batch(session, "dead-worker")
    assert dead is not None

    # The live worker does every other batch; the dead one's stays held while its lease runs.
    assert await imports.process_pending(db, "live-worker") == 3
    halfway = await status(db, world.account.id, uuid)
    assert (halfway.status, halfway.processed) == ("processing", 30)

    await expire_leases(db)
    assert await imports.process_pending(db, "live-worker") == 1

    done = await status(db, world.account.id, uuid)
    leads, people, _, errors = await counts(db)
    assert (done.status, done.processed) == ("completed", 40)
    assert leads == people == done.created == expected_created(rows)
    assert errors == done.failed == 40 - done.created


async def test_a_batch_rolled_back_half_way_is_written_once_on_retry(db: Database) -> None:
    world = await make_world(db)
    rows = rows_for(world.lead_list.id, 20)
    uuid = await accept(db, world.account.id, rows, batch_size=10)
    async with db.transaction() as session:
        batch = await imports.claim_batch(session, "crashing-worker")
    assert batch is not None
    async with db.read_session() as session:
        checked = await imports.check_batch(session, batch)

    class Crash(Exception):
        pass

    with pytest.raises(Crash):
        async with db.transaction() as session:
            assert await imports.write_batch(session, checked)
            raise Crash  # the process dies before the commit
    assert await counts(db) == (0, 0, 0, 0)

    await expire_leases(db)
    assert await imports.process_pending(db, "next-worker") == 2
    done = await status(db, world.account.id, uuid)
    leads, people, contacts, errors = await counts(db)
    assert (done.status, done.processed, done.created) == ("completed", 20, expected_created(rows))
    assert leads == people == contacts == done.created
    assert errors == done.failed == 20 - done.created


async def test_a_worker_whose_batch_was_taken_over_writes_nothing(db: Database) -> None:
    world = await make_world(db)
    rows = rows_for(world.lead_list.id, 10)
    uuid = await accept(db, world.account.id, rows, batch_size=10)
    async with db.transaction() as session:
        slow = await imports.claim_batch(session, "slow-worker")
    assert slow is not None
    async with db.read_session() as session:
        checked = await imports.check_batch(session, slow)
    await expire_leases(db)
    assert await imports.process_pending(db, "fast-worker") == 1

    async with db.transaction() as session:
        assert await imports.write_batch(session, checked) is False

    done = await status(db, world.account.id, uuid)
    leads, _, _, errors = await counts(db)
    assert (done.processed, done.created, done.failed) == (10, leads, errors)


async def test_two_workers_share_an_import_and_do_each_batch_once(db: Database) -> None:
    world = await make_world(db)
    rows = rows_for(world.lead_list.id, 120)
    # The same person in two batches: the two workers race for their open lead.
    rows[100] = {"listId": world.lead_list.id, "phone1": phone(0)}
    uuid = await accept(db, world.account.id, rows, batch_size=10)

    done_a, done_b = await asyncio.gather(
        imports.process_pending(db, "worker-a"), imports.process_pending(db, "worker-b")
    )

    assert done_a + done_b == 12
    result = await status(db, world.account.id, uuid)
    leads, people, contacts, errors = await counts(db)
    assert (result.status, result.processed) == ("completed", 120)
    assert leads == people == contacts == result.created == expected_created(rows)
    assert errors == result.failed == 120 - result.created
    async with db.read_session() as session:
        phones = await session.scalar(select(func.count()).select_from(LeadPhone))
        pending = await session.scalar(
            select(func.count()).select_from(BulkImportBatch).where(BulkImportBatch.state != "done")
        )
    assert phones == leads
    assert pending == 0


async def test_an_unexpected_error_fails_the_import_with_its_reason(db: Database) -> None:
    world = await make_world(db)
    uuid = await accept(db, world.account.id, [{"listId": world.lead_list.id}], batch_size=10)
    async with db.transaction() as session:
        # A staged row that is not JSON: something no check foresees.
        from leadline.db.models import BulkImportRow

        await session.execute(update(BulkImportRow).values(payload="{broken"))
    with pytest.raises(ValueError):
        await imports.process_pending(db, "w")
    result = await status(db, world.account.id, uuid)
    assert result.status == "failed"
    assert result.error and "JSONDecodeError" in result.error
    assert await imports.process_pending(db, "w") == 0


async def test_a_full_lock_table_gives_the_batch_back_and_the_import_goes_on(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await make_world(db)
    rows = rows_for(world.lead_list.id, 20)
    uuid = await accept(db, world.account.id, rows, batch_size=10)
    write = imports.write_batch
    failures = []

    class LockTableFull(Exception):
        sqlstate = "53200"  # what PostgreSQL says when max_locks_per_transaction runs out

    async def first_write_fails(session, checked):  # type: ignore[no-untyped-def]
        if not failures:
            failures.append(checked.batch.seq)
            raise DBAPIError("SELECT pg_advisory_xact_lock(k) …", {}, LockTableFull())
        return await write(session, checked)

    monkeypatch.setattr(imports, "write_batch", first_write_fails)
    monkeypatch.setattr(imports, "RETRY_PAUSE_SECONDS", 0)
    await imports.process_pending(db, "worker")

    done = await status(db, world.account.id, uuid)
    leads, people, contacts, errors = await counts(db)
    assert failures == [0]
    assert (done.status, done.processed, done.created) == ("completed", 20, expected_created(rows))
    assert leads == people == contacts == done.created
    assert errors == done.failed == 20 - done.created
