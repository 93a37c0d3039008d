"""The CLI against a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from leadline.config import Settings


def _leadline(
    settings: Settings, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "LEADLINE_DATABASE_URL": settings.database_url,
        "LEADLINE_VAR_DIR": str(settings.var_dir),
        "LEADLINE_SECRET_KEY": "cli-secret",
        "LEADLINE_LOG_FORMAT": "console",
    }
    return subprocess.run(
        [sys.executable, "-m", "leadline.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
        check=False,
    )


@pytest.fixture
def cli_settings(settings: Settings, db: object) -> Settings:  # db: the store is migrated and empty
    return settings


def test_demo_is_idempotent_and_prints_working_secrets(cli_settings: Settings) -> None:
    first = _leadline(cli_settings, "demo", "--json")
    assert first.returncode == 0, first.stderr
    second = _leadline(cli_settings, "demo", "--json")
    assert second.returncode == 0, second.stderr
    one, two = json.loads(first.stdout), json.loads(second.stdout)
    assert one == two
    for key in (
        "account_id",
        "dialler_key",
        "cost_api_id",
        "cost_api_key",
        "platform_token",
        "softphone_login",
        "softphone_password",
        "console_login",
        "console_password",
        "portal_hook_token",
    ):
        assert one[key], key
    assert one["softphone_login"] == "12345" and one["softphone_password"] == "999999"


def test_accounts_users_campaigns_and_keys(cli_settings: Settings) -> None:
    made = _leadline(
        cli_settings,
        "accounts",
        "create",
        "Estate Co",
        "--timezone",
        "Europe/Rome",
        "--region",
        "IT",
    )
    assert made.returncode == 0, made.stderr
    listed = json.loads(_leadline(cli_settings, "accounts", "list", "--json").stdout)
    account_id = str(listed[0]["id"])
    user = _leadline(
        cli_settings,
        "users",
        "create",
        "-a",
        account_id,
        "mario",
        "--password",
        "s3cret-pass",
        "--role",
        "admin",
    )
    assert user.returncode == 0, user.stderr
    campaign = _leadline(cli_settings, "campaigns", "create", "-a", account_id, "Sales")
    assert campaign.returncode == 0, campaign.stderr
    assert "Sales" in _leadline(cli_settings, "campaigns", "list", "-a", account_id).stdout
    key = _leadline(
        cli_settings,
        "keys",
        "create",
        "-a",
        account_id,
        "--scope",
        "platform",
        "--allow-ip",
        "10.0.0.0/8",
        "--json",
    )
    assert key.returncode == 0, key.stderr
    issued = json.loads(key.stdout)
    assert issued["token"] == f"{issued['id']}.{issued['secret']}"
    revoked = _leadline(cli_settings, "keys", "revoke", issued["id"])
    assert revoked.returncode == 0, revoked.stderr


def test_bad_input_is_a_message_not_a_traceback(cli_settings: Settings) -> None:
    result = _leadline(cli_settings, "accounts", "create", "X", "--timezone", "Mars/Base")
    assert result.returncode == 1
    assert "unknown time zone" in result.stderr
    assert "Traceback" not in result.stderr


def test_db_upgrade_creates_a_fresh_sqlite_store(tmp_path: Path, settings: Settings) -> None:
    fresh = settings.model_copy(update={"database_url": f"sqlite:///{tmp_path}/new/fresh.db"})
    (tmp_path / "new").mkdir()
    result = _leadline(fresh, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "new" / "fresh.db").exists()
