"""Authentication (password or API key, cache, lock-out), language, transport and errors."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from leadline.adapters.softphone.auth import VerifiedLogins
from leadline.core.credentials import service as credentials
from leadline.core.security import Keyring
from leadline.core.vocabulary import Scope
from leadline.db.engine import Database
from leadline.db.models import Account, User
from tests.adapters.softphone.conftest import AGENT_PASSWORD, parse, rest
from tests.factories import World, make_token

BAD = ("error", "Неправильный логин или пароль")


async def _issue(
    db: Database, keyring: Keyring, world: World, **options: object
) -> credentials.IssuedCredential:
    async with db.transaction() as session:
        return await credentials.create_credential(
            session,
            keyring,
            account_id=world.account.id,
            user_id=world.agent.id,
            scopes=[Scope.SOFTPHONE],
            **options,  # type: ignore[arg-type]
        )


async def _key(db: Database, keyring: Keyring, world: World, **options: object) -> str:
    return (await _issue(db, keyring, world, **options)).secret


@pytest.mark.parametrize(
    "login,password",
    [("acme-agent", "wrong"), ("nobody", "agent-pass"), ("", ""), ("acme-agent", "")],
)
async def test_wrong_or_missing_credentials(
    client: httpx.AsyncClient, world: World, login: str, password: str
) -> None:
    answer = await rest(client, typereq="find", phone="1", login=login, password=password)
    assert (answer.result, answer.description) == BAD


async def test_no_credentials_at_all(client: httpx.AsyncClient, world: World) -> None:
    answer = parse(await client.get("/rest"))
    assert (answer.result, answer.description) == BAD


async def test_api_key_secret_or_token_signs_in(
    client: httpx.AsyncClient, db: Database, keyring: Keyring, world: World
) -> None:
    secret = await _key(db, keyring, world)
    by_secret = await rest(
        client, typereq="find", phone="+447911123456", login=world.agent.login, password=secret
    )
    assert by_secret.total == 0
    issued = await _issue(db, keyring, world)
    by_token = await rest(
        client,
        typereq="addcont",
        phone="+447911123456",
        login=world.agent.login,
        password=issued.token,
    )
    assert by_token.result == "ok"


async def test_a_key_of_another_scope_or_user_or_revoked_is_refused(
    client: httpx.AsyncClient, db: Database, keyring: Keyring, world: World
) -> None:
    platform = await make_token(
        db, keyring, world.account.id, Scope.PLATFORM, user_id=world.agent.id
    )
    someone_elses = await _key(db, keyring, world)
    revoked = await _key(db, keyring, world, public_id="to-revoke")
    async with db.transaction() as session:
        await credentials.revoke(session, await credentials.get_credential(session, "to-revoke"))
    for login, password in (
        (world.agent.login, platform.secret),
        (world.admin.login, someone_elses),
        (world.agent.login, revoked),
    ):
        answer = await rest(client, typereq="find", phone="1", login=login, password=password)
        assert (answer.result, answer.description) == BAD


async def test_a_key_limited_to_other_ips_is_refused(
    client: httpx.AsyncClient, db: Database, keyring: Keyring, world: World
) -> None:
    secret = await _key(db, keyring, world, allowed_ips=["198.51.100.0/24"])
    answer = await rest(client, typereq="find", phone="1", login=world.agent.login, password=secret)
    assert (answer.result, answer.description) == BAD


async def test_five_failures_lock_the_login_and_ip_out(
    client: httpx.AsyncClient, app: FastAPI, world: World
) -> None:
    for _ in range(5):
        answer = await rest(
            client, typereq="find", phone="1", login=world.agent.login, password="x"
        )
        assert answer.description == BAD[1]
    locked = await rest(client, world, typereq="find", phone="1")
    assert (locked.result, locked.description) == BAD
    # The same login from another address is not locked.
    transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        elsewhere = await rest(other, world, typereq="find", phone="+447911123456")
    assert elsewhere.total == 0


async def test_a_disabled_user_cannot_sign_in_even_when_cached(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    assert (await rest(client, world, typereq="find", phone="+447911123456")).total == 0
    async with db.transaction() as session:
        await session.execute(update(User).where(User.id == world.agent.id).values(active=False))
    answer = await rest(client, world, typereq="find", phone="+447911123456")
    assert (answer.result, answer.description) == BAD


async def test_the_cache_keeps_no_plain_password(keyring: Keyring) -> None:
    cache = VerifiedLogins(keyring)
    cache.remember("agent", "s3cret-pass", 7)
    assert cache.user_id("agent", "s3cret-pass") == 7
    assert cache.user_id("agent", "other") is None
    assert cache.user_id("agen", "ts3cret-pass") is None
    stored = repr(cache.__dict__)
    assert "s3cret-pass" not in stored


async def test_the_cache_expires(keyring: Keyring) -> None:
    cache = VerifiedLogins(keyring, ttl=0)
    cache.remember("agent", "pw", 7)
    assert cache.user_id("agent", "pw") is None


async def test_english_for_an_english_user_or_account(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    async with db.transaction() as session:
        await session.execute(update(User).where(User.id == world.agent.id).values(language="en"))
    answer = await rest(client, world, typereq="addcont")
    assert answer.description == "No phone number given"
    async with db.transaction() as session:
        await session.execute(update(User).where(User.id == world.agent.id).values(language=None))
        await session.execute(
            update(Account).where(Account.id == world.account.id).values(language="en")
        )
    added = await rest(client, world, typereq="addcont", phone="+447911123456")
    assert added.description == "Contact added"


@pytest.mark.parametrize("typereq", ["", "delete", "FINDX"])
async def test_unknown_typereq(client: httpx.AsyncClient, world: World, typereq: str) -> None:
    answer = await rest(client, world, typereq=typereq)
    assert (answer.result, answer.description) == ("error", "Неизвестный тип запроса")


async def test_typereq_is_case_insensitive(client: httpx.AsyncClient, world: World) -> None:
    assert (await rest(client, world, typereq="FIND", phone="+447911123456")).total == 0


async def test_an_oversized_body_answers_xml_with_200(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.post(
        "/rest",
        content=b"typereq=find&phone=" + b"1" * (70 * 1024),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    answer = parse(response)
    assert answer.result == "error"


async def test_garbage_bodies_never_fail(client: httpx.AsyncClient, world: World) -> None:
    for body, content_type in (
        (b"\xff\xfe\x00%%%==&&", "application/x-www-form-urlencoded"),
        (b"--x\r\nbroken", "multipart/form-data; boundary=x"),
        (b"<xml/>", "text/xml"),
    ):
        response = await client.post(
            "/rest",
            params={"login": world.agent.login, "password": AGENT_PASSWORD, "typereq": "find"},
            content=body,
            headers={"content-type": content_type},
        )
        assert parse(response).result == "error"
