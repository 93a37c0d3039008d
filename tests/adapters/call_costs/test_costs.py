"""Costs attributed to calls and leads: the lead's sum, corrections, first contact."""

from __future__ import annotations

from datetime import datetime, timedelta

from leadline.core import clock
from tests.adapters.call_costs.conftest import CALLER, DID, PATH, CostWorld


async def test_a_cost_for_a_lead_call_updates_the_lead(costs: CostWorld) -> None:
    lead = await costs.lead(CALLER)
    call = await costs.call(lead=lead, started_at=clock.now() - timedelta(minutes=3))

    answer = await costs.post(f"{PATH}/{DID}/{CALLER}", json={"cost": "12.5"})

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["updated"] == 1
    assert body["lead"] == {
        "lead_id": str(lead.id),
        "vendor_id": "supplier-a",
        "account_id": str(costs.account_id),
        "cost": "12.5000",
    }
    assert body["inserted"]["attributed"] == "1"
    assert body["first_contact"] == "1"
    [row] = await costs.cost_rows()
    assert row.activity_id == call.id and row.lead_id == lead.id and row.is_current
    assert str(row.cost) == "12.5000"
    assert (await costs.lead_now(lead.id)).cost == row.cost


async def test_the_lead_cost_is_the_sum_of_its_calls_current_costs(costs: CostWorld) -> None:
    lead = await costs.lead(CALLER)
    now = clock.now()
    await costs.call(lead=lead, started_at=now - timedelta(hours=5))
    await costs.call(lead=lead, started_at=now - timedelta(hours=2), call_to="+12015550101")
    await costs.call(lead=lead, started_at=now - timedelta(minutes=1), call_to="+12015550102")

    first = await costs.post(
        json={"did": DID, "cid": CALLER, "cost": "1.1111", "call_date": _at(now, hours=5)}
    )
    second = await costs.post(
        json={"did": "2015550101", "cid": CALLER, "cost": "2.2222", "call_date": _at(now, hours=2)}
    )
    third = await costs.post(json={"did": "2015550102", "cid": CALLER, "cost": "0.0007"})

    assert [a.json()["lead"]["cost"] for a in (first, second, third)] == [
        "1.1111",
        "3.3333",
        "3.3340",
    ]
    assert str((await costs.lead_now(lead.id)).cost) == "3.3340"


async def test_a_later_post_for_the_same_call_corrects_its_cost(costs: CostWorld) -> None:
    lead = await costs.lead(CALLER)
    await costs.call(lead=lead)

    await costs.post(json={"did": DID, "cid": CALLER, "cost": "10"})
    corrected = await costs.post(json={"did": DID, "cid": CALLER, "cost": "7.25"})

    assert corrected.json()["lead"]["cost"] == "7.2500"
    rows = await costs.cost_rows()
    assert [(str(r.cost), r.is_current) for r in rows] == [("10.0000", False), ("7.2500", True)]
    assert str((await costs.lead_now(lead.id)).cost) == "7.2500"


async def test_only_the_leads_earliest_call_is_its_first_contact(costs: CostWorld) -> None:
    lead = await costs.lead(CALLER)
    now = clock.now()
    await costs.call(lead=lead, started_at=now - timedelta(hours=3), call_to="+12015550101")
    await costs.call(lead=lead, started_at=now - timedelta(minutes=2))

    later = await costs.post(json={"did": DID, "cid": CALLER, "cost": "4"})
    earliest = await costs.post(
        json={"did": "2015550101", "cid": CALLER, "cost": "3", "call_date": _at(now, hours=3)}
    )

    assert later.json()["first_contact"] == "0"
    assert earliest.json()["first_contact"] == "1"
    rows = await costs.cost_rows()
    assert [r.first_contact for r in rows] == [False, True]


async def test_an_unmatched_cost_is_kept_unattributed(costs: CostWorld) -> None:
    answer = await costs.post(json={"did": DID, "cid": CALLER, "cost": "5", "notes": "no call"})

    body = answer.json()
    assert answer.status_code == 200
    assert body["inserted"]["attributed"] == "0"
    assert body["updated"] == 0
    assert body["lead"] == {"lead_id": "", "vendor_id": "", "account_id": "", "cost": ""}
    assert body["first_contact"] == "0"
    [row] = await costs.cost_rows()
    assert row.activity_id is None and not row.attributed and row.notes == "no call"


async def test_a_matched_call_without_a_lead_is_attributed_but_updates_nothing(
    costs: CostWorld,
) -> None:
    call = await costs.call()

    body = (await costs.post(json={"did": DID, "cid": CALLER, "cost": "5"})).json()

    assert body["inserted"]["attributed"] == "1"
    assert body["updated"] == 0
    assert body["lead"]["lead_id"] == ""
    [row] = await costs.cost_rows()
    assert row.activity_id == call.id


def _at(moment: datetime, *, hours: int) -> str:
    return (moment - timedelta(hours=hours)).isoformat()
