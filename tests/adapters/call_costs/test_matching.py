"""Which call a cost is matched to: the window's edges, the latest call, one account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadline.core.activities.service import CALL_OUTBOUND
from tests.adapters.call_costs.conftest import CALLER, DID, CostWorld
from tests.factories import make_world

CALL_DATE = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


async def _matched(costs: CostWorld, started_at: datetime) -> bool:
    call = await costs.call(started_at=started_at)
    answer = await costs.post(
        json={"did": DID, "cid": CALLER, "cost": "1", "call_date": CALL_DATE.isoformat()}
    )
    assert answer.status_code == 200, answer.text
    [row] = await costs.cost_rows()
    assert (row.activity_id == call.id) == (answer.json()["inserted"]["attributed"] == "1")
    return row.activity_id == call.id


@pytest.mark.parametrize(
    ("offset", "matched"),
    [
        (timedelta(minutes=5), True),
        (timedelta(minutes=5) + SECOND, False),
        (timedelta(0), True),
        (-timedelta(hours=24), True),
        (-timedelta(hours=24) - SECOND, False),
    ],
)
async def test_the_window_edges(costs: CostWorld, offset: timedelta, matched: bool) -> None:
    assert await _matched(costs, CALL_DATE + offset) is matched


async def test_the_latest_call_in_the_window_is_billed(costs: CostWorld) -> None:
    await costs.call(started_at=CALL_DATE - timedelta(hours=3))
    latest = await costs.call(started_at=CALL_DATE - timedelta(minutes=10))
    await costs.call(started_at=CALL_DATE + timedelta(minutes=6))  # after the window
    await costs.post(
        json={"did": DID, "cid": CALLER, "cost": "1", "call_date": CALL_DATE.isoformat()}
    )
    [row] = await costs.cost_rows()
    assert row.activity_id == latest.id


async def test_only_a_call_from_the_cid_to_the_did_matches(costs: CostWorld) -> None:
    await costs.call(started_at=CALL_DATE, call_from="+12025550199")
    await costs.call(started_at=CALL_DATE, call_to="+12015550199")
    await costs.call(started_at=CALL_DATE, activity_type=CALL_OUTBOUND)
    answer = await costs.post(
        json={"did": DID, "cid": CALLER, "cost": "1", "call_date": CALL_DATE.isoformat()}
    )
    assert answer.json()["inserted"]["attributed"] == "0"


async def test_another_accounts_calls_are_never_matched(costs: CostWorld) -> None:
    other = await make_world(costs.db, name="Rival", region="US", timezone="UTC")
    await costs.call(started_at=CALL_DATE, account_id=other.account.id)
    answer = await costs.post(
        json={"did": DID, "cid": CALLER, "cost": "1", "call_date": CALL_DATE.isoformat()}
    )
    assert answer.json()["inserted"]["attributed"] == "0"
    assert answer.json()["updated"] == 0


async def test_numbers_in_any_format_match_the_stored_e164(costs: CostWorld) -> None:
    call = await costs.call(started_at=CALL_DATE)
    answer = await costs.post(
        json={
            "did": "1 (201) 555-0100",
            "cid": "202.555.0123",
            "cost": "1",
            "call_date": "2026-07-01 08:00:00",  # 12:00 UTC in New York's summer
        }
    )
    assert answer.json()["inserted"]["attributed"] == "1"
    [row] = await costs.cost_rows()
    assert row.activity_id == call.id
