from __future__ import annotations

import pytest

from leadline.core.errors import Conflict, ValidationFailed
from leadline.core.users import service as users
from leadline.db.engine import Database
from tests.factories import make_world


async def test_passwords_are_checked_with_argon2id(db: Database) -> None:
    world = await make_world(db)
    assert world.agent.password_hash.startswith("$argon2id$")
    async with db.transaction() as session:
        assert await users.check_password(session, world.agent.login, "agent-pass") is not None
        assert await users.check_password(session, world.agent.login, "wrong") is None
        assert await users.check_password(session, "nobody", "agent-pass") is None


async def test_a_disabled_user_cannot_sign_in(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        user = await users.get_user(session, world.account.id, world.agent.id)
        user.active = False
    async with db.transaction() as session:
        assert await users.check_password(session, world.agent.login, "agent-pass") is None


async def test_logins_are_unique_across_accounts(db: Database) -> None:
    await make_world(db, login_prefix="same")
    with pytest.raises(Conflict):
        await make_world(db, name="Other", login_prefix="same")


async def test_weak_input_is_refused_field_by_field(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        with pytest.raises(ValidationFailed) as caught:
            await users.create_user(
                session,
                account_id=world.account.id,
                login="bad login",
                password="123",
                user_type="robot",
            )
    assert set(caught.value.errors) == {"login", "password", "userType"}


async def test_five_failures_lock_a_login_and_ip_pair(db: Database) -> None:
    async with db.transaction() as session:
        for _ in range(4):
            await users.record_failure(session, "console", "anna", "192.0.2.1")
        assert not await users.is_locked_out(session, "console", "anna", "192.0.2.1")
        await users.record_failure(session, "console", "anna", "192.0.2.1")
        assert await users.is_locked_out(session, "console", "anna", "192.0.2.1")
        assert not await users.is_locked_out(session, "console", "anna", "192.0.2.2")
        assert not await users.is_locked_out(session, "softphone", "anna", "192.0.2.1")


async def test_the_last_admin_cannot_be_demoted(db: Database) -> None:
    world = await make_world(db)
    with pytest.raises(Conflict):
        async with db.transaction() as session:
            admin = await users.get_user(session, world.account.id, world.admin.id)
            await users.set_role(session, admin, "agent")


async def test_the_last_admin_cannot_be_deactivated(db: Database) -> None:
    world = await make_world(db)
    with pytest.raises(Conflict):
        async with db.transaction() as session:
            admin = await users.get_user(session, world.account.id, world.admin.id)
            await users.set_active(session, admin, False)


async def test_an_admin_with_another_admin_can_step_down(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        agent = await users.get_user(session, world.account.id, world.agent.id)
        await users.set_role(session, agent, "admin")
        admin = await users.get_user(session, world.account.id, world.admin.id)
        await users.set_role(session, admin, "agent")
        assert admin.role == "agent"


async def test_an_agent_can_be_deactivated_and_reactivated(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        agent = await users.get_user(session, world.account.id, world.agent.id)
        await users.set_active(session, agent, False)
        assert agent.active is False
        await users.set_active(session, agent, True)
        assert agent.active is True


async def test_an_unknown_role_is_refused(db: Database) -> None:
    world = await make_world(db)
    with pytest.raises(ValidationFailed):
        async with db.transaction() as session:
            agent = await users.get_user(session, world.account.id, world.agent.id)
            await users.set_role(session, agent, "owner")


async def test_names_longer_than_their_column_are_refused(db: Database) -> None:
    world = await make_world(db)
    with pytest.raises(ValidationFailed) as refused:
        async with db.transaction() as session:
            await users.create_user(
                session,
                account_id=world.account.id,
                login="longname",
                password="secret-pass",
                first_name="n" * 101,
            )
    assert "firstName" in refused.value.errors
