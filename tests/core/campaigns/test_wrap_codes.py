"""Wrap codes: created with a known status, unique per account, edited and removed."""

from __future__ import annotations

import pytest

from leadline.core.campaigns import queries, wrap_codes
from leadline.core.errors import Conflict, NotFound, ValidationFailed
from leadline.core.vocabulary import LeadStatus
from leadline.db.engine import Database
from tests.factories import make_world


async def test_create_and_list(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        await wrap_codes.create_wrap_code(
            session,
            account_id=world.account.id,
            code="VOICEMAIL-LEFT",
            description="Left a voicemail",
            status_code=LeadStatus.CALL_BACK,
        )
    async with db.read_session() as session:
        codes = [code.code for code in await queries.wrap_codes(session, world.account.id)]
    assert "VOICEMAIL-LEFT" in codes


async def test_a_code_is_unique_per_account(db: Database) -> None:
    world = await make_world(db)
    with pytest.raises(Conflict):
        async with db.transaction() as session:
            await wrap_codes.create_wrap_code(
                session,
                account_id=world.account.id,
                code="SALE",  # every account starts with it
                description="Again",
                status_code=LeadStatus.ANSWERED_INTERESTED,
            )


async def test_an_unknown_status_is_refused(db: Database) -> None:
    world = await make_world(db)
    with pytest.raises(ValidationFailed) as refused:
        async with db.transaction() as session:
            await wrap_codes.create_wrap_code(
                session, account_id=world.account.id, code="X", description="x", status_code=99
            )
    assert "statusCode" in refused.value.errors


async def test_a_code_with_spaces_is_refused(db: Database) -> None:
    world = await make_world(db)
    with pytest.raises(ValidationFailed):
        async with db.transaction() as session:
            await wrap_codes.create_wrap_code(
                session, account_id=world.account.id, code="A B", description="x", status_code=1
            )


async def test_update_and_delete(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        made = await wrap_codes.create_wrap_code(
            session, account_id=world.account.id, code="TMP", description="Tmp", status_code=1
        )
    async with db.transaction() as session:
        found = await wrap_codes.get_wrap_code(session, world.account.id, made.id)
        await wrap_codes.update_wrap_code(
            session, found, description="Changed", status_code=LeadStatus.BUSY
        )
        assert found.status_code == LeadStatus.BUSY
        await wrap_codes.delete_wrap_code(session, found)
    async with db.read_session() as session:
        with pytest.raises(NotFound):
            await wrap_codes.get_wrap_code(session, world.account.id, made.id)


async def test_another_accounts_code_is_not_found(db: Database) -> None:
    world = await make_world(db)
    rival = await make_world(db, name="Rival")
    async with db.read_session() as session:
        theirs = (await queries.wrap_codes(session, rival.account.id))[0]
        with pytest.raises(NotFound):
            await wrap_codes.get_wrap_code(session, world.account.id, theirs.id)
