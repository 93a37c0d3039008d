"""Telephony backends by name (``Settings.telephony_backend``)."""

from __future__ import annotations

from leadline.dialler.telephony.base import TelephonyBackend
from leadline.dialler.telephony.simulated import SimulatedBackend

BACKENDS = ("simulated",)


def make_backend(name: str, *, seed: int = 0) -> TelephonyBackend:
    if name == "simulated":
        return SimulatedBackend(seed=seed)
    raise ValueError(f"unknown telephony backend {name!r}; known: {', '.join(BACKENDS)}")
