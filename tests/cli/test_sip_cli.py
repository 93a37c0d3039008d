"""``leadline sip-demo`` places a real call against SIPp; campaign commands refuse a
predictive campaign when the sip backend is configured."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from leadline.config import Settings
from tests.cli.test_cli import _leadline, cli_settings  # noqa: F401 - the fixture
from tests.conftest import require_tool


@pytest.mark.sip
def test_sip_demo_places_an_answered_call_through_the_dialler() -> None:
    require_tool("/usr/bin/sipp", "SIPp")
    result = subprocess.run(
        [sys.executable, "-m", "leadline.cli", "sip-demo"],
        env={**os.environ, "LEADLINE_LOG_FORMAT": "console"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Answered" in result.stdout
    assert "agent-hung-up" in result.stdout


def test_creating_a_predictive_campaign_is_refused_on_the_sip_backend(
    cli_settings: Settings,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    demo = json.loads(_leadline(cli_settings, "demo", "--json").stdout)
    monkeypatch.setenv("LEADLINE_TELEPHONY_BACKEND", "sip")
    monkeypatch.setenv("LEADLINE_SIP_TRUNK", "127.0.0.1:5080")

    refused = _leadline(
        cli_settings,
        "campaigns",
        "create",
        "-a",
        str(demo["account_id"]),
        "Fast",
        "--mode",
        "predictive",
    )
    allowed = _leadline(
        cli_settings,
        "campaigns",
        "create",
        "-a",
        str(demo["account_id"]),
        "Steady",
        "--mode",
        "progressive",
    )

    assert refused.returncode == 1
    assert "cannot dial predictive campaigns" in refused.stderr
    assert allowed.returncode == 0, allowed.stderr
