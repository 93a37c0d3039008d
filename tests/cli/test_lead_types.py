"""``leadline lead-types`` against a real store."""

from __future__ import annotations

import json

from leadline.config import Settings
from leadline.db.engine import Database
from tests.cli.test_cli import _leadline
from tests.factories import make_world


async def test_create_map_and_list_a_lead_type(settings: Settings, db: Database) -> None:
    world = await make_world(db)
    account = str(world.account.id)
    made = _leadline(
        settings,
        *("lead-types", "create", "-a", account, "motor-trade"),
        *("--campaign", str(world.campaign.id), "--window", "7"),
    )
    assert made.returncode == 0, made.stderr
    mapped = _leadline(
        settings,
        *("lead-types", "map-subtype", "-a", account, "motor-trade", "valeter"),
        *("--list", str(world.lead_list.id)),
    )
    assert mapped.returncode == 0, mapped.stderr
    listed = _leadline(settings, "lead-types", "list", "-a", account, "--json")
    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)
    assert row["code"] == "motor-trade"
    assert row["campaign_id"] == world.campaign.id
    assert row["duplicate_window_days"] == 7
    assert row["subtype_lists"] == {"valeter": world.lead_list.id}


async def test_a_second_type_with_one_code_is_refused(settings: Settings, db: Database) -> None:
    world = await make_world(db)
    args = ("lead-types", "create", "-a", str(world.account.id), "motor-trade")
    campaign = ("--campaign", str(world.campaign.id))
    assert _leadline(settings, *args, *campaign).returncode == 0
    again = _leadline(settings, *args, *campaign)
    assert again.returncode == 1
    assert "already exists" in again.stderr
