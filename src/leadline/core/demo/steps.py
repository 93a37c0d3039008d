"""The demo steps, in order. Each interface appends its own."""

from __future__ import annotations

from leadline.core.demo import base, dialler
from leadline.core.demo.builder import DemoStep

STEPS: list[DemoStep] = [
    base.account_and_people,
    base.campaigns_and_leads,
    base.credentials,
    dialler.dialler,
]
