"""Importing numbers onto the do-not-call list: added, already listed and invalid counts."""

from __future__ import annotations

from leadline.core.compliance import dnc
from leadline.db.engine import Database
from tests.factories import make_world


async def test_counts_added_listed_and_invalid(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        await dnc.add(session, account_id=world.account.id, number="+442079460000")
        counts = await dnc.import_numbers(
            session,
            account_id=world.account.id,
            numbers=["020 7946 0001", "+44 20 7946 0002", "020 7946 0000", "nonsense", ""],
            region="GB",
        )
    assert counts == dnc.ImportCounts(added=2, already_listed=1, invalid=2)
    async with db.read_session() as session:
        assert await dnc.is_listed(session, world.account.id, "+442079460001")


async def test_a_repeat_within_the_import_is_added_once(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        counts = await dnc.import_numbers(
            session,
            account_id=world.account.id,
            numbers=["02079460003", "+442079460003"],
            region="GB",
        )
    assert counts == dnc.ImportCounts(added=1, already_listed=1, invalid=0)
