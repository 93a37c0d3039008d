"""Calls through the real engine and the sip backend, against SIPp playing the agent's
softphone and the customer behind the trunk (scenarios in ``scenarios/``). Each test
checks what SIPp saw (its scenario ran to the end: the right requests, in order) and
what the store holds afterwards (attempt, activity, lead)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pytest

from leadline.core.vocabulary import DialStatus, LeadStatus
from leadline.db.models import DialAttempt
from tests.dialler.sip.conftest import CUSTOMER, SipFloor, Sipp

pytestmark = pytest.mark.sip


def _over(attempt: DialAttempt) -> bool:
    return attempt.state not in ("dialling", "connected")


def _connected(attempt: DialAttempt) -> bool:
    return attempt.state == "connected"


def _clean(result: tuple[int, str]) -> None:
    code, complaints = result
    assert code == 0, complaints


@dataclass
class Call:
    attempt: DialAttempt
    lead_id: int
    agent: Sipp
    customer: Sipp

    def both_clean(self) -> None:
        """Both SIPp scenarios ran to their end (every request they wait for came)."""
        _clean(self.customer.finish())
        _clean(self.agent.finish())


async def _dial(
    sip: SipFloor,
    ports: tuple[int, int],
    now: datetime,
    *,
    agent: str = "agent_answers.xml",
    customer: str,
    until: Callable[[DialAttempt], bool] = _over,
) -> Call:
    """Dial one due lead against the two scenarios, ticking until ``until``."""
    agent_port, customer_port = ports
    lead_id = await sip.floor.lead(CUSTOMER, due=now)
    agent_peer = sip.peer(agent, agent_port)
    customer_peer = sip.peer(customer, customer_port)
    attempt = await sip.tick_until(until, lead_id=lead_id)
    return Call(attempt, lead_id, agent_peer, customer_peer)


async def _unanswered(
    sip: SipFloor, ports: tuple[int, int], scenario: str, now: datetime
) -> tuple[DialAttempt, int]:
    """Dial one lead whose customer leg ends with ``scenario``; (attempt, lead id)."""
    call = await _dial(sip, ports, now, customer=scenario)
    # The agent's 200 OK is acknowledged (with a held answer) and the agent hung up.
    call.both_clean()
    return call.attempt, call.lead_id


async def test_answered_call_connects_agent_and_customer_then_hangs_up_both(
    sip_floor: SipFloor, ports: tuple[int, int], now: datetime
) -> None:
    call = await _dial(sip_floor, ports, now, customer="customer_answers.xml", until=_connected)

    attempt, lead_id = call.attempt, call.lead_id
    assert attempt.agent_id == sip_floor.agent_id
    assert attempt.answered_at is not None
    assert attempt.backend_call_id is not None
    lead = await sip_floor.lead(lead_id)
    assert lead.locked_by is not None  # held for the agent
    # The dialler stops: both legs get a BYE, and both SIPp scenarios end cleanly.
    sip_floor.backend.close()
    call.both_clean()


async def test_customer_hang_up_ends_the_agent_leg_and_the_attempt_as_answered(
    sip_floor: SipFloor, ports: tuple[int, int], now: datetime
) -> None:
    call = await _dial(sip_floor, ports, now, customer="customer_hangs_up.xml")

    call.both_clean()  # the agent got the BYE
    attempt, lead_id = call.attempt, call.lead_id
    assert attempt.dial_status_id == DialStatus.ANSWERED
    assert attempt.answered_at is not None and attempt.hangup_at is not None
    assert attempt.hangup_at >= attempt.answered_at
    activity = await sip_floor.activity(attempt)
    assert activity.data["dialStatusName"] == "Answered"
    assert activity.data["reason"] == "customer-hung-up"
    lead = await sip_floor.lead(lead_id)
    assert lead.completed_at is None
    assert lead.dialable_at is not None and lead.dialable_at > now + timedelta(minutes=10)


async def test_agent_hang_up_ends_the_customer_leg_and_the_attempt_as_answered(
    sip_floor: SipFloor, ports: tuple[int, int], now: datetime
) -> None:
    call = await _dial(
        sip_floor, ports, now, agent="agent_hangs_up.xml", customer="customer_answers.xml"
    )

    call.both_clean()  # the customer got the BYE
    attempt = call.attempt
    assert attempt.dial_status_id == DialStatus.ANSWERED
    activity = await sip_floor.activity(attempt)
    assert activity.data["reason"] == "agent-hung-up"
    assert activity.agent_id == sip_floor.agent_id


async def test_busy_customer_is_retried_later_as_busy(
    sip_floor: SipFloor, ports: tuple[int, int], now: datetime
) -> None:
    attempt, lead_id = await _unanswered(sip_floor, ports, "customer_busy.xml", now)

    assert attempt.dial_status_id == DialStatus.BUSY
    activity = await sip_floor.activity(attempt)
    assert activity.data["dialStatusName"] == "Busy"
    assert activity.data["reason"] == "sip-486"
    lead = await sip_floor.lead(lead_id)
    assert lead.status_code == LeadStatus.BUSY
    assert lead.attempts == 1
    assert lead.completed_at is None
    assert lead.locked_by is None


async def test_customer_who_does_not_answer_is_cancelled_at_the_ring_timeout(
    sip_floor: SipFloor, ports: tuple[int, int], now: datetime
) -> None:
    attempt, lead_id = await _unanswered(sip_floor, ports, "customer_no_answer.xml", now)

    assert attempt.dial_status_id == DialStatus.NO_ANSWER
    activity = await sip_floor.activity(attempt)
    assert activity.data["reason"] == "ring-timeout"
    lead = await sip_floor.lead(lead_id)
    assert lead.status_code == LeadStatus.NO_ANSWER
    assert lead.attempts == 1


async def test_unknown_number_closes_the_lead_as_invalid(
    sip_floor: SipFloor, ports: tuple[int, int], now: datetime
) -> None:
    attempt, lead_id = await _unanswered(sip_floor, ports, "customer_invalid.xml", now)

    assert attempt.dial_status_id == DialStatus.DISCONNECTED
    lead = await sip_floor.lead(lead_id)
    assert lead.status_code == LeadStatus.INVALID_NUMBER
    assert lead.completed_at is not None


@pytest.mark.parametrize("scenario", ["trunk_challenges_401.xml", "trunk_challenges_407.xml"])
async def test_trunk_digest_challenge_is_answered_with_the_configured_credentials(
    sip_floor: SipFloor, ports: tuple[int, int], now: datetime, scenario: str
) -> None:
    call = await _dial(sip_floor, ports, now, customer=scenario, until=_connected)

    assert call.attempt.answered_at is not None
    sip_floor.backend.close()
    call.both_clean()


@pytest.mark.parametrize("stop", ["campaign-paused", "agent-unavailable"])
async def test_a_ringing_call_is_cancelled_without_counting_when_campaign_or_agent_stops(
    sip_floor: SipFloor, ports: tuple[int, int], now: datetime, stop: str
) -> None:
    agent_port, customer_port = ports
    # Long enough to ring until the stop, so the stop, not the timeout, ends it.
    sip_floor.backend.config = replace(sip_floor.backend.config, ring_timeout=15.0)
    lead_id = await sip_floor.floor.lead(CUSTOMER, due=now)
    agent = sip_floor.peer("agent_answers.xml", agent_port)
    customer = sip_floor.peer("customer_no_answer.xml", customer_port)
    await sip_floor.tick_until(lambda attempt: attempt.backend_call_id is not None, lead_id=lead_id)
    await _customer_ringing(sip_floor)

    if stop == "campaign-paused":
        await sip_floor.floor.configure(is_active=False)
    else:
        await sip_floor.floor.set_available(sip_floor.agent_id, False)
    attempt = await sip_floor.tick_until(_over, lead_id=lead_id)

    _clean(customer.finish())  # CANCEL, 487, ACK
    _clean(agent.finish())  # held answer in the ACK, then BYE
    assert attempt.dial_status_id == DialStatus.CANCELLED
    activity = await sip_floor.activity(attempt)
    assert activity.data["reason"] == stop
    lead = await sip_floor.lead(lead_id)
    assert lead.attempts == 0
    assert lead.locked_by is None


async def _customer_ringing(sip: SipFloor, within: float = 5.0) -> None:
    """Wait until the customer's leg has had its 180 Ringing."""

    def ringing() -> bool:
        return any(
            call.customer is not None and call.customer.state.sname == "Ringing(UAC)"
            for call in sip.backend.calls.values()
        )

    deadline = time.monotonic() + within
    while not ringing():
        assert time.monotonic() < deadline, "the customer's phone never rang"
        await asyncio.sleep(0.05)


async def test_sip_caller_id_is_the_campaigns(
    sip_floor: SipFloor, ports: tuple[int, int], now: datetime
) -> None:
    # The customer scenario only answers an INVITE whose From user is the campaign's.
    attempt, _ = await _unanswered(sip_floor, ports, "customer_checks_caller_id.xml", now)

    assert attempt.dial_status_id == DialStatus.BUSY
