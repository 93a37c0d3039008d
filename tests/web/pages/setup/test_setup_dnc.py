"""``/setup/dnc`` over HTTP: add and remove a number, import a CSV with its counts;
invalid numbers as field errors; CSRF; an agent is refused."""

from __future__ import annotations

import httpx

from leadline.core.compliance import dnc
from leadline.db.engine import Database
from tests.factories import World
from tests.web.conftest import sign_in
from tests.web.pages.setup.conftest import form_token, post_form

INDEX = "/setup/dnc"


async def _listed(db: Database, world: World, number: str) -> bool:
    async with db.read_session() as session:
        return await dnc.is_listed(session, world.account.id, number)


async def test_add_a_national_number(
    admin_client: httpx.AsyncClient, db: Database, world: World
) -> None:
    answer = await post_form(admin_client, INDEX, INDEX, {"number": "020 7946 0123"})
    assert answer.status_code == 303
    assert await _listed(db, world, "+442079460123")
    assert "+44 20 7946 0123" in (await admin_client.get(INDEX)).text


async def test_an_invalid_number_is_a_field_error(admin_client: httpx.AsyncClient) -> None:
    answer = await post_form(admin_client, INDEX, INDEX, {"number": "call me maybe"})
    assert answer.status_code == 400 and 'id="f-number-error"' in answer.text


async def test_a_long_reason_is_a_field_error(admin_client: httpx.AsyncClient) -> None:
    answer = await post_form(
        admin_client, INDEX, INDEX, {"number": "02079460123", "reason": "r" * 501}
    )
    assert answer.status_code == 400 and 'id="f-reason-error"' in answer.text


async def test_remove(admin_client: httpx.AsyncClient, db: Database, world: World) -> None:
    await post_form(admin_client, INDEX, INDEX, {"number": "+442079460124"})
    answer = await post_form(admin_client, INDEX, f"{INDEX}/remove", {"number": "+442079460124"})
    assert answer.status_code == 303
    assert not await _listed(db, world, "+442079460124")


async def test_csv_import_counts_added_listed_and_invalid(
    admin_client: httpx.AsyncClient, db: Database, world: World
) -> None:
    await post_form(admin_client, INDEX, INDEX, {"number": "+442079460200"})
    csv_text = "phone,name\n020 7946 0201,A\n+442079460202,B\n02079460200,C\nnot-a-number,D\n"
    page = await admin_client.get(INDEX)
    answer = await admin_client.post(
        f"{INDEX}/import",
        data={"csrf_token": form_token(page.text, f"{INDEX}/import")},
        files={"file": ("numbers.csv", csv_text.encode(), "text/csv")},
    )
    assert answer.status_code == 303
    shown = (await admin_client.get(INDEX)).text
    assert "2 added, 1 already listed, 1 invalid" in shown
    assert await _listed(db, world, "+442079460201")


async def test_an_import_without_a_file_is_a_field_error(admin_client: httpx.AsyncClient) -> None:
    answer = await post_form(admin_client, INDEX, f"{INDEX}/import", {})
    assert answer.status_code == 400 and 'id="f-file-error"' in answer.text


async def test_wrong_csrf_token_adds_nothing(
    admin_client: httpx.AsyncClient, db: Database, world: World
) -> None:
    answer = await admin_client.post(INDEX, data={"number": "+442079460300", "csrf_token": "x"})
    assert answer.status_code == 400 and "had expired" in answer.text
    assert not await _listed(db, world, "+442079460300")


async def test_another_accounts_numbers_are_not_shown_or_removed(
    admin_client: httpx.AsyncClient, db: Database, rival: World
) -> None:
    async with db.transaction() as session:
        await dnc.add(session, account_id=rival.account.id, number="+442079460400")
    assert "7946 0400" not in (await admin_client.get(INDEX)).text
    await post_form(admin_client, INDEX, f"{INDEX}/remove", {"number": "+442079460400"})
    assert await _listed(db, rival, "+442079460400")


async def test_an_agent_is_refused(client: httpx.AsyncClient, world: World) -> None:
    await sign_in(client, world.agent.login, "agent-pass")
    assert (await client.get(INDEX)).status_code == 403
    assert (await client.post(INDEX, data={"number": "+442079460500"})).status_code == 403
