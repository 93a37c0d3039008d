"""Telephony backends by name (``Settings.telephony_backend``)."""

from __future__ import annotations

from leadline.config import Settings
from leadline.dialler.telephony.base import TelephonyBackend
from leadline.dialler.telephony.simulated import SimulatedBackend

BACKENDS = ("simulated", "sip")
#: Backends that call the agent first: they cannot run predictive campaigns.
AGENT_FIRST_BACKENDS = ("sip",)


class UnsupportedMode(ValueError):
    """A campaign's dialling mode the configured backend cannot dial."""


def check_mode(backend: str, dialling_mode: str) -> None:
    """Refuse a predictive campaign on an agent-first backend, saying why."""
    if backend in AGENT_FIRST_BACKENDS and dialling_mode == "predictive":
        raise UnsupportedMode(
            f"the {backend} telephony backend calls the agent first and has no media "
            "server to hold answered calls, so it cannot dial predictive campaigns; "
            "use preview or progressive"
        )


def make_backend(name: str, *, seed: int = 0, settings: Settings | None = None) -> TelephonyBackend:
    if name == "simulated":
        return SimulatedBackend(seed=seed)
    if name == "sip":
        from leadline.dialler.telephony.sip.backend import SipBackend, SipConfig

        return SipBackend(SipConfig.from_settings(settings or Settings()))
    raise ValueError(f"unknown telephony backend {name!r}; known: {', '.join(BACKENDS)}")
