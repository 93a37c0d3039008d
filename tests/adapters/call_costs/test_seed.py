"""The seed's own example and the two platforms' requests, replayed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.adapters.call_costs.conftest import CALLER, DID, PATH, CostWorld

FIXTURES = Path(__file__).parent / "fixtures"


def _fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def _shape(document: Any) -> Any:
    """Keys and value types, the values themselves left out."""
    if isinstance(document, dict):
        return {key: _shape(value) for key, value in document.items()}
    return type(document).__name__


async def test_the_seeds_request_gets_the_seeds_answer(costs: CostWorld) -> None:
    lead = await costs.lead(CALLER)
    await costs.call(lead=lead)

    answer = await costs.post(f"{PATH}/{DID}/{CALLER}", json=_fixture("seed_request.json"))

    assert answer.status_code == 200, answer.text
    body = answer.json()
    seed = _fixture("seed_success.json")
    assert _shape(body) == _shape(seed)
    assert list(body) == list(seed)
    assert list(body["inserted"]) == list(seed["inserted"])
    assert (body["cid"], body["did"], body["cost"]) == (CALLER, DID, "0.45")
    assert body["inserted"]["method"] == seed["inserted"]["method"]
    assert body["inserted"]["attributable"] == seed["inserted"]["attributable"]
    assert body["inserted"]["calculatable"] == seed["inserted"]["calculatable"]
    assert body["lead"]["cost"] == "0.4500"


async def test_a_ringba_pixel(costs: CostWorld) -> None:
    pixel = _fixture("ringba_pixel.json")
    lead = await costs.lead(CALLER)
    await costs.call(lead=lead)

    first = await costs.post(pixel["path"], json=pixel["json"], headers=pixel["headers"])
    fired_again = await costs.post(pixel["path"], json=pixel["json"], headers=pixel["headers"])

    assert first.status_code == 200, first.text
    assert first.json()["lead"]["cost"] == "35.0000"
    assert first.json()["cost"] == "35.00"
    assert fired_again.json() == first.json()
    assert len(await costs.cost_rows()) == 1


async def test_a_retreaver_webhook(costs: CostWorld) -> None:
    hook = _fixture("retreaver_webhook.json")
    lead = await costs.lead(CALLER)
    await costs.call(lead=lead, started_at=datetime(2026, 7, 1, 11, 58, tzinfo=UTC))
    credentials = {
        "api": costs.credential.credential.public_id,
        "apikey": costs.credential.secret,
    }

    answer = await costs.post(hook["path"], params={**hook["params"], **credentials}, auth=False)

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["inserted"]["call_to"] == DID and body["inserted"]["call_from"] == CALLER
    assert body["inserted"]["call_date"] == "2026-07-01 08:00:00"
    assert body["updated"] == 1 and body["first_contact"] == "1"
    assert body["lead"]["cost"] == "12.5000"
