from __future__ import annotations

import pytest

from leadline.core.credentials import service as credentials
from leadline.core.errors import AuthenticationFailed, NotFound, ValidationFailed
from leadline.core.security import Keyring
from leadline.core.vocabulary import Scope
from leadline.db.engine import Database
from leadline.db.models import ApiCredential
from tests.factories import make_token, make_world


async def test_a_token_authenticates_for_its_scope_only(db: Database, keyring: Keyring) -> None:
    world = await make_world(db)
    issued = await make_token(db, keyring, world.account.id, Scope.DIALLER_LEADS)
    async with db.read_session() as session:
        found = await credentials.authenticate_token(
            session, keyring, issued.token, Scope.DIALLER_LEADS
        )
        assert found.account_id == world.account.id
        with pytest.raises(AuthenticationFailed):
            await credentials.authenticate_token(session, keyring, issued.token, Scope.PLATFORM)


async def test_the_secret_is_stored_only_as_a_keyed_hash(db: Database, keyring: Keyring) -> None:
    world = await make_world(db)
    issued = await make_token(db, keyring, world.account.id, Scope.PLATFORM)
    async with db.read_session() as session:
        row = await session.get(ApiCredential, issued.credential.id)
    assert row is not None
    assert issued.secret not in row.secret_hash
    assert not Keyring("another-key").matches(issued.secret, row.secret_hash)


@pytest.mark.parametrize("token", ["", "nodot", ".secret", "id.", "demo-x.wrong"])
async def test_malformed_or_wrong_tokens_fail(db: Database, keyring: Keyring, token: str) -> None:
    async with db.read_session() as session:
        with pytest.raises(AuthenticationFailed):
            await credentials.authenticate_token(session, keyring, token, Scope.PLATFORM)


async def test_revoke_and_rotate(db: Database, keyring: Keyring) -> None:
    world = await make_world(db)
    issued = await make_token(db, keyring, world.account.id, Scope.CALL_COSTS)
    public_id = issued.credential.public_id
    async with db.transaction() as session:
        credential = await credentials.get_credential(session, public_id)
        new_secret = await credentials.rotate(session, keyring, credential)
    async with db.read_session() as session:
        with pytest.raises(AuthenticationFailed):
            await credentials.authenticate_pair(
                session, keyring, public_id, issued.secret, Scope.CALL_COSTS
            )
        await credentials.authenticate_pair(
            session, keyring, public_id, new_secret, Scope.CALL_COSTS
        )
    async with db.transaction() as session:
        await credentials.revoke(session, await credentials.get_credential(session, public_id))
    async with db.read_session() as session:
        with pytest.raises(AuthenticationFailed):
            await credentials.authenticate_pair(
                session, keyring, public_id, new_secret, Scope.CALL_COSTS
            )


def _credential(ips: list[str], endpoints: list[str]) -> ApiCredential:
    return ApiCredential(
        allowed_ips=credentials.normalise_ip_rules(ips), allowed_endpoints=endpoints
    )


def test_ip_protection_takes_addresses_and_ranges() -> None:
    credential = _credential(["192.0.2.7", "198.51.100.0/24", "2001:db8::/32"], [])
    assert credentials.ip_allowed(credential, "192.0.2.7")
    assert credentials.ip_allowed(credential, "198.51.100.200")
    assert credentials.ip_allowed(credential, "2001:db8::1")
    assert not credentials.ip_allowed(credential, "192.0.2.8")
    assert not credentials.ip_allowed(credential, "not-an-ip")
    assert credentials.ip_allowed(_credential([], []), "192.0.2.8")


def test_endpoint_protection_uses_wildcards() -> None:
    credential = _credential([], ["/api/ingress/calls/inbound/billable*"])
    assert credentials.endpoint_allowed(credential, "/api/ingress/calls/inbound/billable")
    assert credentials.endpoint_allowed(credential, "/api/ingress/calls/inbound/billable/1/2")
    assert not credentials.endpoint_allowed(credential, "/api/other")


def test_bad_rules_are_refused() -> None:
    with pytest.raises(ValidationFailed):
        credentials.normalise_ip_rules(["300.1.1.1"])
    with pytest.raises(ValidationFailed):
        credentials.normalise_endpoint_rules(["api/no-slash"])


async def test_another_accounts_credential_is_not_found(db: Database, keyring: Keyring) -> None:
    world = await make_world(db)
    rival = await make_world(db, name="Rival")
    issued = await make_token(db, keyring, rival.account.id, Scope.PLATFORM)
    async with db.read_session() as session:
        with pytest.raises(NotFound):
            await credentials.get_owned_credential(session, world.account.id, issued.credential.id)
        found = await credentials.get_owned_credential(
            session, rival.account.id, issued.credential.id
        )
    assert found.public_id == issued.credential.public_id


async def test_a_credential_name_longer_than_its_column_is_refused(
    db: Database, keyring: Keyring
) -> None:
    world = await make_world(db)
    with pytest.raises(ValidationFailed):
        await make_token(db, keyring, world.account.id, Scope.PLATFORM, name="k" * 201)


async def test_protection_can_be_changed_after_creation(db: Database, keyring: Keyring) -> None:
    world = await make_world(db)
    issued = await make_token(db, keyring, world.account.id, Scope.PLATFORM)
    async with db.transaction() as session:
        credential = await credentials.get_owned_credential(
            session, world.account.id, issued.credential.id
        )
        await credentials.set_protection(
            session,
            credential,
            allowed_ips=["10.0.0.7", "192.168.1.0/24"],
            allowed_endpoints=["/api/v1/leads*"],
            rate_limit_per_second=5,
            rate_limit_burst=10,
        )
    assert credentials.ip_allowed(credential, "192.168.1.40")
    assert not credentials.ip_allowed(credential, "10.0.0.8")
    assert credentials.endpoint_allowed(credential, "/api/v1/leads/3")
    assert not credentials.endpoint_allowed(credential, "/api/v1/users")
    assert credential.rate_limit_per_second == 5


async def test_changed_protection_is_checked(db: Database, keyring: Keyring) -> None:
    world = await make_world(db)
    issued = await make_token(db, keyring, world.account.id, Scope.PLATFORM)
    with pytest.raises(ValidationFailed) as refused:
        async with db.transaction() as session:
            credential = await credentials.get_owned_credential(
                session, world.account.id, issued.credential.id
            )
            await credentials.set_protection(
                session,
                credential,
                allowed_ips=["not-an-ip"],
                allowed_endpoints=[],
                rate_limit_per_second=5,
                rate_limit_burst=10,
            )
    assert "allowedIps" in refused.value.errors
