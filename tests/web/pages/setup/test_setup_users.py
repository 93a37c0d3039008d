"""``/setup/users`` over HTTP: create with a password (who can then sign in), change role,
deactivate, reset password; the last admin's protection; field errors; other accounts."""

from __future__ import annotations

import httpx

from leadline.core.users import service as users
from leadline.db.engine import Database
from tests.factories import World
from tests.web.conftest import sign_in
from tests.web.pages.setup.conftest import post_form

INDEX = "/setup/users"
NEW = {
    "login": "jane",
    "password": "jane-pass",
    "first_name": "Jane",
    "role": "agent",
    "user_type": "agent",
}


async def _user(db: Database, world: World, user_id: int) -> users.User:
    async with db.read_session() as session:
        return await users.get_user(session, world.account.id, user_id)


async def test_a_created_user_can_sign_in(
    admin_client: httpx.AsyncClient, app: object, world: World
) -> None:
    answer = await post_form(admin_client, INDEX, INDEX, NEW)
    assert answer.status_code == 303
    assert "jane" in (await admin_client.get(INDEX)).text
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        signed = await sign_in(other, "jane", "jane-pass")
    assert signed.status_code == 303


async def test_a_taken_login_is_a_field_error(
    admin_client: httpx.AsyncClient, world: World
) -> None:
    answer = await post_form(admin_client, INDEX, INDEX, NEW | {"login": world.agent.login})
    assert answer.status_code == 400 and 'id="f-login-error"' in answer.text
    assert "taken" in answer.text


async def test_a_short_password_is_a_field_error(admin_client: httpx.AsyncClient) -> None:
    answer = await post_form(admin_client, INDEX, INDEX, NEW | {"password": "123"})
    assert answer.status_code == 400 and 'id="f-password-error"' in answer.text
    assert "jane-pass" not in answer.text


async def test_long_names_are_field_errors(admin_client: httpx.AsyncClient) -> None:
    answer = await post_form(admin_client, INDEX, INDEX, NEW | {"last_name": "L" * 300})
    assert answer.status_code == 400 and 'id="f-last_name-error"' in answer.text


async def test_change_role(admin_client: httpx.AsyncClient, db: Database, world: World) -> None:
    url = f"{INDEX}/{world.agent.id}"
    answer = await post_form(admin_client, url, f"{url}/role", {"role": "admin"})
    assert answer.status_code == 303
    assert (await _user(db, world, world.agent.id)).role == "admin"


async def test_deactivate_and_reactivate(
    admin_client: httpx.AsyncClient, db: Database, world: World
) -> None:
    url = f"{INDEX}/{world.agent.id}"
    answer = await post_form(admin_client, url, f"{url}/active", {"action": "deactivate"})
    assert answer.status_code == 303
    assert (await _user(db, world, world.agent.id)).active is False
    await post_form(admin_client, url, f"{url}/active", {"action": "activate"})
    assert (await _user(db, world, world.agent.id)).active is True


async def test_the_last_admin_cannot_demote_themselves(
    admin_client: httpx.AsyncClient, db: Database, world: World
) -> None:
    url = f"{INDEX}/{world.admin.id}"
    answer = await post_form(admin_client, url, f"{url}/role", {"role": "agent"})
    assert answer.status_code == 400 and 'id="f-role-error"' in answer.text
    assert "last admin" in answer.text
    assert (await _user(db, world, world.admin.id)).role == "admin"


async def test_the_last_admin_cannot_deactivate_themselves(
    admin_client: httpx.AsyncClient, db: Database, world: World
) -> None:
    url = f"{INDEX}/{world.admin.id}"
    answer = await post_form(admin_client, url, f"{url}/active", {"action": "deactivate"})
    assert answer.status_code == 400 and "last admin" in answer.text
    assert (await _user(db, world, world.admin.id)).active is True


async def test_reset_password(admin_client: httpx.AsyncClient, db: Database, world: World) -> None:
    url = f"{INDEX}/{world.agent.id}"
    answer = await post_form(admin_client, url, f"{url}/password", {"password": "fresh-pass"})
    assert answer.status_code == 303
    async with db.transaction() as session:
        assert await users.check_password(session, world.agent.login, "fresh-pass") is not None


async def test_another_accounts_user_is_not_found(
    admin_client: httpx.AsyncClient, db: Database, rival: World
) -> None:
    url = f"{INDEX}/{rival.agent.id}"
    assert (await admin_client.get(url)).status_code == 404
    answer = await post_form(admin_client, INDEX, f"{url}/active", {"action": "deactivate"})
    assert answer.status_code == 404
    assert (await _user(db, rival, rival.agent.id)).active is True


async def test_wrong_csrf_token_changes_nothing(
    admin_client: httpx.AsyncClient, db: Database, world: World
) -> None:
    url = f"{INDEX}/{world.agent.id}/role"
    answer = await admin_client.post(url, data={"role": "admin", "csrf_token": "forged"})
    assert answer.status_code == 400 and "had expired" in answer.text
    assert (await _user(db, world, world.agent.id)).role == "agent"


async def test_an_agent_is_refused(client: httpx.AsyncClient, world: World) -> None:
    await sign_in(client, world.agent.login, "agent-pass")
    assert (await client.get(INDEX)).status_code == 403
    refused = await client.post(f"{INDEX}/{world.agent.id}/role", data={"role": "admin"})
    assert refused.status_code == 403
