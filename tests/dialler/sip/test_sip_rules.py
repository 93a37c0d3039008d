"""The sip backend's pure rules: SIP codes to dial statuses, the held SDP answer, the
predictive refusal, and its settings."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from leadline.config import Settings
from leadline.core.vocabulary import DialStatus
from leadline.db.engine import Database
from leadline.dialler.engine import DiallerEngine
from leadline.dialler.telephony import UnsupportedMode, check_mode, make_backend
from leadline.dialler.telephony.sip.backend import SipBackend, SipConfig
from leadline.dialler.telephony.sip.outcomes import dial_status_for
from leadline.dialler.telephony.sip.sdp import held_answer
from tests.dialler.conftest import make_floor

OFFER = (
    "v=0\r\no=agent 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
    "m=audio 40000 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
    "a=sendrecv\r\n"
)


@pytest.mark.parametrize(
    ("code", "status"),
    [
        (200, DialStatus.ANSWERED),
        (486, DialStatus.BUSY),
        (600, DialStatus.BUSY),
        (480, DialStatus.NO_ANSWER),
        (408, DialStatus.NO_ANSWER),
        (404, DialStatus.DISCONNECTED),
        (484, DialStatus.DISCONNECTED),
        (487, DialStatus.CANCELLED),
        (403, DialStatus.FAILED),
        (503, DialStatus.FAILED),
        (603, DialStatus.FAILED),
    ],
)
def test_sip_final_response_maps_to_its_dial_status(code: int, status: DialStatus) -> None:
    assert dial_status_for(code) == status


def test_held_answer_keeps_every_stream_and_sends_no_media() -> None:
    answer = held_answer(OFFER)

    lines = answer.splitlines()
    assert "m=audio 40000 RTP/AVP 0 8" in lines
    assert "c=IN IP4 0.0.0.0" in lines
    assert "a=inactive" in lines
    assert "a=sendrecv" not in lines
    assert "c=IN IP4 192.0.2.10" not in lines


def test_sip_backend_refuses_predictive_campaigns() -> None:
    with pytest.raises(UnsupportedMode, match="predictive"):
        check_mode("sip", "predictive")


@pytest.mark.parametrize("mode", ["preview", "progressive"])
def test_sip_backend_dials_preview_and_progressive(mode: str) -> None:
    check_mode("sip", mode)


def test_simulated_backend_dials_predictive() -> None:
    check_mode("simulated", "predictive")


def test_sip_settings_need_a_trunk() -> None:
    with pytest.raises(ValueError, match="LEADLINE_SIP_TRUNK"):
        Settings(telephony_backend="sip")


def test_sip_settings_build_the_backend_without_showing_the_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LEADLINE_SIP_TRUNK", "trunk.example:5080")
    monkeypatch.setenv("LEADLINE_SIP_TRUNK_USERNAME", "acme")
    monkeypatch.setenv("LEADLINE_SIP_TRUNK_PASSWORD", "s3cret-trunk")
    monkeypatch.setenv("LEADLINE_SIP_AGENTS", '{"12": "sip:anna@192.0.2.5:5060"}')
    settings = Settings()

    backend = make_backend("sip", settings=settings)

    assert isinstance(backend, SipBackend)
    assert backend.config.password == "s3cret-trunk"
    assert backend.config.agent_address(12) == "sip:anna@192.0.2.5:5060"
    assert backend.config.agent_address(13) is None
    assert "s3cret-trunk" not in repr(backend.config)
    assert "s3cret-trunk" not in repr(settings)


async def test_engine_on_the_sip_backend_dials_nothing_for_a_predictive_campaign(
    db: Database, tmp_path: Path, now: datetime
) -> None:
    floor = await make_floor(db, tmp_path, {}, dialling_mode="predictive")
    lead_id = await floor.lead("+447840258823", due=now)
    backend = SipBackend(SipConfig(trunk="127.0.0.1:9", bind_port=0))
    engine = DiallerEngine(
        db, identity="sip-worker", backend=backend, storage=floor.engine().storage
    )

    report = await engine.tick(now)

    assert report.started == 0 and report.dialled == 0
    assert await floor.attempts(lead_id) == []
    assert not backend.calls
