from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from leadline.core.credentials import service as credentials
from leadline.core.security import Keyring
from leadline.core.vocabulary import Scope
from leadline.db.engine import Database
from leadline.db.models import InboxEvent
from tests.adapters.dialler_api.conftest import Dialler, fixture
from tests.factories import make_token

INVALID_KEY = {"key": {"0": "Invalid API key."}}


async def test_an_empty_object_lists_every_required_field(dialler: Dialler) -> None:
    answer = await dialler.add({})
    assert answer.status_code == 400
    assert answer.json() == {
        "email": {"0": "Email cannot be blank."},
        "first_name": {"0": "First Name cannot be blank."},
        "surname": {"0": "Surname cannot be blank."},
        "mobile": {"0": "Mobile cannot be blank."},
        "type": {"0": "Type cannot be blank."},
    }


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"email": ""}, {"email": {"0": "Email cannot be blank."}}),
        ({"email": "john.doe@"}, {"email": {"0": "Email is not a valid email address."}}),
        ({"email": "[email protected]"}, {"email": {"0": "Email is not a valid email address."}}),
        ({"first_name": "  "}, {"first_name": {"0": "First Name cannot be blank."}}),
        (
            {"first_name": "J" * 101},
            {"first_name": {"0": "First Name is too long (maximum is 100 characters)."}},
        ),
        ({"surname": None}, {"surname": {"0": "Surname cannot be blank."}}),
        ({"mobile": "12345"}, {"mobile": {"0": "Mobile is not a valid phone number."}}),
        ({"type": ""}, {"type": {"0": "Type cannot be blank."}}),
        (
            {"other_phone": "not a phone"},
            {"other_phone": {"0": "Other Phone is not a valid phone number."}},
        ),
        ({"data": "{not json"}, {"data": {"0": "Empty or invalid content of `data` field"}}),
        ({"data": ""}, {"data": {"0": "Empty or invalid content of `data` field"}}),
        ({"data": "[1, 2]"}, {"data": {"0": "Empty or invalid content of `data` field"}}),
        ({"delays": "soon"}, {"delays": {"0": "Delays must be an integer."}}),
        ({"delays": 1.5}, {"delays": {"0": "Delays must be an integer."}}),
        ({"delays": 31536001}, {"delays": {"0": "Delays must be no greater than 31536000."}}),
        ({"delays": -1}, {"delays": {"0": "Delays must be no less than 0."}}),
        (
            {"email": "", "mobile": "0"},
            {
                "email": {"0": "Email cannot be blank."},
                "mobile": {"0": "Mobile is not a valid phone number."},
            },
        ),
    ],
)
async def test_a_broken_field_is_named_with_its_message(
    db: Database, dialler: Dialler, changes: dict[str, Any], expected: dict[str, Any]
) -> None:
    answer = await dialler.add({**fixture("add_seed.json"), **changes})
    assert answer.status_code == 400
    assert answer.json() == expected
    async with db.read_session() as session:
        assert list(await session.scalars(select(InboxEvent))) == []


async def test_the_largest_delay_and_unknown_fields_are_accepted(dialler: Dialler) -> None:
    body = {**fixture("add_seed.json"), "delays": 31536000, "colour": "red"}
    assert (await dialler.add(body)).json() == {"saved": True, "processed": True}


async def test_an_international_mobile_is_accepted(dialler: Dialler) -> None:
    body = {**fixture("add_seed.json"), "mobile": "+39 312 345 6789"}
    assert (await dialler.add(body)).json() == {"saved": True, "processed": True}


@pytest.mark.parametrize("path", ["/lead/add", "/lead/cancel"])
@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b"", b'"text"'])
async def test_a_body_that_is_no_json_object(dialler: Dialler, path: str, content: bytes) -> None:
    answer = await dialler.http.post(path, params={"key": dialler.key}, content=content)
    assert answer.status_code == 400
    assert answer.json() == {"request": {"0": "Request body must be a JSON object."}}


async def test_data_no_store_can_keep_is_a_data_error(dialler: Dialler) -> None:
    for data in ('{"note": "a\\u0000b"}', '{"note": "\\ud800"}'):
        answer = await dialler.add({**fixture("add_seed.json"), "data": data})
        assert answer.status_code == 400, data
        assert answer.json() == {"data": {"0": "Empty or invalid content of `data` field"}}


async def test_a_nul_character_in_a_field_is_refused_not_a_server_error(dialler: Dialler) -> None:
    answer = await dialler.add({**fixture("add_seed.json"), "first_name": "Jo\u0000hn"})
    assert answer.status_code == 400
    assert answer.json() == {"request": {"0": "Request body must be a JSON object."}}


@pytest.mark.parametrize("path", ["/lead/add", "/lead/cancel"])
async def test_a_body_over_64_kib_is_refused(dialler: Dialler, path: str) -> None:
    body = {**fixture("add_seed.json"), "padding": "x" * (64 * 1024)}
    answer = await dialler.http.post(path, params={"key": dialler.key}, json=body)
    assert answer.status_code == 413
    assert answer.json() == {"request": {"0": "Request body too large."}}


@pytest.mark.parametrize("path", ["/lead/add", "/lead/cancel"])
async def test_a_missing_or_unknown_key(dialler: Dialler, path: str) -> None:
    for params in ({}, {"key": ""}, {"key": "nobody.secret"}, {"key": dialler.key + "x"}):
        answer = await dialler.http.post(path, params=params, json=fixture("add_seed.json"))
        assert answer.status_code == 401
        assert answer.json() == INVALID_KEY


async def test_a_revoked_key(db: Database, dialler: Dialler) -> None:
    async with db.transaction() as session:
        credential = await credentials.get_credential(session, dialler.key.split(".")[0])
        await credentials.revoke(session, credential)
    answer = await dialler.add(fixture("add_seed.json"))
    assert answer.status_code == 401
    assert answer.json() == INVALID_KEY


async def test_a_key_of_another_scope(db: Database, keyring: Keyring, dialler: Dialler) -> None:
    other = await make_token(db, keyring, dialler.world.account.id, Scope.PLATFORM)
    answer = await dialler.add(fixture("add_seed.json"), key=other.token)
    assert answer.status_code == 401
    assert answer.json() == INVALID_KEY


async def test_too_many_requests_wait_for_retry_after(
    db: Database, keyring: Keyring, dialler: Dialler
) -> None:
    slow = await make_token(
        db,
        keyring,
        dialler.world.account.id,
        Scope.DIALLER_LEADS,
        rate_limit_per_second=1,
        rate_limit_burst=2,
    )
    body = {**fixture("add_test_seed.json")}
    answers = [await dialler.add(body, key=slow.token) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json() == {"key": {"0": "Too many requests for this API key."}}
    assert int(answers[2].headers["retry-after"]) >= 1
