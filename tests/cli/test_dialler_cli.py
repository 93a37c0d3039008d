"""``leadline dialler`` against a real store: the demo's campaign is dialled by a tick
and shows up in the status."""

from __future__ import annotations

import json

from leadline.config import Settings
from tests.cli.test_cli import _leadline, cli_settings  # noqa: F401 - the fixture


def test_a_tick_dials_the_demo_and_status_reports_it(
    cli_settings: Settings,  # noqa: F811
) -> None:
    assert _leadline(cli_settings, "demo", "--json").returncode == 0
    ticked = _leadline(cli_settings, "dialler", "tick")
    assert ticked.returncode == 0, ticked.stderr
    assert "started=2" in ticked.stdout  # anna@demo and ben@demo, one call each
    status = _leadline(cli_settings, "dialler", "status", "--json")
    assert status.returncode == 0, status.stderr
    body = json.loads(status.stdout)
    [round_the_clock] = [c for c in body["campaigns"] if c["name"] == "Round the clock"]
    assert round_the_clock["mode"] == "progressive"
    assert round_the_clock["dialled_today"] == 2
    assert round_the_clock["calls_live"] == 2
    assert body["engine"]["backend"] == "simulated"


def test_reschedule_moves_open_leads_into_the_hours(cli_settings: Settings) -> None:  # noqa: F811
    demo = json.loads(_leadline(cli_settings, "demo", "--json").stdout)
    campaign_id = demo["dialler_campaign_id"]
    result = _leadline(
        cli_settings, "dialler", "reschedule", "-a", str(demo["account_id"]), str(campaign_id)
    )
    assert result.returncode == 0, result.stderr
    assert "72 open leads rescheduled" in result.stdout
