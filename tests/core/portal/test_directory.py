"""Hooks, agencies and listings through the core directory."""

from __future__ import annotations

import pytest

from leadline.core.errors import AuthenticationFailed, NotFound, ValidationFailed
from leadline.core.portal import directory
from leadline.core.portal.errors import AgencyDisabled, ListingNotFound
from leadline.core.security import Keyring
from leadline.db.engine import Database
from tests.factories import make_world


async def test_hook_token_is_long_random_and_stored_hashed(db: Database, keyring: Keyring) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        one = await directory.create_hook(session, keyring, account_id=world.account.id)
        two = await directory.create_hook(session, keyring, account_id=world.account.id)
    assert one.token != two.token and len(one.token) >= 22
    assert one.token not in one.hook.token_hash
    assert (one.hook.timezone, one.hook.phone_region) == ("Europe/Rome", "IT")
    assert one.hook.auto_register_listings is False


async def test_rotated_token_replaces_the_old_one(db: Database, keyring: Keyring) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        issued = await directory.create_hook(session, keyring, account_id=world.account.id)
        new_token = await directory.rotate_hook_token(session, keyring, issued.hook)
    async with db.transaction() as session:
        found = await directory.authenticate_hook(
            session, keyring, new_token, ip="192.0.2.1", basic=None
        )
        assert found.id == issued.hook.id
        with pytest.raises(AuthenticationFailed):
            await directory.authenticate_hook(
                session, keyring, issued.token, ip="192.0.2.1", basic=None
            )


@pytest.mark.parametrize(
    "options",
    [
        {"timezone": "Mars/Olympus"},
        {"phone_region": "XX"},
        {"allowed_ips": ["not-an-ip"]},
        {"basic_user": "only-a-user"},
        {"callback_campaign_id": 999_999},
        {"token": "short"},
    ],
)
async def test_bad_hook_settings_are_refused(
    db: Database, keyring: Keyring, options: dict[str, object]
) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        with pytest.raises((ValidationFailed, NotFound)):
            await directory.create_hook(
                session,
                keyring,
                account_id=world.account.id,
                **options,  # type: ignore[arg-type]
            )


async def test_duplicate_agency_is_refused(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        await directory.create_agency(session, account_id=world.account.id, external_id="A1")
        with pytest.raises(ValidationFailed):
            await directory.create_agency(session, account_id=world.account.id, external_id="A1")


async def test_disabled_agency_is_refused_by_find(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        agency = await directory.create_agency(
            session, account_id=world.account.id, external_id="A1", enabled=False
        )
        with pytest.raises(AgencyDisabled):
            await directory.find_agency(session, world.account.id, external_id="A1", portal_id=None)
        await directory.set_agency_enabled(session, agency, True)
        found = await directory.find_agency(
            session, world.account.id, external_id="A1", portal_id=None
        )
    assert found.id == agency.id


async def test_listings_of_another_agency_are_not_found(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        mine = await directory.create_agency(session, account_id=world.account.id, external_id="A")
        other = await directory.create_agency(session, account_id=world.account.id, external_id="B")
        await directory.create_listing(session, agency=other, external_id="L1", portal_listing_id=7)
        with pytest.raises(ListingNotFound):
            await directory.find_listing(session, mine, external_id="L1", portal_id=7)


async def test_import_listings_creates_updates_and_reports_bad_rows(db: Database) -> None:
    world = await make_world(db)
    async with db.transaction() as session:
        agency = await directory.create_agency(
            session, account_id=world.account.id, external_id="1234"
        )
        await directory.create_listing(session, agency=agency, external_id="ES-RIF-001")
        result = await directory.import_listings(
            session,
            world.account.id,
            [
                {"agency": "1234", "reference": "ES-RIF-001", "portal_id": "87654321"},
                {"agency": "1234", "reference": "ES-RIF-002", "title": "Loft", "enabled": "no"},
                {"agency": "9999", "reference": "X"},
                {"agency": "1234", "reference": "Y", "portal_id": "abc"},
                {"agency": "1234", "reference": ""},
            ],
        )
        listings = {
            listing.external_id: listing
            for listing in await directory.list_listings(session, world.account.id)
        }
    assert (result.created, result.updated) == (1, 1)
    assert result.errors is not None and [e.split(":")[0] for e in result.errors] == [
        "line 4",
        "line 5",
        "line 6",
    ]
    assert listings["ES-RIF-001"].portal_listing_id == 87654321
    assert listings["ES-RIF-002"].title == "Loft" and not listings["ES-RIF-002"].enabled
