"""``leadline hooks|agencies|listings`` against a real store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leadline.config import Settings
from tests.cli.test_cli import _leadline


@pytest.fixture
def cli_settings(settings: Settings, db: object) -> Settings:  # db: the store is migrated and empty
    return settings


def _ok(settings: Settings, *args: str) -> str:
    done = _leadline(settings, *args)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def test_hooks_agencies_and_listings(cli_settings: Settings, tmp_path: Path) -> None:
    _ok(cli_settings, "accounts", "create", "Casa", "--timezone", "Europe/Rome", "--region", "IT")
    account = str(json.loads(_ok(cli_settings, "accounts", "list", "--json"))[0]["id"])
    _ok(cli_settings, "campaigns", "create", "-a", account, "Call-backs", "--mode", "preview")
    hook = json.loads(
        _ok(
            cli_settings,
            "hooks",
            "create",
            "-a",
            account,
            "--name",
            "immobiliare",
            "--allow-ip",
            "203.0.113.0/24",
            "--json",
        )
    )
    assert len(hook["token"]) >= 22 and hook["allowed_ips"] == ["203.0.113.0/24"]
    _ok(cli_settings, "hooks", "update", "-a", account, str(hook["id"]), "--any-ip")
    hooks = json.loads(_ok(cli_settings, "hooks", "list", "-a", account, "--json"))
    assert hooks[0]["allowed_ips"] == [] and "token" not in hooks[0]

    _ok(cli_settings, "agencies", "create", "-a", account, "1234", "--portal-id", "5678")
    _ok(cli_settings, "listings", "create", "-a", account, "--agency", "1234", "ES-RIF-001")
    csv_file = tmp_path / "listings.csv"
    csv_file.write_text(
        "agency,reference,portal_id,title,enabled\n"
        "1234,ES-RIF-001,87654321,Flat in Rome,yes\n"
        "1234,ES-RIF-002,87654322,Loft,no\n"
    )
    imported = _ok(cli_settings, "listings", "import", "-a", account, str(csv_file))
    assert "1 created, 1 updated" in imported
    listings = json.loads(_ok(cli_settings, "listings", "list", "-a", account, "--json"))
    by_ref = {row["external_id"]: row for row in listings}
    assert by_ref["ES-RIF-001"]["portal_listing_id"] == 87654321
    assert by_ref["ES-RIF-002"]["enabled"] is False

    agencies = json.loads(_ok(cli_settings, "agencies", "list", "-a", account, "--json"))
    _ok(cli_settings, "agencies", "disable", "-a", account, str(agencies[0]["id"]))
    agencies = json.loads(_ok(cli_settings, "agencies", "list", "-a", account, "--json"))
    assert agencies[0]["enabled"] is False

    duplicate = _leadline(cli_settings, "agencies", "create", "-a", account, "1234")
    assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
