"""The demo steps, in order. Each interface appends its own."""

from __future__ import annotations

from leadline.core.demo import base, call_costs, dialler, dialler_api, portal, softphone
from leadline.core.demo.builder import DemoStep

STEPS: list[DemoStep] = [
    base.account_and_people,
    base.campaigns_and_leads,
    base.credentials,
    portal.portal,
    call_costs.billable_call,
    dialler_api.lead_types_step,
    softphone.seed_callers,
    dialler.dialler,
]
