"""``/costs``: the cost views over days of the account's zone, the chart, the unattributed
costs and the CSV export of the view shown; admins only."""

from __future__ import annotations

import csv
import io

import httpx

from leadline.db.engine import Database
from tests.core.costs.priced import priced_world
from tests.factories import World
from tests.web.conftest import sign_in

DAY = {"from": "2026-01-15", "to": "2026-01-15"}


async def test_per_source_page_shows_exact_amounts_and_a_chart(
    client: httpx.AsyncClient, db: Database
) -> None:
    priced = await priced_world(db)
    await sign_in(client, priced.world.admin.login, "admin-pass")
    page = await client.get("/costs", params={"by": "source", **DAY})
    assert page.status_code == 200
    html = page.text
    assert '<dd class="total-cost">1.99</dd>' in html
    assert '<svg class="bar-chart" role="img"' in html and '<title id="chart-svg-title">' in html
    assert "idealista: 1.00; immobiliare.it: 0.62; web: 0.30; edge: 0.07." in html
    assert '<th scope="row">immobiliare.it</th>' in html
    assert "no such call" in html and "2.50 (1)" in html


async def test_csv_export_holds_the_view(client: httpx.AsyncClient, db: Database) -> None:
    priced = await priced_world(db)
    await sign_in(client, priced.world.admin.login, "admin-pass")
    page = await client.get("/costs", params={"by": "agency", **DAY})
    assert 'href="/costs.csv?by=agency&amp;from=2026-01-15&amp;to=2026-01-15"' in page.text
    export = await client.get("/costs.csv", params={"by": "agency", **DAY})
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert "costs-agency-2026-01-15-2026-01-15.csv" in export.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(export.text)))
    assert rows == [
        ["agency", "key", "calls", "leads", "cost", "cost_per_lead"],
        ["Immobili", str(priced.agencies[1]), "1", "1", "1.0001", "1.00"],
        ["Casa Srl", str(priced.agencies[0]), "2", "1", "0.6234", "0.62"],
        ["(no agency)", "", "2", "1", "0.3700", "0.37"],
        ["(total)", "", "5", "3", "1.9935", "0.66"],
        ["(unattributed)", "", "1", "", "2.5000", ""],
    ]


async def test_the_range_is_days_of_the_accounts_zone(
    client: httpx.AsyncClient, db: Database
) -> None:
    priced = await priced_world(db)
    await sign_in(client, priced.world.admin.login, "admin-pass")
    export = await client.get(
        "/costs.csv", params={"by": "source", "from": "2026-01-16", "to": "2026-01-16"}
    )
    rows = list(csv.reader(io.StringIO(export.text)))
    assert rows[1] == ["edge", "edge", "1", "1", "0.0900", "0.09"]
    assert rows[2][0] == "(total)" and rows[2][4] == "0.0900"


async def test_bad_dates_are_said_next_to_the_field(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    await sign_in(client, world.admin.login, "admin-pass")
    page = await client.get(
        "/costs", params={"from": "2026-13-01", "to": "yesterday", "by": "planet"}
    )
    assert page.status_code == 400
    for name in ("from", "to", "by"):
        assert f'id="f-{name}-error"' in page.text
    backwards = await client.get("/costs", params={"from": "2026-02-01", "to": "2026-01-01"})
    assert backwards.status_code == 400 and "comes after" in backwards.text


async def test_an_empty_range_says_what_to_do(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    await sign_in(client, world.admin.login, "admin-pass")
    page = await client.get("/costs")
    assert page.status_code == 200
    assert "No call matched to a cost was billed in these days" in page.text
    assert "<svg" not in page.text


async def test_another_accounts_costs_are_not_shown(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    await priced_world(db, name="Rival")
    await sign_in(client, world.admin.login, "admin-pass")
    export = await client.get("/costs.csv", params={"by": "source", **DAY})
    rows = list(csv.reader(io.StringIO(export.text)))
    assert rows[1:] == [
        ["(total)", "", "0", "0", "0.0000", ""],
        ["(unattributed)", "", "0", "", "0.0000", ""],
    ]


async def test_an_agent_is_refused(client: httpx.AsyncClient, world: World) -> None:
    await sign_in(client, world.agent.login, "agent-pass")
    assert (await client.get("/costs")).status_code == 403
    assert (await client.get("/costs.csv")).status_code == 403
