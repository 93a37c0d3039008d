"""Repeats insert nothing and answer the first response: the same post within a day, or
the same Idempotency-Key, also when the twins arrive at once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import update

from leadline.core import clock
from leadline.db.models import CallCost
from tests.adapters.call_costs.conftest import CALLER, DID, PATH, CostWorld

BODY = {"did": DID, "cid": CALLER, "cost": "4.5", "call_date": "2026-07-01 08:00:00"}


async def test_the_same_body_twice_inserts_once(costs: CostWorld) -> None:
    first = await costs.post(json=BODY)
    second = await costs.post(json=BODY)
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()
    assert second.text == first.text  # the same keys in the same order, too
    assert len(await costs.cost_rows()) == 1


async def test_the_same_values_in_another_format_or_place_are_a_repeat(costs: CostWorld) -> None:
    first = await costs.post(json=BODY)
    again = await costs.post(data=BODY)
    assert again.json() == first.json()
    assert len(await costs.cost_rows()) == 1


async def test_a_different_cost_or_call_date_is_a_new_post(costs: CostWorld) -> None:
    await costs.post(json=BODY)
    await costs.post(json={**BODY, "cost": "4.50"})  # as sent: another text
    await costs.post(json={k: v for k, v in BODY.items() if k != "call_date"})
    await costs.post(json={**BODY, "call_date": "2026-07-01T12:00:00Z"})
    assert len(await costs.cost_rows()) == 4


async def test_another_credential_is_not_a_repeat(costs: CostWorld) -> None:
    from leadline.core.vocabulary import Scope
    from tests.factories import make_token

    other = await make_token(costs.db, costs.keyring, costs.account_id, Scope.CALL_COSTS)
    await costs.post(json=BODY)
    await costs.post(
        json=BODY,
        headers=costs.auth(other),
        auth=False,
    )
    assert len(await costs.cost_rows()) == 2


async def test_a_repeat_after_a_day_is_a_new_post(costs: CostWorld) -> None:
    await costs.post(json=BODY)
    async with costs.db.transaction() as session:
        await session.execute(
            update(CallCost).values(created_at=clock.now() - timedelta(hours=24, seconds=1))
        )
    await costs.post(json=BODY)
    assert len(await costs.cost_rows()) == 2


async def test_the_same_idempotency_key_answers_the_first_response(costs: CostWorld) -> None:
    key = {"Idempotency-Key": "ringba-call-42"}
    first = await costs.post(json=BODY, headers=key)
    second = await costs.post(json={**BODY, "cost": "99"}, headers=key)
    assert second.json() == first.json()
    [row] = await costs.cost_rows()
    assert row.idempotency_key == "ringba-call-42"
    assert str(row.cost) == "4.5000"


async def test_a_new_idempotency_key_with_the_same_body_is_still_a_repeat(
    costs: CostWorld,
) -> None:
    await costs.post(json=BODY, headers={"Idempotency-Key": "a"})
    await costs.post(json=BODY, headers={"Idempotency-Key": "b"})
    assert len(await costs.cost_rows()) == 1


async def test_concurrent_identical_posts_insert_once(costs: CostWorld) -> None:
    lead = await costs.lead(CALLER)
    await costs.call(lead=lead)
    body = {"did": DID, "cid": CALLER, "cost": "2.25"}
    answers = await asyncio.gather(*(costs.post(json=body) for _ in range(8)))
    assert {a.status_code for a in answers} == {200}
    assert len({a.text for a in answers}) == 1
    assert len(await costs.cost_rows()) == 1
    assert str((await costs.lead_now(lead.id)).cost) == "2.2500"


async def test_concurrent_posts_with_one_idempotency_key_insert_once(costs: CostWorld) -> None:
    answers = await asyncio.gather(
        *(
            costs.post(
                f"{PATH}/{DID}/{CALLER}",
                json={"cost": f"1.{index}"},
                headers={"Idempotency-Key": "same"},
            )
            for index in range(8)
        )
    )
    assert {a.status_code for a in answers} == {200}
    assert len({a.text for a in answers}) == 1
    assert len(await costs.cost_rows()) == 1


async def test_concurrent_costs_of_one_leads_calls_all_count(costs: CostWorld) -> None:
    lead = await costs.lead(CALLER)
    dids = [f"+1201555010{index}" for index in range(6)]
    for did in dids:
        await costs.call(lead=lead, call_to=did)
    answers = await asyncio.gather(
        *(costs.post(json={"did": did, "cid": CALLER, "cost": "1.0001"}) for did in dids)
    )
    assert {a.status_code for a in answers} == {200}
    assert str((await costs.lead_now(lead.id)).cost) == "6.0006"
    assert max(a.json()["lead"]["cost"] for a in answers) == "6.0006"


async def test_concurrent_corrections_of_one_call_leave_one_current_cost(
    costs: CostWorld,
) -> None:
    lead = await costs.lead(CALLER)
    await costs.call(lead=lead)
    answers = await asyncio.gather(
        *(costs.post(json={"did": DID, "cid": CALLER, "cost": str(n)}) for n in range(1, 7))
    )
    assert {a.status_code for a in answers} == {200}
    rows = await costs.cost_rows()
    current = [row for row in rows if row.is_current]
    assert len(rows) == 6 and len(current) == 1
    assert (await costs.lead_now(lead.id)).cost == current[0].cost
