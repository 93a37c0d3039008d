"""``/inbox``: saved-but-not-processed submissions routed, retried or dismissed, with
their refusals; admins only; another account's entries are 404."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from leadline.core.compliance import dnc
from leadline.core.contacts import service as contacts
from leadline.core.leads import service as leads
from leadline.core.portal import directory, pushes
from leadline.core.security import Keyring
from leadline.core.submissions import lead_types
from leadline.db.engine import Database
from leadline.db.models import InboxEvent, Lead
from tests.factories import World
from tests.web.conftest import csrf_of, sign_in
from tests.web.pages.helpers import MOBILE, refused_submission


async def _event(db: Database, event_id: int) -> InboxEvent:
    async with db.read_session() as session:
        event = await session.get(InboxEvent, event_id)
    assert event is not None
    return event


async def _post(
    client: httpx.AsyncClient, event_id: int, action: str, **data: str
) -> httpx.Response:
    page = await client.get(f"/inbox/{event_id}")
    return await client.post(
        f"/inbox/{event_id}/{action}", data={"csrf_token": csrf_of(page.text), **data}
    )


async def test_inbox_lists_the_unknown_type_submission(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    event_id = await refused_submission(db, world)
    await sign_in(client, world.admin.login, "admin-pass")
    page = await client.get("/inbox")
    assert page.status_code == 200
    assert f'href="/inbox/{event_id}"' in page.text
    assert "Unknown Type" in page.text and "Jane Inbox" in page.text
    # Every form of the entry's page carries the session's token.
    entry = await client.get(f"/inbox/{event_id}")
    assert entry.text.count(f'name="csrf_token" value="{csrf_of(page.text)}"') == 4


async def test_route_makes_the_lead_in_the_chosen_list(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    event_id = await refused_submission(db, world)
    await sign_in(client, world.admin.login, "admin-pass")
    answer = await _post(client, event_id, "route", list_id=str(world.lead_list.id))
    assert answer.status_code == 303 and answer.headers["location"] == f"/inbox/{event_id}"
    event = await _event(db, event_id)
    assert event.status == "routed" and event.handled_by_user_id == world.admin.id
    assert event.handled_at is not None and event.lead_id is not None
    async with db.read_session() as session:
        lead = await session.get(Lead, event.lead_id)
    assert lead is not None and lead.list_id == world.lead_list.id
    assert lead.data == {"budget": "200000"}
    shown = await client.get(f"/inbox/{event_id}")
    assert f"Routed: lead #{event.lead_id} was made." in shown.text
    # Gone from the waiting inbox, still there under its outcome.
    assert f'href="/inbox/{event_id}"' not in (await client.get("/inbox")).text
    routed = await client.get("/inbox", params={"outcome": "routed"})
    assert f'href="/inbox/{event_id}"' in routed.text


async def test_route_is_refused_for_a_number_on_the_dnc_list(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    event_id = await refused_submission(db, world)
    async with db.transaction() as session:
        await dnc.add(session, account_id=world.account.id, number=MOBILE)
    await sign_in(client, world.admin.login, "admin-pass")
    answer = await _post(client, event_id, "route", list_id=str(world.lead_list.id))
    assert answer.status_code == 303
    shown = await client.get(f"/inbox/{event_id}")
    assert "Refused: The number is on the do-not-call list." in shown.text
    event = await _event(db, event_id)
    assert event.status == "unknown_type" and event.lead_id is None


async def test_route_is_refused_when_the_person_has_an_open_lead(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    event_id = await refused_submission(db, world)
    async with db.transaction() as session:
        contact, _ = await contacts.find_or_create_contact(
            session, account_id=world.account.id, number=MOBILE
        )
        existing = await leads.create_lead(
            session, lead_list=world.lead_list, contact=contact, phones=[MOBILE]
        )
    await sign_in(client, world.admin.login, "admin-pass")
    await _post(client, event_id, "route", list_id=str(world.lead_list.id))
    shown = await client.get(f"/inbox/{event_id}")
    assert f"already has an open lead (#{existing.id})" in shown.text
    assert (await _event(db, event_id)).status == "unknown_type"
    async with db.read_session() as session:
        count = len(list(await session.scalars(select(Lead.id))))
    assert count == 1


async def test_route_without_a_list_says_so_next_to_the_field(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    event_id = await refused_submission(db, world)
    await sign_in(client, world.admin.login, "admin-pass")
    answer = await _post(client, event_id, "route", list_id="")
    assert answer.status_code == 400
    assert 'id="f-list_id-error"' in answer.text and "Choose a list." in answer.text


async def test_retry_processes_once_the_lead_type_exists(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    event_id = await refused_submission(db, world)
    await sign_in(client, world.admin.login, "admin-pass")
    await _post(client, event_id, "retry")
    still = await client.get(f"/inbox/{event_id}")
    assert "Still not processed: No lead type has this code." in still.text
    async with db.transaction() as session:
        await lead_types.create_type(
            session, account_id=world.account.id, code="mortgage", campaign_id=world.campaign.id
        )
    await _post(client, event_id, "retry")
    event = await _event(db, event_id)
    assert event.status == "processed" and event.accepted and event.lead_id is not None
    assert (
        f"Processed: lead #{event.lead_id} was made."
        in (await client.get(f"/inbox/{event_id}")).text
    )


async def test_dismiss_keeps_it_with_who_and_when_and_only_once(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    event_id = await refused_submission(db, world)
    await sign_in(client, world.admin.login, "admin-pass")
    await _post(client, event_id, "dismiss")
    event = await _event(db, event_id)
    assert event.status == "dismissed" and event.handled_by_user_id == world.admin.id
    assert event.handled_at is not None
    await _post(client, event_id, "dismiss")
    assert "Refused: It was already dismissed." in (await client.get(f"/inbox/{event_id}")).text
    await _post(client, event_id, "route", list_id=str(world.lead_list.id))
    assert (await _event(db, event_id)).lead_id is None


async def test_a_post_without_the_csrf_token_changes_nothing(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    event_id = await refused_submission(db, world)
    await sign_in(client, world.admin.login, "admin-pass")
    answer = await client.post(f"/inbox/{event_id}/dismiss", data={"csrf_token": "forged"})
    assert answer.status_code == 400
    assert (await _event(db, event_id)).status == "unknown_type"


async def test_filter_by_kind_leaves_out_submissions(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    event_id = await refused_submission(db, world)
    await sign_in(client, world.admin.login, "admin-pass")
    portal_only = await client.get("/inbox", params={"kind": "portal"})
    assert f'href="/inbox/{event_id}"' not in portal_only.text
    assert "Nothing waits here" in portal_only.text
    mine = await client.get("/inbox", params={"kind": "submission", "outcome": "unknown_type"})
    assert f'href="/inbox/{event_id}"' in mine.text


async def test_inbox_pages_newest_first(
    client: httpx.AsyncClient, db: Database, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leadline.core.submissions import inbox

    monkeypatch.setattr(inbox, "DEFAULT_LIMIT", 2)
    ids = [await refused_submission(db, world, mobile=f"+4479111234{n:02d}") for n in range(3)]
    await sign_in(client, world.admin.login, "admin-pass")
    first = (await client.get("/inbox")).text
    assert f'href="/inbox/{ids[2]}"' in first and f'href="/inbox/{ids[0]}"' not in first
    next_href = f"/inbox?outcome=&amp;kind=&amp;before={ids[1]}"
    assert next_href in first
    second = (await client.get(next_href.replace("&amp;", "&"))).text
    assert f'href="/inbox/{ids[0]}"' in second and f'href="/inbox/{ids[2]}"' not in second


async def test_another_accounts_entry_is_404(
    client: httpx.AsyncClient, db: Database, world: World, rival: World
) -> None:
    theirs = await refused_submission(db, rival)
    await sign_in(client, world.admin.login, "admin-pass")
    assert (await client.get(f"/inbox/{theirs}")).status_code == 404
    page = await client.get("/inbox")
    answer = await client.post(f"/inbox/{theirs}/dismiss", data={"csrf_token": csrf_of(page.text)})
    assert answer.status_code == 404
    assert (await _event(db, theirs)).status == "unknown_type"
    assert f'href="/inbox/{theirs}"' not in page.text


async def test_an_agent_is_refused(client: httpx.AsyncClient, db: Database, world: World) -> None:
    event_id = await refused_submission(db, world)
    await sign_in(client, world.agent.login, "agent-pass")
    assert (await client.get("/inbox")).status_code == 403
    assert (await client.get(f"/inbox/{event_id}")).status_code == 403


async def test_a_refused_portal_push_is_routed_with_its_phone(
    client: httpx.AsyncClient, db: Database, world: World, keyring: Keyring
) -> None:
    async with db.transaction() as session:
        issued = await directory.create_hook(session, keyring, account_id=world.account.id)
        event = await pushes.record_refused(
            session,
            issued.hook,
            kind=pushes.KIND_CONTACT,
            raw='{"agency": "nobody"}',
            source_ip="203.0.113.5",
            outcome=pushes.Outcome.AGENCY_NOT_FOUND,
            partner="immobiliare.it",
            partner_id="abc-1",
            phone=MOBILE,
            email="Web@Example.com",
        )
    await sign_in(client, world.admin.login, "admin-pass")
    listed = await client.get("/inbox", params={"kind": "portal"})
    assert f'href="/inbox/{event.id}"' in listed.text and "Agency not found" in listed.text
    entry = await client.get(f"/inbox/{event.id}")
    assert "Retry with current lead types" not in entry.text  # pushes are routed, not retried
    await _post(client, event.id, "route", list_id=str(world.lead_list.id))
    routed = await _event(db, event.id)
    assert routed.status == "routed" and routed.lead_id is not None
    async with db.read_session() as session:
        lead = await session.get(Lead, routed.lead_id)
        assert lead is not None
        phones = await leads.phones_of(session, lead.id)
    assert [phone.number for phone in phones] == [MOBILE]
    assert lead.data["inbox_event_id"] == event.id
