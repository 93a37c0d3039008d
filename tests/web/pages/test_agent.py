"""``/agent`` (the agent panel) over HTTP, on SQLite and PostgreSQL, with the real dialler
engine ticked on the test's clock over the simulated telephony backend."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx

from leadline.core import clock
from leadline.core.vocabulary import LeadStatus
from leadline.db.engine import Database
from leadline.db.models import DialAttempt
from tests.dialler.conftest import Floor, make_floor, sim
from tests.web.conftest import csrf_of, sign_in
from tests.web.pages.conftest import form_csrf

NUMBER = "+447840258823"


async def _answered_call(floor: Floor) -> tuple[int, DialAttempt]:
    """A due lead the engine dials and the agent answers; (lead id, its attempt)."""
    now = clock.now()
    lead_id = await floor.lead(NUMBER, due=now - timedelta(minutes=1), data={"budget": "250k"})
    engine = floor.engine()
    await engine.tick(now)
    await engine.tick(now + timedelta(seconds=6))
    [attempt] = await floor.attempts(lead_id)
    assert attempt.state == "connected" and attempt.agent_id == floor.world.agent.id
    return lead_id, attempt


async def test_panel_waits_for_a_call_and_polls(
    client: httpx.AsyncClient, db: Database, tmp_path: Path
) -> None:
    floor = await make_floor(db, tmp_path, sim(answer_rate=1))
    await sign_in(client, floor.world.agent.login, "agent-pass")
    page = await client.get("/agent")
    assert page.status_code == 200
    assert "Waiting for a call" in page.text
    assert 'hx-get="/agent/call" hx-trigger="every 2s"' in page.text
    poll = await client.get("/agent/call", headers={"HX-Request": "true"})
    assert poll.status_code == 200 and "<html" not in poll.text


async def test_an_answered_call_shows_the_leads_card_and_stops_the_poll(
    client: httpx.AsyncClient, db: Database, tmp_path: Path
) -> None:
    floor = await make_floor(db, tmp_path, sim(answer_rate=1))
    lead_id, attempt = await _answered_call(floor)
    await sign_in(client, floor.world.agent.login, "agent-pass")
    poll = await client.get("/agent/call", headers={"HX-Request": "true"})
    assert poll.status_code == 286  # htmx stops polling, the wrap-up form stays put
    assert f'href="telf:{NUMBER}"' in poll.text
    assert f'href="/leads/{lead_id}"' in poll.text
    assert "budget" in poll.text and "250k" in poll.text
    assert f'action="/agent/calls/{attempt.id}/wrap"' in poll.text


async def test_wrap_up_with_a_call_back_reschedules_the_lead(
    client: httpx.AsyncClient, db: Database, tmp_path: Path
) -> None:
    floor = await make_floor(db, tmp_path, sim(answer_rate=1))
    lead_id, attempt = await _answered_call(floor)
    await sign_in(client, floor.world.agent.login, "agent-pass")
    token = form_csrf((await client.get("/agent")).text, f"/agent/calls/{attempt.id}/wrap")
    done = await client.post(
        f"/agent/calls/{attempt.id}/wrap",
        data={"csrf_token": token, "notes": "Call after lunch", "call_back_at": "2031-01-15T14:00"},
    )
    assert done.status_code == 303 and done.headers["location"] == "/agent?done=wrapped"
    lead = await floor.get_lead(lead_id)
    assert lead.status_code == int(LeadStatus.CALL_BACK)
    assert lead.next_attempt_at is not None
    # London is on GMT in January: 14:00 local is 14:00 UTC.
    assert lead.next_attempt_at.isoformat() == "2031-01-15T14:00:00+00:00"
    [wrapped] = await floor.attempts(lead_id)
    assert wrapped.wrapped_at is not None and wrapped.notes == "Call after lunch"


async def test_wrap_up_refuses_bad_input_and_csrf(
    client: httpx.AsyncClient, db: Database, tmp_path: Path
) -> None:
    floor = await make_floor(db, tmp_path, sim(answer_rate=1))
    _, attempt = await _answered_call(floor)
    await sign_in(client, floor.world.agent.login, "agent-pass")
    url = f"/agent/calls/{attempt.id}/wrap"
    no_token = await client.post(url, data={"status": "6"})
    assert no_token.status_code == 400
    token = csrf_of((await client.get("/agent")).text)
    for data, field in (
        ({"call_back_at": "next tuesday"}, "call_back_at"),
        ({"call_back_at": "0001-01-01T00:00"}, "call_back_at"),
        ({"status": "abc"}, "status"),
        ({"status": "999"}, "status"),
        ({"wrap_code": "NOPE"}, "wrap_code"),
        ({}, "status"),
    ):
        page = await client.post(url, data={"csrf_token": token, **data})
        assert page.status_code == 400, data
        assert f'id="f-{field}-error"' in page.text, data
    [still] = await floor.attempts()
    assert still.wrapped_at is None
    assert (
        await client.post("/agent/calls/abc/wrap", data={"csrf_token": token})
    ).status_code == 404


async def test_someone_elses_call_is_404(
    client: httpx.AsyncClient, db: Database, tmp_path: Path
) -> None:
    floor = await make_floor(db, tmp_path, sim(answer_rate=1))
    _, attempt = await _answered_call(floor)
    await floor.agent("second-agent", available=False)
    await sign_in(client, "second-agent", "agent-pass")
    token = csrf_of((await client.get("/agent")).text)
    refused = await client.post(
        f"/agent/calls/{attempt.id}/wrap", data={"csrf_token": token, "status": "6"}
    )
    assert refused.status_code == 404
    [still] = await floor.attempts()
    assert still.wrapped_at is None


async def test_preview_agent_takes_the_next_lead(
    client: httpx.AsyncClient, db: Database, tmp_path: Path
) -> None:
    floor = await make_floor(db, tmp_path, sim(no_answer_rate=1), dialling_mode="preview")
    lead_id = await floor.lead(NUMBER, due=clock.now() - timedelta(minutes=1))
    await sign_in(client, floor.world.agent.login, "agent-pass")
    page = (await client.get("/agent")).text
    assert "Next lead" in page
    taken = await client.post(
        "/agent/next-lead", data={"csrf_token": form_csrf(page, "/agent/next-lead")}
    )
    assert taken.status_code == 303 and taken.headers["location"] == "/agent"
    panel = (await client.get("/agent")).text
    assert f'href="/leads/{lead_id}"' in panel and "reserved for you" in panel
    lead = await floor.get_lead(lead_id)
    assert lead.reserved_for_agent_id == floor.world.agent.id
    # Holding a lead, the agent is busy: asking again says so.
    again = await client.post("/agent/next-lead", data={"csrf_token": csrf_of(panel)})
    assert again.status_code == 409 and "busy" in again.text
