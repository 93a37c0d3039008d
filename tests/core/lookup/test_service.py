"""Tolerant phone lookup in core."""

from __future__ import annotations

from leadline.core.contacts import service as contacts
from leadline.core.lookup.service import RecordKind, find_by_phone
from leadline.core.phones import caller_id
from leadline.db.engine import Database
from tests.factories import make_world


async def _find(db: Database, account_id: int, phone: str, region: str = "GB") -> list[int]:
    async with db.read_session() as session:
        result = await find_by_phone(session, account_id=account_id, region=region, phone=phone)
    return [item.id for item in result.items]


async def test_exact_e164_wins_over_the_trailing_digits(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        italian = await contacts.create_contact(
            session, account_id=world.account.id, number="+393451234567", name="IT"
        )
        # Same last ten digits, other country: only reached when E.164 finds nothing.
        await contacts.create_contact(
            session, account_id=world.account.id, number="+13451234567", name="Other"
        )
    assert await _find(db, world.account.id, "+39 345 123 4567") == [italian.id]
    assert len(await _find(db, world.account.id, "3451234567")) == 2


async def test_short_unverified_numbers_match_on_nine_digits(db: Database) -> None:
    world = await make_world(db)
    number, verified = caller_id("123456789", "GB")
    assert verified is False
    async with db.transaction() as session:
        short = await contacts.create_contact(
            session, account_id=world.account.id, number=number, verified=verified
        )
    assert await _find(db, world.account.id, "123456789") == [short.id]
    assert await _find(db, world.account.id, "0123456789") == []
    assert await _find(db, world.account.id, "23456789") == []


def test_record_kind_words() -> None:
    assert RecordKind.from_word(" Лид ") is RecordKind.LEAD
    assert RecordKind.from_word("КОНТАКТ") is RecordKind.CONTACT
    assert RecordKind.from_word("компания") is RecordKind.COMPANY
    assert RecordKind.from_word("deal") is None
    assert RecordKind.from_word(None) is None
