"""``/setup/wrap-codes`` over HTTP: add, edit, remove; duplicate codes and unknown
statuses as errors; CSRF; another account's code."""

from __future__ import annotations

import httpx

from leadline.core.campaigns import queries
from leadline.core.vocabulary import LeadStatus
from leadline.db.engine import Database
from tests.factories import World
from tests.web.pages.setup.conftest import post_form

INDEX = "/setup/wrap-codes"


async def _codes(db: Database, world: World) -> dict[str, tuple[str, int]]:
    async with db.read_session() as session:
        found = await queries.wrap_codes(session, world.account.id)
    return {code.code: (code.description, code.status_code) for code in found}


async def test_add(admin_client: httpx.AsyncClient, db: Database, world: World) -> None:
    answer = await post_form(
        admin_client,
        INDEX,
        INDEX,
        {"code": "LEFT-VM", "description": "Left a voicemail", "status_code": LeadStatus.CALL_BACK},
    )
    assert answer.status_code == 303
    assert (await _codes(db, world))["LEFT-VM"] == ("Left a voicemail", LeadStatus.CALL_BACK)


async def test_a_duplicate_code_is_a_field_error(admin_client: httpx.AsyncClient) -> None:
    answer = await post_form(
        admin_client, INDEX, INDEX, {"code": "SALE", "description": "x", "status_code": 6}
    )
    assert answer.status_code == 400 and 'id="f-code-error"' in answer.text


async def test_an_unknown_status_is_a_field_error(admin_client: httpx.AsyncClient) -> None:
    answer = await post_form(
        admin_client, INDEX, INDEX, {"code": "NEW1", "description": "x", "status_code": "77"}
    )
    assert answer.status_code == 400 and 'id="f-status_code-error"' in answer.text


async def test_edit_and_remove(admin_client: httpx.AsyncClient, db: Database, world: World) -> None:
    async with db.read_session() as session:
        sale = next(
            c for c in await queries.wrap_codes(session, world.account.id) if c.code == "SALE"
        )
    saved = await post_form(
        admin_client,
        INDEX,
        f"{INDEX}/{sale.id}",
        {"description": "Sold", "status_code": LeadStatus.ANSWERED_INTERESTED},
    )
    assert saved.status_code == 303
    assert (await _codes(db, world))["SALE"][0] == "Sold"
    removed = await post_form(admin_client, INDEX, f"{INDEX}/{sale.id}/delete", {})
    assert removed.status_code == 303
    assert "SALE" not in await _codes(db, world)


async def test_another_accounts_code_is_not_found(
    admin_client: httpx.AsyncClient, db: Database, rival: World
) -> None:
    async with db.read_session() as session:
        theirs = (await queries.wrap_codes(session, rival.account.id))[0]
    answer = await post_form(admin_client, INDEX, f"{INDEX}/{theirs.id}/delete", {})
    assert answer.status_code == 404
    assert theirs.code in await _codes(db, rival)


async def test_wrong_csrf_token_adds_nothing(
    admin_client: httpx.AsyncClient, db: Database, world: World
) -> None:
    answer = await admin_client.post(
        INDEX, data={"code": "CSRF", "description": "x", "status_code": "1", "csrf_token": "x"}
    )
    assert answer.status_code == 400 and "had expired" in answer.text
    assert "CSRF" not in await _codes(db, world)
