"""Every row of the response table, and malformed input of every kind: each answers in
``{code, message}`` with an HTTP status in harmony with the code (never a 2xx error)."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from leadline.adapters.portal import routes
from leadline.core.portal import directory
from leadline.core.security import Keyring
from leadline.db.engine import Database
from leadline.db.models import InboxEvent
from leadline.http.shapes import Problem
from tests.adapters.portal.conftest import (
    SUCCESS,
    PortalWorld,
    counts,
    make_portal_world,
    post_json,
    seed,
)


def assert_harmony(response: httpx.Response, status: int, code: int) -> dict[str, object]:
    body: dict[str, object] = response.json()
    assert response.status_code == status, body
    assert body["code"] == code and isinstance(body["message"], str)
    assert set(body) == {"code", "message"}
    assert str(code)[0] == str(status)[0]  # the code agrees with the status class
    return body


# -- agency and listing -----------------------------------------------------------------


async def test_disabled_listing_answers_4030(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    async with db.transaction() as session:
        listing = await directory.get_listing(session, portal.world.account.id, portal.listing.id)
        await directory.set_listing_enabled(session, listing, False)
    body = assert_harmony(await post_json(client, portal.phone_url, seed()), 403, 4030)
    assert body["message"] == "listing not enabled"


async def test_unknown_listing_answers_4040(client: httpx.AsyncClient, portal: PortalWorld) -> None:
    response = await post_json(
        client, portal.phone_url, seed(listingExternalId="NOPE", listingId=1)
    )
    assert assert_harmony(response, 404, 4040)["message"] == "listing non found"


async def test_disabled_agency_answers_4300(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    async with db.transaction() as session:
        agency = await directory.get_agency(session, portal.world.account.id, portal.agency.id)
        await directory.set_agency_enabled(session, agency, False)
    body = assert_harmony(await post_json(client, portal.phone_url, seed()), 403, 4300)
    assert body["message"] == "real estate agency not enabled"


async def test_unknown_agency_answers_4400(client: httpx.AsyncClient, portal: PortalWorld) -> None:
    response = await post_json(client, portal.phone_url, seed(agencyExternalId="9", agencyId=9))
    assert assert_harmony(response, 404, 4400)["message"] == "real estate agency non found"


async def test_agency_is_checked_before_the_listing(
    client: httpx.AsyncClient, portal: PortalWorld
) -> None:
    response = await post_json(
        client, portal.phone_url, seed(agencyExternalId="9", agencyId=9, listingId=1)
    )
    assert_harmony(response, 404, 4400)


async def test_refused_push_is_stored_and_judged_again_when_repeated(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    body = seed(listingExternalId="ES-RIF-002", listingId=2)
    assert_harmony(await post_json(client, portal.phone_url, body), 404, 4040)
    async with db.read_session() as session:
        refused = (await session.scalars(select(InboxEvent))).one()
    assert not refused.accepted and refused.status == "listing_not_found"
    assert refused.partner_id == "10000001" and refused.response_status == 404
    assert refused.phone == "+393451234567"  # so an erasure finds it too
    assert refused.response_body == {"code": 4040, "message": "listing non found"}
    async with db.transaction() as session:
        agency = await directory.get_agency(session, portal.world.account.id, portal.agency.id)
        await directory.create_listing(session, agency=agency, external_id="ES-RIF-002")
    again = await post_json(client, portal.phone_url, body)
    assert (again.status_code, again.json()) == (200, SUCCESS)
    assert await counts(db) == {"accepted": 1, "refused": 1, "activities": 1, "leads": 1}


async def test_auto_register_creates_an_unknown_listing(
    client: httpx.AsyncClient, db: Database, keyring: Keyring
) -> None:
    world = await make_portal_world(db, keyring, auto_register_listings=True)
    response = await post_json(
        client, world.phone_url, seed(listingExternalId="NEW-1", listingId=11)
    )
    assert (response.status_code, response.json()) == (200, SUCCESS)
    async with db.read_session() as session:
        listing = await directory.listing_by_external_id(session, world.agency.id, "NEW-1")
    assert listing is not None and listing.enabled and listing.portal_listing_id == 11


async def test_auto_register_still_refuses_an_unknown_agency(
    client: httpx.AsyncClient, db: Database, keyring: Keyring
) -> None:
    world = await make_portal_world(db, keyring, auto_register_listings=True)
    response = await post_json(client, world.phone_url, seed(agencyExternalId="9", agencyId=9))
    assert_harmony(response, 404, 4400)


# -- authentication ---------------------------------------------------------------------


async def test_unknown_token_answers_4510_and_stores_nothing(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    response = await post_json(client, "/portal/not-a-token/phone", seed())
    assert assert_harmony(response, 401, 4510)["message"] == "unauthorized"
    assert (await counts(db))["refused"] == 0


async def test_revoked_hook_answers_4510(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    async with db.transaction() as session:
        hook = await directory.get_hook(session, portal.world.account.id, portal.hook.id)
        await directory.revoke_hook(session, hook)
    assert_harmony(await post_json(client, portal.phone_url, seed()), 401, 4510)


async def test_ip_outside_the_allow_list_answers_4510(
    client: httpx.AsyncClient, db: Database, keyring: Keyring
) -> None:
    world = await make_portal_world(db, keyring, allowed_ips=["198.51.100.0/24"])
    assert_harmony(await post_json(client, world.phone_url, seed()), 401, 4510)


async def test_ip_inside_the_allow_list_is_served(
    client: httpx.AsyncClient, db: Database, keyring: Keyring
) -> None:
    world = await make_portal_world(db, keyring, allowed_ips=["203.0.113.0/24"])
    assert (await post_json(client, world.phone_url, seed())).json() == SUCCESS


def _basic(user: str, password: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {encoded}", "Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        (_basic("portal", "wrong"), 401),
        (_basic("other", "s3cret-pass"), 401),
        ({"Authorization": "Basic !!notbase64"}, 401),
        (_basic("portal", "s3cret-pass"), 200),
    ],
)
async def test_basic_auth_when_the_hook_asks_for_it(
    client: httpx.AsyncClient,
    db: Database,
    keyring: Keyring,
    headers: dict[str, str],
    status: int,
) -> None:
    world = await make_portal_world(db, keyring, basic_user="portal", basic_password="s3cret-pass")
    response = await client.post(world.phone_url, content=json.dumps(seed()), headers=headers)
    assert_harmony(response, status, 2000 if status == 200 else 4510)


# -- malformed input --------------------------------------------------------------------

MALFORMED: dict[str, bytes] = {
    "not json": b"agencyId=5678&outcome=BUSY",
    "empty body": b"",
    "json array": b"[1, 2, 3]",
    "json string": b'"hello"',
    "json null": b"null",
    "not utf-8": '{"src": "immobiliare.it", "x": "\u00e9"}'.encode("latin-1"),
    "deep nesting": b"[" * 30_000 + b"]" * 30_000,
    "NUL in a string": json.dumps(seed(src="immo\u0000biliare")).encode(),
    "lone surrogate": json.dumps(seed(src="\ud800")).encode(),
}

BAD_FIELDS: dict[str, dict[str, object]] = {
    "phoneCallId as text": {"phoneCallId": "10000001x"},
    "phoneCallId as float": {"phoneCallId": 1.5},
    "phoneCallId negative": {"phoneCallId": -1},
    "phoneCallId too big": {"phoneCallId": 2**70},
    "duration as text": {"duration": "0"},
    "duration negative": {"duration": -5},
    "duration as bool": {"duration": True},
    "outcome unknown": {"outcome": "HUNG_UP"},
    "outcome as number": {"outcome": 3},
    "callFrom as number": {"callFrom": 393451234567},
    "callFrom not a phone": {"callFrom": "hello"},
    "callTo too short": {"callTo": "+391"},
    "src empty": {"src": ""},
    "src as list": {"src": ["immobiliare.it"]},
    "agencyId as text": {"agencyId": "5678"},
    "listingExternalId as object": {"listingExternalId": {"id": 1}},
    "listingExternalId too long": {"listingExternalId": "x" * 101},
    "date bad format": {"date": "05/03/2021 01:25"},
    "date impossible": {"date": "2021-02-30 10:00:00"},
    "date bad hour": {"date": "2021-03-05 25:00:00"},
    "date year 1": {"date": "0001-01-01 00:00:00"},
    "date as number": {"date": 1614907502},
}

MISSING = ["callFrom", "callTo", "date", "duration", "outcome", "phoneCallId", "src"]


@pytest.mark.parametrize("name", list(MALFORMED))
async def test_malformed_body_answers_4500(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld, name: str
) -> None:
    response = await client.post(
        portal.phone_url, content=MALFORMED[name], headers={"Content-Type": "application/json"}
    )
    body = assert_harmony(response, 400, 4500)
    assert str(body["message"]).startswith("invalid request: ")
    assert await counts(db) == {"accepted": 0, "refused": 1, "activities": 0, "leads": 0}


@pytest.mark.parametrize("name", list(BAD_FIELDS))
async def test_wrong_field_answers_4500(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld, name: str
) -> None:
    response = await post_json(client, portal.phone_url, seed(**BAD_FIELDS[name]))
    body = assert_harmony(response, 400, 4500)
    field = next(iter(BAD_FIELDS[name]))
    assert field in str(body["message"])
    assert (await counts(db))["accepted"] == 0


@pytest.mark.parametrize("field", MISSING)
async def test_missing_field_answers_4500(
    client: httpx.AsyncClient, portal: PortalWorld, field: str
) -> None:
    body = seed()
    del body[field]
    response = await post_json(client, portal.phone_url, body)
    message = assert_harmony(response, 400, 4500)["message"]
    assert message == f"invalid request: {field}: is required"


async def test_no_agency_reference_answers_4500(
    client: httpx.AsyncClient, portal: PortalWorld
) -> None:
    body = seed()
    del body["agencyExternalId"], body["agencyId"]
    message = assert_harmony(await post_json(client, portal.phone_url, body), 400, 4500)
    assert "agencyExternalId or agencyId" in str(message["message"])


async def test_invalid_push_is_stored_with_what_it_carried(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    await post_json(client, portal.phone_url, seed(outcome="HUNG_UP"))
    async with db.read_session() as session:
        event = (await session.scalars(select(InboxEvent))).one()
    assert not event.accepted and event.status == "invalid"
    assert (event.partner, event.partner_id) == ("immobiliare.it", "10000001")
    assert event.response_status == 400 and '"HUNG_UP"' in event.payload


async def test_unknown_fields_are_ignored_and_kept_raw(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    response = await post_json(client, portal.phone_url, seed(campaignTag="spring"))
    assert response.json() == SUCCESS
    async with db.read_session() as session:
        event = (await session.scalars(select(InboxEvent))).one()
    assert '"campaignTag": "spring"' in event.payload


async def test_one_megabyte_body_answers_4520(
    client: httpx.AsyncClient, db: Database, portal: PortalWorld
) -> None:
    big = json.dumps(seed(padding="x" * 1_000_000))
    response = await client.post(portal.phone_url, content=big)
    body = assert_harmony(response, 413, 4520)
    assert body["message"] == "request too large"
    assert await counts(db) == {"accepted": 0, "refused": 0, "activities": 0, "leads": 0}


async def test_streamed_body_over_the_limit_answers_4520(
    client: httpx.AsyncClient, portal: PortalWorld
) -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(20):
            yield b"x" * 8192

    response = await client.post(portal.phone_url, content=chunks())
    assert_harmony(response, 413, 4520)


async def test_body_just_under_the_limit_is_read(
    client: httpx.AsyncClient, portal: PortalWorld
) -> None:
    body = seed()
    body["padding"] = "x" * (64 * 1024 - len(json.dumps(body)) - 20)
    response = await post_json(client, portal.phone_url, body)
    assert (response.status_code, response.json()) == (200, SUCCESS)


# -- failures outside the adapter's own code ----------------------------------------------


async def test_unexpected_failure_answers_5000_without_detail(
    client: httpx.AsyncClient, portal: PortalWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(routes.pushes, "receive", broken)
    response = await post_json(client, portal.phone_url, seed())
    body = assert_harmony(response, 500, 5000)
    assert body["message"] == "server error" and "secret" not in response.text


async def test_database_unreachable_answers_5100(
    client: httpx.AsyncClient, portal: PortalWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def unreachable(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("connect", {}, ConnectionRefusedError("refused"))

    monkeypatch.setattr(routes.directory, "authenticate_hook", unreachable)
    response = await post_json(client, portal.phone_url, seed())
    assert assert_harmony(response, 503, 5100)["message"] == "service unavailable"


def test_every_problem_renders_in_the_portal_shape(app: FastAPI) -> None:
    expected = {
        Problem.TOO_LARGE: (413, 4520),
        Problem.SERVER_ERROR: (500, 5000),
        Problem.UNAVAILABLE: (503, 5100),
        Problem.RATE_LIMITED: (429, 4290),
        Problem.BAD_REQUEST: (400, 4500),
    }
    for problem, (status, code) in expected.items():
        response = app.state.shapes.render("/portal/x/phone", problem)
        assert response.status_code == status
        assert json.loads(response.body)["code"] == code
