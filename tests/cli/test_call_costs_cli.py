"""The call-cost interface end to end from the CLI: a key made with ``leadline keys create``,
the demo's credentials and call, and ``leadline costs report``."""

from __future__ import annotations

import csv
import io
import json

import httpx

from leadline.app import create_app
from leadline.config import Settings
from leadline.db.engine import Database
from tests.cli.test_cli import _leadline

PATH = "/api/ingress/calls/inbound/billable"
CLI_SECRET = "cli-secret"


async def _post(
    settings: Settings, db: Database, path: str, headers: dict[str, str], body: dict[str, str]
) -> httpx.Response:
    app = create_app(settings.model_copy(update={"secret_key": CLI_SECRET}), database=db)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.10", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        return await http.post(path, headers=headers, json=body)


async def test_a_key_from_the_cli_works_with_its_protections(
    settings: Settings, db: Database
) -> None:
    made = _leadline(settings, "accounts", "create", "Tracking", "--region", "US")
    assert made.returncode == 0, made.stderr
    account_id = json.loads(_leadline(settings, "accounts", "list", "--json").stdout)[0]["id"]

    def key(*protections: str) -> dict[str, str]:
        created = _leadline(
            settings,
            "keys",
            "create",
            "-a",
            str(account_id),
            "--scope",
            "call-costs",
            *protections,
            "--json",
        )
        assert created.returncode == 0, created.stderr
        issued = json.loads(created.stdout)
        return {"tld-api-id": issued["id"], "tld-api-key": issued["secret"]}

    protected = key(
        "--allow-ip", "203.0.113.0/24", "--allow-endpoint", "/api/ingress/calls/inbound/billable*"
    )
    wrong_ip = key("--allow-ip", "10.0.0.0/8")
    wrong_endpoint = key("--allow-endpoint", "/api/dialler/*")
    body = {"did": "2015550100", "cid": "2025550123", "cost": "0.45"}

    allowed = await _post(settings, db, f"{PATH}/2015550100", protected, body)
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["inserted"]["method_id"] == protected["tld-api-id"]
    refused_ip = await _post(settings, db, PATH, wrong_ip, body)
    assert refused_ip.json() == {"error": "IP Not Allowed"}
    refused_path = await _post(settings, db, PATH, wrong_endpoint, body)
    assert refused_path.json() == {"error": "Endpoint Not Allowed"}


async def test_the_demo_credentials_attribute_a_cost_to_the_demo_call(
    settings: Settings, db: Database
) -> None:
    demo = _leadline(settings, "demo", "--json")
    assert demo.returncode == 0, demo.stderr
    output = json.loads(demo.stdout)
    headers = {"tld-api-id": output["cost_api_id"], "tld-api-key": output["cost_api_key"]}
    path = f"{PATH}/{output['cost_call_to']}/{output['cost_call_from']}"

    answer = await _post(settings, db, path, headers, {"cost": "12.5", "notes": "demo"})

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["inserted"]["attributed"] == "1"
    assert body["updated"] == 1
    assert body["lead"]["cost"] == "12.5000"
    assert body["lead"]["vendor_id"] == "demo"

    report = _leadline(settings, "costs", "report", "--account", str(output["account_id"]))
    assert report.returncode == 0, report.stderr
    rows = list(csv.DictReader(io.StringIO(report.stdout)))
    assert rows == [
        {
            "source": "demo",
            "campaign_id": str(output["campaign_ids"]["Round the clock"]),  # type: ignore[index]
            "campaign": "Round the clock",
            "attributed": "1",
            "calls": "1",
            "leads": "1",
            "cost": "12.5000",
        }
    ]


def test_a_bad_report_date_is_a_message(settings: Settings, db: Database) -> None:
    result = _leadline(settings, "costs", "report", "--account", "1", "--from", "July")
    assert result.returncode == 1
    assert "YYYY-MM-DD" in result.stderr
