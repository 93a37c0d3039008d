"""Each credential form, their order, and IP and endpoint protection."""

from __future__ import annotations

import pytest

from leadline.core.vocabulary import Scope
from tests.adapters.call_costs.conftest import CALLER, DID, PATH, CostWorld
from tests.factories import make_token

BODY = {"did": DID, "cid": CALLER, "cost": "1"}


async def test_headers(costs: CostWorld) -> None:
    answer = await costs.post(json=BODY)
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(("id_name", "key_name"), [("api_id", "api_key"), ("api", "apikey")])
@pytest.mark.parametrize("where", ["json", "form", "query"])
async def test_parameters(costs: CostWorld, id_name: str, key_name: str, where: str) -> None:
    pair = {id_name: costs.credential.credential.public_id, key_name: costs.credential.secret}
    if where == "json":
        answer = await costs.post(json={**BODY, **pair}, auth=False)
    elif where == "form":
        answer = await costs.post(data={**BODY, **pair}, auth=False)
    else:
        answer = await costs.post(json=BODY, params=pair, auth=False)
    assert answer.status_code == 200, answer.text
    assert answer.json()["inserted"]["method_id"] == costs.credential.credential.public_id


async def test_headers_come_before_parameters(costs: CostWorld) -> None:
    answer = await costs.post(json={**BODY, "api_id": "nobody", "api_key": "wrong"})
    assert answer.status_code == 200, answer.text


async def test_api_id_comes_before_api(costs: CostWorld) -> None:
    pair = {"api_id": costs.credential.credential.public_id, "api_key": costs.credential.secret}
    answer = await costs.post(json={**BODY, **pair, "api": "nobody", "apikey": "wrong"}, auth=False)
    assert answer.status_code == 200, answer.text


async def test_the_method_id_is_the_credential_used(costs: CostWorld) -> None:
    other = await make_token(costs.db, costs.keyring, costs.account_id, Scope.CALL_COSTS)
    pair = {"api": other.credential.public_id, "apikey": other.secret}
    answer = await costs.post(json={**BODY, **pair}, auth=False)
    assert answer.json()["inserted"]["method_id"] == other.credential.public_id
    [row] = await costs.cost_rows()
    assert row.credential_id == other.credential.id


async def _post_with(costs: CostWorld, path: str = PATH, **options: object) -> int:
    issued = await make_token(
        costs.db, costs.keyring, costs.account_id, Scope.CALL_COSTS, **options
    )
    headers = costs.auth(issued)
    answer = await costs.post(path, json=BODY, headers=headers, auth=False)
    if answer.status_code != 200:
        assert answer.json()["error"] in {"IP Not Allowed", "Endpoint Not Allowed"}
    return answer.status_code


@pytest.mark.parametrize(
    ("rules", "status"),
    [
        (["203.0.113.10"], 200),
        (["203.0.113.0/24"], 200),
        (["198.51.100.7", "203.0.112.0/23"], 200),
        (["198.51.100.7"], 403),
        (["198.51.100.0/24", "2001:db8::/32"], 403),
    ],
)
async def test_ip_protection(costs: CostWorld, rules: list[str], status: int) -> None:
    assert await _post_with(costs, allowed_ips=rules) == status


async def test_ip_protection_answers_its_text(costs: CostWorld) -> None:
    issued = await make_token(
        costs.db, costs.keyring, costs.account_id, Scope.CALL_COSTS, allowed_ips=["10.0.0.0/8"]
    )
    headers = costs.auth(issued)
    answer = await costs.post(json=BODY, headers=headers, auth=False)
    assert (answer.status_code, answer.json()) == (403, {"error": "IP Not Allowed"})


@pytest.mark.parametrize("path", [PATH, f"{PATH}/{DID}", f"{PATH}/{DID}/{CALLER}"])
async def test_the_documented_endpoint_pattern_allows_every_form(
    costs: CostWorld, path: str
) -> None:
    rules = ["/api/ingress/calls/inbound/billable*"]
    assert await _post_with(costs, path, allowed_endpoints=rules) == 200


@pytest.mark.parametrize(
    ("rules", "status"),
    [
        (["/api/ingress/calls/inbound/billable"], 403),  # without the *: only the bare path
        (["/api/dialler/*"], 403),
        (["/api/dialler/*", "/api/ingress/*"], 200),
        (["/api/ingress/calls/*/billable/*"], 200),
    ],
)
async def test_endpoint_protection(costs: CostWorld, rules: list[str], status: int) -> None:
    assert await _post_with(costs, f"{PATH}/{DID}/{CALLER}", allowed_endpoints=rules) == status


async def test_endpoint_protection_answers_its_text(costs: CostWorld) -> None:
    issued = await make_token(
        costs.db,
        costs.keyring,
        costs.account_id,
        Scope.CALL_COSTS,
        allowed_endpoints=["/api/other*"],
    )
    headers = costs.auth(issued)
    answer = await costs.post(json=BODY, headers=headers, auth=False)
    assert (answer.status_code, answer.json()) == (403, {"error": "Endpoint Not Allowed"})


async def test_a_forwarded_address_counts_only_from_a_trusted_proxy(costs: CostWorld) -> None:
    issued = await make_token(
        costs.db, costs.keyring, costs.account_id, Scope.CALL_COSTS, allowed_ips=["192.0.2.1"]
    )
    headers = {**costs.auth(issued), "x-forwarded-for": "192.0.2.1"}
    answer = await costs.post(json=BODY, headers=headers, auth=False)
    assert answer.json() == {"error": "IP Not Allowed"}
