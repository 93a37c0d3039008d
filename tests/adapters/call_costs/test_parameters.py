"""Where each value is read from: aliases in order, body over query over path, the three
body formats, and the exact decimal cost."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tests.adapters.call_costs.conftest import CALLER, DID, PATH, CostWorld

OTHER = "+12015550199"

DID_ALIASES = ["inbound_number", "number_dialed", "call_to", "did"]
CID_ALIASES = ["phone_number", "phone", "cid", "call_from"]


@pytest.mark.parametrize("alias", DID_ALIASES)
async def test_each_did_alias_is_read(costs: CostWorld, alias: str) -> None:
    answer = await costs.post(json={alias: "(201) 555-0100", "cid": CALLER, "cost": "1"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["inserted"]["call_to"] == DID
    assert answer.json()["did"] == "(201) 555-0100"


@pytest.mark.parametrize("alias", CID_ALIASES)
async def test_each_cid_alias_is_read(costs: CostWorld, alias: str) -> None:
    answer = await costs.post(json={"did": DID, alias: "202-555-0123", "cost": "1"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["inserted"]["call_from"] == CALLER
    assert answer.json()["cid"] == "202-555-0123"


@pytest.mark.parametrize("position", range(len(DID_ALIASES) - 1))
async def test_an_earlier_did_alias_wins(costs: CostWorld, position: int) -> None:
    earlier, later = DID_ALIASES[position], DID_ALIASES[position + 1]
    body = {later: OTHER, earlier: DID, "cid": CALLER, "cost": "1"}
    answer = await costs.post(json=body)
    assert answer.json()["inserted"]["call_to"] == DID


@pytest.mark.parametrize("position", range(len(CID_ALIASES) - 1))
async def test_an_earlier_cid_alias_wins(costs: CostWorld, position: int) -> None:
    earlier, later = CID_ALIASES[position], CID_ALIASES[position + 1]
    body = {later: OTHER, earlier: CALLER, "did": DID, "cost": "1"}
    answer = await costs.post(json=body)
    assert answer.json()["inserted"]["call_from"] == CALLER


async def test_an_empty_alias_gives_way_to_the_next(costs: CostWorld) -> None:
    body = {"inbound_number": "", "number_dialed": " ", "did": DID, "cid": CALLER, "cost": "1"}
    answer = await costs.post(json=body)
    assert answer.json()["inserted"]["call_to"] == DID


async def test_the_path_segments_come_last(costs: CostWorld) -> None:
    from_path = await costs.post(f"{PATH}/{DID}/{CALLER}", json={"cost": "1"})
    assert from_path.json()["inserted"]["call_to"] == DID
    assert from_path.json()["inserted"]["call_from"] == CALLER

    overridden = await costs.post(
        f"{PATH}/{OTHER}/{OTHER}", json={"did": DID, "cid": CALLER, "cost": "1"}
    )
    assert overridden.json()["inserted"]["call_to"] == DID
    assert overridden.json()["inserted"]["call_from"] == CALLER


async def test_a_did_alone_in_the_path_takes_the_cid_from_the_body(costs: CostWorld) -> None:
    answer = await costs.post(f"{PATH}/{DID}", json={"phone": CALLER, "cost": "1"})
    assert answer.json()["inserted"]["call_to"] == DID
    assert answer.json()["inserted"]["call_from"] == CALLER


async def test_the_query_wins_over_the_path(costs: CostWorld) -> None:
    answer = await costs.post(
        f"{PATH}/{OTHER}/{OTHER}", params={"did": DID, "cid": CALLER, "cost": "1"}
    )
    assert answer.json()["inserted"]["call_to"] == DID
    assert answer.json()["inserted"]["call_from"] == CALLER


async def test_the_body_wins_over_the_query_for_the_same_name(costs: CostWorld) -> None:
    answer = await costs.post(
        params={"did": OTHER, "cid": OTHER, "cost": "9"},
        json={"did": DID, "cid": CALLER, "cost": "1"},
    )
    body = answer.json()
    assert body["inserted"]["call_to"] == DID
    assert body["inserted"]["call_from"] == CALLER
    assert body["cost"] == "1"


async def test_an_earlier_alias_in_the_query_wins_over_a_later_one_in_the_body(
    costs: CostWorld,
) -> None:
    answer = await costs.post(
        params={"inbound_number": DID}, json={"did": OTHER, "cid": CALLER, "cost": "1"}
    )
    assert answer.json()["inserted"]["call_to"] == DID


async def test_urlencoded_body(costs: CostWorld) -> None:
    answer = await costs.post(
        data={"did": DID, "cid": CALLER, "cost": "2.5", "notes": "form & more"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["inserted"]["cost"] == "2.5000"
    assert answer.json()["inserted"]["notes"] == "form & more"


async def test_multipart_body(costs: CostWorld) -> None:
    answer = await costs.post(
        data={"did": DID, "cid": CALLER, "cost": "2.5"},
        files={"attachment": ("a.txt", b"ignored", "text/plain")},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["inserted"]["call_to"] == DID


async def test_a_json_body_without_a_content_type(costs: CostWorld) -> None:
    answer = await costs.client.post(
        PATH,
        content=json.dumps({"did": DID, "cid": CALLER, "cost": "3"}).encode(),
        headers={**costs.auth(), "content-type": ""},
    )
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("3", "3.0000"),
        ("12.5", "12.5000"),
        ("0.05", "0.0500"),
        ("1.234", "1.2340"),
        ("0.0450", "0.0450"),
        ("9999.9999", "9999.9999"),
        ("0", "0.0000"),
    ],
)
async def test_costs_with_up_to_four_decimals_are_exact(
    costs: CostWorld, sent: str, stored: str
) -> None:
    answer = await costs.post(json={"did": DID, "cid": CALLER, "cost": sent})
    assert answer.json()["cost"] == sent
    assert answer.json()["inserted"]["cost"] == stored
    [row] = await costs.cost_rows()
    assert str(row.cost) == stored


async def test_a_json_number_cost_keeps_the_digits_it_was_sent_with(costs: CostWorld) -> None:
    raw = f'{{"did": "{DID}", "cid": "{CALLER}", "cost": 12.50, "notes": 7}}'
    answer = await costs.client.post(
        PATH, content=raw, headers={**costs.auth(), "content-type": "application/json"}
    )
    assert answer.json()["cost"] == "12.50"
    assert answer.json()["inserted"]["cost"] == "12.5000"
    assert answer.json()["inserted"]["notes"] == "7"


async def test_a_cost_whose_float_would_round_is_stored_exactly(costs: CostWorld) -> None:
    raw = f'{{"did": "{DID}", "cid": "{CALLER}", "cost": 0.1001}}'
    await costs.client.post(
        PATH, content=raw, headers={**costs.auth(), "content-type": "application/json"}
    )
    lead_free = await costs.post(json={"did": DID, "cid": "+12025550124", "cost": "0.2002"})
    assert lead_free.status_code == 200
    rows = await costs.cost_rows()
    assert sum(row.cost for row in rows) == Decimal("0.3003")


async def test_datetimes_are_read_in_the_accounts_zone_and_answered_in_it(
    costs: CostWorld,
) -> None:
    answer = await costs.post(
        json={
            "did": DID,
            "cid": CALLER,
            "cost": "1",
            "date_billed": "2026-07-01 12:00:00",
            "call_date": "2026-07-01T15:30:00Z",
        }
    )
    inserted = answer.json()["inserted"]
    assert inserted["date_billed"] == "2026-07-01 12:00:00"
    assert inserted["call_date"] == "2026-07-01 11:30:00"
    [row] = await costs.cost_rows()
    assert row.date_billed.isoformat() == "2026-07-01T16:00:00+00:00"


async def test_unix_seconds_and_offsets(costs: CostWorld) -> None:
    answer = await costs.post(
        json={
            "did": DID,
            "cid": CALLER,
            "cost": "1",
            "date_billed": "1782907200",
            "call_date": "2026-07-01T12:00:00+02:00",
        }
    )
    inserted = answer.json()["inserted"]
    assert inserted["date_billed"] == "2026-07-01 08:00:00"
    assert inserted["call_date"] == "2026-07-01 06:00:00"


async def test_notes_over_two_thousand_characters_are_cut(costs: CostWorld) -> None:
    answer = await costs.post(json={"did": DID, "cid": CALLER, "cost": "1", "notes": "n" * 2500})
    assert answer.status_code == 200
    assert answer.json()["inserted"]["notes"] == "n" * 2000


async def test_the_success_body_types_every_value_as_the_seed(costs: CostWorld) -> None:
    lead = await costs.lead(CALLER)
    await costs.call(lead=lead)
    body = (await costs.post(f"{PATH}/{DID}/{CALLER}", json={"cost": "3"})).json()
    assert list(body) == [
        "cid", "did", "cost", "cost_id", "inserted", "updated", "lead", "first_contact"
    ]  # fmt: skip
    assert isinstance(body["updated"], int)
    for key in ("cid", "did", "cost", "cost_id", "first_contact"):
        assert isinstance(body[key], str), key
    assert all(isinstance(value, str) for value in body["inserted"].values())
    assert all(isinstance(value, str) for value in body["lead"].values())
    assert body["inserted"]["method"] == "ingress"
    assert body["inserted"]["method_id"] == costs.credential.credential.public_id
    assert body["inserted"]["ip_address"] == "203.0.113.10"
    assert body["inserted"]["attributable"] == "1"
    assert body["inserted"]["calculatable"] == "0"
