"""A preview agent's next lead and the wrap-up of its call, through the platform API,
with the dialler engine placing the call in between."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx

from leadline.core import clock
from leadline.core.security import Keyring
from leadline.core.vocabulary import ROUND_THE_CLOCK, LeadStatus, Scope
from leadline.db.engine import Database
from tests.adapters.platform.conftest import BASE, Platform
from tests.dialler.conftest import Floor, sim
from tests.factories import make_token

A = "+447840258823"


async def _preview_floor(platform: Platform, db: Database, media: Path) -> Floor:
    floor = Floor(db, platform.world, media)
    await floor.configure(
        calling_hours=ROUND_THE_CLOCK,
        dialling_mode="preview",
        dialler_options={"simulated": sim(answer_rate=1)},
    )
    return floor


async def _agent_headers(platform: Platform, db: Database, keyring: Keyring) -> dict[str, str]:
    world = platform.world
    issued = await make_token(db, keyring, world.account.id, Scope.PLATFORM, user_id=world.agent.id)
    return {"Authorization": issued.token}


async def test_next_lead_then_wrap_with_a_call_back_reschedules_the_lead(
    client: httpx.AsyncClient, platform: Platform, db: Database, keyring: Keyring, tmp_path: Path
) -> None:
    floor = await _preview_floor(platform, db, tmp_path)
    now = clock.now()
    lead_id = await floor.lead(A, due=now - timedelta(minutes=1))
    headers = await _agent_headers(platform, db, keyring)
    agent_id = platform.world.agent.id

    reserved = await client.post(f"{BASE}/agents/{agent_id}/next-lead", headers=headers)
    assert reserved.status_code == 200, reserved.text
    details = reserved.json()
    assert details["leadId"] == lead_id
    assert details["phones"][0]["phoneNumber"] == A
    assert details == (await client.get(f"{BASE}/leads/{lead_id}", headers=headers)).json()

    engine = floor.engine()
    await engine.tick(now + timedelta(seconds=1))
    await engine.tick(now + timedelta(seconds=10))
    await engine.tick(now + timedelta(seconds=45))
    [attempt] = await floor.attempts(lead_id)
    assert attempt.answered_at is not None

    wrapped = await client.post(
        f"{BASE}/dialler/calls/{attempt.id}/wrap",
        headers=headers,
        json={"notes": "Call me tomorrow", "callBackAt": "2031-03-04T10:30:00"},
    )
    assert wrapped.status_code == 200, wrapped.text
    body = wrapped.json()
    assert body["attemptId"] == attempt.id
    # No offset: read in the account's zone (London, GMT in March before the change).
    assert body["lead"]["timestamps"]["nextAttempt"] == "2031-03-04T10:30:00+00:00"
    assert body["lead"]["lastStatusCode"] == LeadStatus.CALL_BACK
    assert body["lead"]["completed"] is False
    lead = await floor.get_lead(lead_id)
    assert lead.reserved_for_agent_id is None

    again = await client.post(
        f"{BASE}/dialler/calls/{attempt.id}/wrap", headers=headers, json={"statusCode": 1}
    )
    assert again.status_code == 409
    # The lead now waits for its call-back: nothing is due for the agent.
    none_due = await client.post(f"{BASE}/agents/{agent_id}/next-lead", headers=headers)
    assert none_due.status_code == 204
    assert none_due.content == b""


async def test_an_agent_token_acts_only_for_its_agent(
    client: httpx.AsyncClient, platform: Platform, db: Database, keyring: Keyring, tmp_path: Path
) -> None:
    floor = await _preview_floor(platform, db, tmp_path)
    colleague = await floor.agent("colleague")
    headers = await _agent_headers(platform, db, keyring)
    refused = await client.post(f"{BASE}/agents/{colleague}/next-lead", headers=headers)
    assert refused.status_code == 403
    # The account's token may act for any agent of the account.
    allowed = await client.post(f"{BASE}/agents/{colleague}/next-lead", headers=platform.headers)
    assert allowed.status_code == 204


async def test_an_unavailable_agent_gets_a_conflict(
    client: httpx.AsyncClient, platform: Platform, db: Database, tmp_path: Path
) -> None:
    floor = await _preview_floor(platform, db, tmp_path)
    await floor.lead(A, due=clock.now() - timedelta(minutes=1))
    await floor.set_available(platform.world.agent.id, False)
    answer = await client.post(
        f"{BASE}/agents/{platform.world.agent.id}/next-lead", headers=platform.headers
    )
    assert answer.status_code == 409
    assert answer.json()["message"] == "Conflict"


async def test_another_accounts_agent_and_attempt_are_not_found(
    client: httpx.AsyncClient, platform: Platform, db: Database, tmp_path: Path
) -> None:
    other_agent = platform.other.agent.id
    answer = await client.post(f"{BASE}/agents/{other_agent}/next-lead", headers=platform.headers)
    assert answer.status_code == 404
    other_floor = Floor(db, platform.other, tmp_path)
    lead_id = await other_floor.lead(A)
    from leadline.core.vocabulary import DialStatus
    from tests.adapters.platform.conftest import make_outbound_call

    lead = await other_floor.get_lead(lead_id)
    _activity, attempt_id = await make_outbound_call(
        db,
        platform.other,
        lead,
        dial_status=DialStatus.ANSWERED,
        dialled_at=clock.now(),
        answered=True,
        agent_id=other_agent,
    )
    wrap = await client.post(
        f"{BASE}/dialler/calls/{attempt_id}/wrap", headers=platform.headers, json={"statusCode": 1}
    )
    assert wrap.status_code == 404


async def test_a_wrap_needs_a_status_and_a_known_wrap_code(
    client: httpx.AsyncClient, platform: Platform, db: Database, tmp_path: Path
) -> None:
    floor = Floor(db, platform.world, tmp_path)
    lead = await floor.get_lead(await floor.lead(A))
    from leadline.core.vocabulary import DialStatus
    from tests.adapters.platform.conftest import make_outbound_call

    _activity, attempt_id = await make_outbound_call(
        db,
        platform.world,
        lead,
        dial_status=DialStatus.ANSWERED,
        dialled_at=clock.now(),
        answered=True,
        agent_id=platform.world.agent.id,
    )
    url = f"{BASE}/dialler/calls/{attempt_id}/wrap"
    for body, field in (
        ({}, "statusCode"),
        ({"wrapCode": "NOPE"}, "wrapCode"),
        ({"callBackAt": "tomorrow"}, "callBackAt"),
        ({"statusCode": 1, "colour": "red"}, "colour"),
    ):
        answer = await client.post(url, headers=platform.headers, json=body)
        assert answer.status_code == 422, body
        assert field in answer.json()["errors"], answer.json()
