"""Every row of the error table, in its shape and with its status; never a 5xx for bad
input."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from leadline.adapters.call_costs.routes import PREFIX
from leadline.app import create_app
from leadline.config import Settings
from leadline.core.vocabulary import Scope
from leadline.db.engine import Database
from leadline.db.models import Account
from tests.adapters.call_costs.conftest import CALLER, DID, PATH, CostWorld
from tests.factories import make_token


def _error(answer: httpx.Response) -> tuple[int, str]:
    return answer.status_code, answer.json()["error"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"cid": CALLER, "cost": "1"}, "Missing or Invalid DID"),
        ({"did": "", "cid": CALLER, "cost": "1"}, "Missing or Invalid DID"),
        ({"did": "not a number", "cid": CALLER, "cost": "1"}, "Missing or Invalid DID"),
        ({"did": {"n": 1}, "cid": CALLER, "cost": "1"}, "Missing or Invalid DID"),
        ({"did": "123", "cid": CALLER, "cost": "1"}, "Invalid DID"),
        ({"did": "0005550100", "cid": CALLER, "cost": "1"}, "Invalid DID"),
        ({"did": DID, "cost": "1"}, "Missing or Invalid CID"),
        ({"did": DID, "cid": "caller", "cost": "1"}, "Missing or Invalid CID"),
        ({"did": DID, "cid": "12", "cost": "1"}, "Invalid CID"),
        ({"did": DID, "cid": CALLER}, "Missing or Invalid Cost"),
        ({"did": DID, "cid": CALLER, "cost": ""}, "Missing or Invalid Cost"),
        ({"did": DID, "cid": CALLER, "cost": "-1"}, "Missing or Invalid Cost"),
        ({"did": DID, "cid": CALLER, "cost": "abc"}, "Missing or Invalid Cost"),
        ({"did": DID, "cid": CALLER, "cost": "1.23456"}, "Missing or Invalid Cost"),
        ({"did": DID, "cid": CALLER, "cost": "1e3"}, "Missing or Invalid Cost"),
        ({"did": DID, "cid": CALLER, "cost": "NaN"}, "Missing or Invalid Cost"),
        ({"did": DID, "cid": CALLER, "cost": True}, "Missing or Invalid Cost"),
        ({"did": DID, "cid": CALLER, "cost": "1", "date_billed": "yesterday"}, "Invalid Date"),
        ({"did": DID, "cid": CALLER, "cost": "1", "call_date": "2026-13-40"}, "Invalid Date"),
        (
            {"did": DID, "cid": CALLER, "cost": "1", "call_date": "2026-02-30 10:00:00"},
            "Invalid Date",
        ),
    ],
)
async def test_bad_input_is_a_400_with_the_tables_text(
    costs: CostWorld, body: dict[str, object], expected: str
) -> None:
    assert _error(await costs.post(json=body)) == (400, expected)
    assert await costs.cost_rows() == []


async def test_the_did_is_checked_before_the_cid_and_the_cost(costs: CostWorld) -> None:
    assert _error(await costs.post(json={})) == (400, "Missing or Invalid DID")


async def test_a_malformed_json_body_reads_as_empty(costs: CostWorld) -> None:
    answer = await costs.client.post(
        f"{PATH}/{DID}/{CALLER}",
        content=b'{"cost": "1"',
        headers={**costs.auth(), "content-type": "application/json"},
    )
    assert _error(answer) == (400, "Missing or Invalid Cost")


async def test_no_api_id(costs: CostWorld) -> None:
    answer = await costs.post(json={"api_key": "x"}, auth=False)
    assert _error(answer) == (401, "No API ID Provided")


async def test_no_api_key(costs: CostWorld) -> None:
    answer = await costs.post(json={"api_id": costs.credential.credential.public_id}, auth=False)
    assert _error(answer) == (401, "No API Key Provided")


async def test_unknown_id_and_wrong_key(costs: CostWorld) -> None:
    public_id = costs.credential.credential.public_id
    for api_id, api_key in (("nobody", costs.credential.secret), (public_id, "wrong")):
        answer = await costs.post(json={"api_id": api_id, "api_key": api_key}, auth=False)
        assert _error(answer) == (401, "Invalid API Credentials")


async def test_a_revoked_key(costs: CostWorld) -> None:
    from leadline.core.credentials import service as credentials

    async with costs.db.transaction() as session:
        found = await credentials.get_credential(session, costs.credential.credential.public_id)
        await credentials.revoke(session, found)
    assert _error(await costs.post(json={"cost": "1"})) == (401, "Invalid API Credentials")


async def test_a_key_of_another_scope(costs: CostWorld) -> None:
    other = await make_token(costs.db, costs.keyring, costs.account_id, Scope.PLATFORM)
    answer = await costs.post(
        headers=costs.auth(other),
        auth=False,
        json={"cost": "1"},
    )
    assert _error(answer) == (401, "Invalid API Credentials")


async def _switch_off(db: Database, account_id: int, **switches: bool) -> None:
    async with db.transaction() as session:
        await session.execute(update(Account).where(Account.id == account_id).values(**switches))


async def test_call_cost_ingress_switched_off(costs: CostWorld) -> None:
    await _switch_off(costs.db, costs.account_id, call_cost_ingress=False)
    body = {"did": DID, "cid": CALLER, "cost": "1"}
    assert _error(await costs.post(json=body)) == (403, "TLDialer Not Enabled")


async def test_no_call_log(costs: CostWorld) -> None:
    await _switch_off(costs.db, costs.account_id, call_log=False)
    body = {"did": DID, "cid": CALLER, "cost": "1"}
    assert _error(await costs.post(json=body)) == (403, "Advanced Call Log Not Enabled")


async def test_a_body_over_64_kib(costs: CostWorld) -> None:
    answer = await costs.post(json={"cost": "1", "notes": "x" * (65 * 1024)})
    assert _error(answer) == (413, "Request Too Large")


async def test_over_the_credentials_rate_limit(costs: CostWorld) -> None:
    limited = await make_token(
        costs.db,
        costs.keyring,
        costs.account_id,
        Scope.CALL_COSTS,
        rate_limit_per_second=1,
        rate_limit_burst=1,
    )
    headers = costs.auth(limited)
    body = {"did": DID, "cid": CALLER, "cost": "1"}
    first = await costs.post(json=body, headers=headers, auth=False)
    second = await costs.post(json=body, headers=headers, auth=False)
    assert first.status_code == 200
    assert _error(second) == (429, "Too Many Requests")
    assert int(second.headers["retry-after"]) >= 1


async def test_the_database_down_is_a_connection_error(
    settings: Settings, tmp_path: object, costs: CostWorld
) -> None:
    broken = Database("sqlite:////nonexistent-folder/leadline.db")
    app = create_app(settings, database=broken)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.10", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        answer = await http.post(PATH, headers=costs.auth(), json={"cost": "1"})
    await broken.dispose()
    assert _error(answer) == (503, "TLDialer Connection Error")


async def test_an_unexpected_failure_is_a_connection_error(app: FastAPI) -> None:
    @app.get(f"{PREFIX}boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        answer = await http.get(f"{PREFIX}boom")
    assert _error(answer) == (500, "TLDialer Connection Error")
    assert "secret internals" not in answer.text
