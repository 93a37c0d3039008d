"""Browsing leads: the capped count, prefix search and phone tails, and the viewer's
own visibility rule (core.leads.browse)."""

from __future__ import annotations

from leadline.core.access.service import viewer_of_user
from leadline.core.leads import browse
from leadline.db.engine import Database
from tests.factories import make_world
from tests.web.pages.conftest import add_lead


async def test_count_stops_at_the_cap(db: Database) -> None:
    world = await make_world(db)
    for i in range(4):
        await add_lead(db, world.lead_list, f"+44784025880{i}")
    async with db.read_session() as session:
        scope = await viewer_of_user(session, world.admin)
        assert await browse.count(session, scope, browse.LeadFilters(), cap=10) == (
            browse.LeadCount(4, False)
        )
        assert await browse.count(session, scope, browse.LeadFilters(), cap=3) == (
            browse.LeadCount(3, True)
        )


async def test_prefix_search_is_case_blind_and_escapes_wildcards(db: Database) -> None:
    world = await make_world(db)
    rossi = await add_lead(db, world.lead_list, "+447840258801", name="ROSSI Mario")
    await add_lead(db, world.lead_list, "+447840258802", name="Rosa", customer_key="R_SS")
    async with db.read_session() as session:
        scope = await viewer_of_user(session, world.admin)

        async def found(text: str) -> list[int]:
            page = await browse.browse(
                session, scope, browse.LeadFilters(text=text), after=None, limit=10
            )
            return [lead.id for lead in page.items]

        assert await found("rossi m") == [rossi]
        assert await found("r_ss") == []  # the key's case matters; "_" is no wildcard
        assert await found("ro%") == []


def test_phone_tail_is_the_last_nine_digits() -> None:
    assert browse.phone_tail("+44 7840 258823") == "840258823"
    assert browse.phone_tail("258823") == "258823"
    assert browse.phone_tail("no digits") is None


async def test_an_agent_sees_only_their_campaigns(db: Database) -> None:
    world = await make_world(db)
    other = await make_world(db, name="Other")
    mine = await add_lead(db, world.lead_list, "+447840258801")
    async with db.read_session() as session:
        scope = await viewer_of_user(session, world.agent)
        page = await browse.browse(session, scope, browse.LeadFilters(), after=None, limit=10)
        assert [lead.id for lead in page.items] == [mine]
        outsider = await viewer_of_user(session, other.agent)
        page = await browse.browse(session, outsider, browse.LeadFilters(), after=None, limit=10)
        assert list(page.items) == []
