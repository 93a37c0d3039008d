"""The console's sign-in, card and search pages, over HTTP."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from leadline.config import Settings
from leadline.core import clock
from leadline.core.activities import service as activities
from leadline.core.contacts import service as contacts
from leadline.core.leads import service as leads
from leadline.db.engine import Database
from leadline.db.models import CallCost, Media
from tests.factories import World, make_world
from tests.web.conftest import csrf_of, sign_in


@pytest.fixture
async def world(db: Database) -> World:
    return await make_world(db, name="Acme")


@pytest.fixture
async def rival(db: Database) -> World:
    return await make_world(db, name="Rival")


async def _person_with_history(db: Database, world: World, settings: Settings) -> dict[str, int]:
    async with db.transaction() as session:
        contact, _ = await contacts.find_or_create_contact(
            session,
            account_id=world.account.id,
            number="+393451234567",
            name="Mario <Rossi> & Figli",
            email="mario@example.com",
            source="immobiliare.it",
        )
        await contacts.add_phone(session, contact, "0123456789", verified=False)
        lead = await leads.create_lead(
            session, lead_list=world.lead_list, contact=contact, phones=["+393451234567"]
        )
        call = await activities.record(
            session,
            account_id=world.account.id,
            activity_type=activities.CALL_INBOUND,
            direction="inbound",
            from_number="+393451234567",
            status="answered",
            duration_seconds=234,
            contact_id=contact.id,
            lead_id=lead.id,
            agent_id=world.agent.id,
        )
        event = await activities.record(
            session,
            account_id=world.account.id,
            activity_type=activities.CRM_EVENT,
            subject="Входящий Звонок",
            description="Длительность 3:54",
            contact_id=contact.id,
            created_by_user_id=world.agent.id,
        )
        media_dir = settings.resolved_media_dir
        media_dir.mkdir(parents=True, exist_ok=True)
        (media_dir / "call.wav").write_bytes(b"RIFF....WAVEfmt ")
        media = Media(
            account_id=world.account.id,
            activity_id=call.id,
            content_type="audio/wav",
            storage_key="call.wav",
            size_bytes=16,
            duration_seconds=234,
        )
        session.add(media)
        session.add(
            CallCost(
                account_id=world.account.id,
                activity_id=call.id,
                lead_id=lead.id,
                cost=Decimal("1.2500"),
                date_billed=clock.now(),
                call_date=clock.now(),
                call_from="+393451234567",
            )
        )
        await session.flush()
    return {"contact": contact.id, "lead": lead.id, "event": event.id, "media": media.id}


async def test_anonymous_card_goes_to_login_and_comes_back(
    client: httpx.AsyncClient, db: Database, world: World, settings: Settings
) -> None:
    ids = await _person_with_history(db, world, settings)
    card_url = f"/card?id={ids['contact']}&typecont=contact"
    redirect = await client.get(card_url)
    assert redirect.status_code == 303
    assert redirect.headers["location"].startswith("/login?next=")
    login_page = await client.get(redirect.headers["location"])
    assert 'value="/card?id=' in login_page.text
    signed_in = await sign_in(client, world.admin.login, "admin-pass", next_url=card_url)
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == card_url
    cookie = signed_in.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    card = await client.get(card_url)
    assert card.status_code == 200


async def test_card_shows_phones_as_telf_links_and_the_timeline(
    client: httpx.AsyncClient, db: Database, world: World, settings: Settings
) -> None:
    ids = await _person_with_history(db, world, settings)
    await sign_in(client, world.admin.login, "admin-pass")
    page = (await client.get(f"/card?id={ids['contact']}&typecont=contact")).text
    assert '<a class="tel" href="telf:+393451234567">' in page
    assert 'href="telf:0123456789"' in page
    assert "Mario &lt;Rossi&gt; &amp; Figli" in page
    assert "Mario <Rossi>" not in page
    assert "mario@example.com" in page and "immobiliare.it" in page
    assert "Входящий Звонок" in page and "Длительность 3:54" in page
    assert "Inbound call" in page and "3:54" in page and "1.25" in page
    assert f'<audio controls preload="none" src="/console/media/{ids["media"]}"' in page
    assert f"/card?id={ids['lead']}&amp;typecont=lead" in page
    # Every tel-like link is a telf: link.
    assert "tel:" not in page.replace("telf:", "")


async def test_lead_and_russian_typecont_open_the_card(
    client: httpx.AsyncClient, db: Database, world: World, settings: Settings
) -> None:
    ids = await _person_with_history(db, world, settings)
    await sign_in(client, world.admin.login, "admin-pass")
    page = await client.get("/card", params={"id": ids["lead"], "typecont": "Лид"})
    assert page.status_code == 200
    assert "Outbound" in page.text  # the lead's campaign


async def test_another_accounts_card_is_404(
    client: httpx.AsyncClient, db: Database, world: World, rival: World, settings: Settings
) -> None:
    theirs = await _person_with_history(db, rival, settings)
    await sign_in(client, world.admin.login, "admin-pass")
    for kind in ("contact", "lead"):
        response = await client.get(f"/card?id={theirs[kind]}&typecont={kind}")
        assert response.status_code == 404
        assert "Mario" not in response.text
    media = await client.get(f"/console/media/{theirs['media']}")
    assert media.status_code == 404
    for bad in ("/card?id=abc&typecont=contact", "/card?id=1&typecont=deal", "/card"):
        assert (await client.get(bad)).status_code == 404


async def test_recording_is_served_to_its_account(
    client: httpx.AsyncClient, db: Database, world: World, settings: Settings
) -> None:
    ids = await _person_with_history(db, world, settings)
    await sign_in(client, world.admin.login, "admin-pass")
    response = await client.get(f"/console/media/{ids['media']}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/wav"
    assert response.content == (Path(settings.resolved_media_dir) / "call.wav").read_bytes()


async def test_search_lists_matches_with_telf_links(
    client: httpx.AsyncClient, db: Database, world: World, settings: Settings
) -> None:
    ids = await _person_with_history(db, world, settings)
    await sign_in(client, world.admin.login, "admin-pass")
    page = await client.get("/search", params={"phone": "0123456789"})
    assert page.status_code == 200
    assert f"/card?id={ids['contact']}&amp;typecont=contact" in page.text
    assert 'href="telf:0123456789"' in page.text
    partial = await client.get(
        "/search", params={"phone": "+39 345 123 4567"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in partial.text
    assert f"/card?id={ids['lead']}&amp;typecont=lead" in partial.text
    nothing = await client.get("/search", params={"phone": "+447700900000"})
    assert "Nothing found" in nothing.text


async def test_wrong_password_and_missing_csrf_are_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    wrong = await sign_in(client, world.admin.login, "nope")
    assert wrong.status_code == 401
    assert "Wrong login or password" in wrong.text
    no_token = await client.post(
        "/login", data={"login": world.admin.login, "password": "admin-pass"}
    )
    assert no_token.status_code == 400
    assert (await client.get("/search")).status_code == 303


async def test_console_lock_out_after_five_failures(
    client: httpx.AsyncClient, world: World
) -> None:
    for _ in range(5):
        await sign_in(client, world.admin.login, "nope")
    locked = await sign_in(client, world.admin.login, "admin-pass")
    assert locked.status_code == 401
    assert "Too many failed attempts" in locked.text


async def test_sign_out_needs_the_csrf_token_and_ends_the_session(
    client: httpx.AsyncClient, world: World
) -> None:
    await sign_in(client, world.admin.login, "admin-pass")
    page = await client.get("/search")
    token = csrf_of(page.text)
    await client.post("/logout", data={"csrf_token": "forged"})
    assert (await client.get("/search")).status_code == 200
    await client.post("/logout", data={"csrf_token": token})
    assert (await client.get("/search")).status_code == 303


async def test_next_never_leaves_the_site(client: httpx.AsyncClient, world: World) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = await sign_in(client, world.admin.login, "admin-pass", next_url=target)
        assert response.headers["location"] == "/"
        await client.post(
            "/logout", data={"csrf_token": csrf_of((await client.get("/search")).text)}
        )


async def test_pages_link_only_local_assets(client: httpx.AsyncClient, world: World) -> None:
    page = (await client.get("/login")).text
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "/static/vendor/htmx/htmx.min.js" in page
    assert (await client.get("/static/console.css")).status_code == 200
