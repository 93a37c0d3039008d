"""The ``sip`` telephony backend: agent-first third-party call control (RFC 3725).

For each attempt the dialler first calls the agent's SIP address with an INVITE that
carries no SDP; the agent's 200 OK carries the offer, which goes in the INVITE to the
customer through the trunk; the customer's 200 OK carries the answer, which goes in
the ACK to the agent (RFC 3725 §4.1, "Flow I"). Both legs then talk directly; the
dialler stays in the signalling path only, so it hangs up either leg when the other
ends, and cancels what still rings when the engine withdraws the call.

The SIP work happens on sippy's reactor thread (``stack``); the engine's coroutines hand
it work with ``stack.call`` and read what happened from a thread-safe queue in ``poll``.
Calls answered by nobody cannot wait anywhere (there is no media server), so this
backend is for preview and progressive campaigns only (``agent_first``).
"""

from __future__ import annotations

import itertools
import queue
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from leadline.config import Settings
from leadline.core import clock
from leadline.core.vocabulary import DialStatus
from leadline.dialler.telephony.base import CallEvent, CallEventKind, OriginateRequest
from leadline.dialler.telephony.sip import stack
from leadline.dialler.telephony.sip.outcomes import dial_status_for
from leadline.logging import get_logger

log = get_logger("leadline.dialler.sip")


@dataclass(frozen=True)
class SipConfig:
    """Where calls go and how long they may ring (``Settings.sip_*``)."""

    trunk: str
    agents: Mapping[str, str] = field(default_factory=dict)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    bind_address: str = "127.0.0.1"
    bind_port: int = 5060
    ring_timeout: float = 30.0
    agent_timeout: float = 20.0
    caller_id: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> SipConfig:
        if not settings.sip_trunk:
            raise ValueError("the sip telephony backend needs LEADLINE_SIP_TRUNK (host[:port])")
        return cls(
            trunk=settings.sip_trunk,
            agents=dict(settings.sip_agents),
            username=settings.sip_trunk_username or None,
            password=settings.sip_trunk_password.get_secret_value() or None,
            bind_address=settings.sip_bind_address,
            bind_port=settings.sip_bind_port,
            ring_timeout=settings.sip_ring_timeout_seconds,
            agent_timeout=settings.sip_agent_timeout_seconds,
            caller_id=settings.sip_caller_id or None,
        )

    def agent_address(self, agent_id: int | None) -> str | None:
        if agent_id is None:
            return None
        return self.agents.get(str(agent_id))


def _hop(address: str) -> tuple[tuple[str, int], str | None]:
    """The (host, port) to send to, and the user part, of a SIP address or host[:port]."""
    from sippy.SipURL import SipURL

    text = address if address.lower().startswith(("sip:", "sips:")) else f"sip:{address}"
    url = SipURL(text)
    return (str(url.host), int(url.port or 5060)), url.username


def _number(options: Mapping[str, object], key: str, default: float) -> float:
    raw = options.get("sip")
    value = raw.get(key) if isinstance(raw, dict) else None
    return float(value) if isinstance(value, int | float) and value > 0 else default


@dataclass
class _Call:
    """One attempt's two legs; touched only on the reactor thread after ``originate``."""

    call_id: str
    attempt_id: int
    number: str
    caller_id: str | None
    ring_timeout: float
    state: str = "agent"  # agent → customer → up → over
    agent: Any = None
    customer: Any = None
    withdrawn: bool = False


class SipBackend:
    name = "sip"
    #: The agent is called first and is part of every call: nothing can be dialled
    #: for agents who are not there yet (predictive), and calls still ringing are
    #: withdrawn when their agent or campaign stops.
    agent_first = True

    def __init__(self, config: SipConfig) -> None:
        self.config = config
        self.transport = stack.Transport(config.bind_address, config.bind_port)
        self.calls: dict[str, _Call] = {}
        self.events: queue.SimpleQueue[CallEvent] = queue.SimpleQueue()
        self._ids = itertools.count(1)
        self._opened = False

    # -- life of the transport

    def open(self) -> None:
        if not self._opened:
            self.transport.open()
            self._opened = True

    def close(self) -> None:
        """Hang up every call still up or ringing (BYE, CANCEL), then stop listening."""
        if not self._opened:
            return
        live = [call for call in self.calls.values() if call.state != "over"]
        for call in live:
            stack.call_sync(self._withdraw, call)
        if live:
            time.sleep(0.2)  # let the BYEs and CANCELs leave before the socket closes
        self.transport.close()
        self._opened = False

    # -- the engine's side (its event loop's thread)

    async def originate(self, request: OriginateRequest, now: datetime) -> str:
        self.open()
        call_id = f"sip-{request.attempt_id}-{next(self._ids)}"
        call = _Call(
            call_id=call_id,
            attempt_id=request.attempt_id,
            number=request.number,
            caller_id=request.caller_id or self.config.caller_id,
            ring_timeout=_number(request.options, "ring_timeout_seconds", self.config.ring_timeout),
        )
        self.calls[call_id] = call
        agent = self.config.agent_address(request.agent_id)
        if agent is None:
            log.warning(
                "no SIP address for the agent: call not placed",
                attempt_id=request.attempt_id,
                agent_id=request.agent_id,
            )
            call.state = "over"
            self._emit(call, DialStatus.CANCELLED, reason="no-agent-address")
            return call_id
        stack.call(self._call_agent, call, agent)
        return call_id

    async def poll(self, now: datetime) -> list[CallEvent]:
        events = []
        while True:
            try:
                events.append(self.events.get_nowait())
            except queue.Empty:
                break
        return [event for event in events if event.call_id in self.calls]

    async def answer(self, call_id: str, agent_id: int, now: datetime) -> None:
        # The agent was on the line before the customer was called: nothing to connect.
        return None

    async def hangup(self, call_id: str, now: datetime, *, message: str | None = None) -> None:
        call = self.calls.get(call_id)
        if call is not None:
            stack.call(self._withdraw, call)

    async def recording(self, call_id: str) -> bytes | None:
        return None  # media flows between the phones; nothing here hears it

    def forget(self, call_id: str) -> None:
        self.calls.pop(call_id, None)

    # -- the reactor's side

    def _emit(
        self,
        call: _Call,
        status: DialStatus | None = None,
        *,
        kind: CallEventKind = CallEventKind.ENDED,
        reason: str | None = None,
    ) -> None:
        self.events.put(
            CallEvent(
                call.call_id,
                call.attempt_id,
                kind,
                clock.now(),
                int(status) if status is not None else None,
                reason=reason,
            )
        )

    def _ua(self, call: _Call, hop: tuple[str, int], *, trunk: bool) -> Any:
        from sippy.UA import UA

        def on_event(event: Any, ua: Any) -> None:
            if trunk:
                self._customer_event(call, event)
            else:
                self._agent_event(call, event)

        return UA(
            self.transport.config,
            event_cb=on_event,
            username=self.config.username if trunk else None,
            password=self.config.password if trunk else None,
            nh_address=hop,
            expire_time=call.ring_timeout if trunk else self.config.agent_timeout,
        )

    def _call_agent(self, call: _Call, address: str) -> None:
        from sippy.CCEvents import CCEventTry
        from sippy.SipCallId import SipCallId

        if call.withdrawn:
            return
        hop, user = _hop(address)
        call.agent = self._ua(call, hop, trunk=False)
        # No SDP: the agent's phone makes the offer in its 200 OK (RFC 3725 §4.1).
        call.agent.recvEvent(
            CCEventTry((SipCallId(), call.caller_id or "dialler", user or "", None, None, None))
        )

    def _call_customer(self, call: _Call, offer: Any) -> None:
        from sippy.CCEvents import CCEventTry
        from sippy.SipCallId import SipCallId

        hop, _ = _hop(self.config.trunk)
        call.state = "customer"
        call.customer = self._ua(call, hop, trunk=True)
        body = offer.getCopy()
        body.needs_update = False
        call.customer.recvEvent(
            CCEventTry((SipCallId(), call.caller_id or "dialler", call.number, body, None, None))
        )

    def _agent_event(self, call: _Call, event: Any) -> None:
        from sippy.CCEvents import CCEventConnect, CCEventPreConnect, CCEventRing

        if isinstance(event, CCEventRing):
            return
        if isinstance(event, CCEventPreConnect) and call.state == "agent":
            if call.withdrawn:
                self._end_agent(call)
                return
            # The agent picked up; their 200 OK's offer goes to the customer.
            self._call_customer(call, event.getData()[2])
            return
        if isinstance(event, CCEventConnect) and call.state == "agent":
            # Answered without an offer: we have nothing to put to the customer.
            call.state = "over"
            call.agent.recvEvent(_disconnect())
            self._emit(call, DialStatus.CANCELLED, reason="agent-sent-no-sdp")
            return
        if isinstance(event, CCEventConnect):
            return  # the ACK we sent with the customer's answer: the call is up
        # A failure or a hang-up on the agent's side.
        previous, call.state = call.state, "over"
        if call.withdrawn:
            return
        if previous == "agent":
            code = _code(event)
            reason = f"agent-unreachable-{code}" if code else "agent-unreachable"
            self._emit(call, DialStatus.CANCELLED, reason=reason)
        elif previous == "customer":
            call.customer.recvEvent(_disconnect())  # CANCEL the ringing customer
            self._emit(call, DialStatus.CANCELLED, reason="agent-hung-up")
        elif previous == "up":
            call.customer.recvEvent(_disconnect())  # BYE
            self._emit(call, DialStatus.ANSWERED, reason="agent-hung-up")

    def _customer_event(self, call: _Call, event: Any) -> None:
        from sippy.CCEvents import CCEventConnect, CCEventPreConnect, CCEventRing

        if isinstance(event, CCEventRing | CCEventPreConnect):
            return
        if isinstance(event, CCEventConnect) and call.state == "customer":
            call.state = "up"
            answer = event.getData()[2]
            # The customer's answer completes the agent's offer, in the agent's ACK.
            call.agent.recvEvent(CCEventConnect((200, "OK", answer)))
            if call.withdrawn:
                self._end_both(call)
                return
            self._emit(call, kind=CallEventKind.ANSWERED)
            return
        if isinstance(event, CCEventConnect):
            return
        previous, call.state = call.state, "over"
        if previous == "customer":
            self._end_agent(call)
            if call.withdrawn:
                return
            code = _code(event)
            # No code: sippy's own ring timeout cancelled the INVITE.
            status = dial_status_for(code) if code else DialStatus.NO_ANSWER
            self._emit(call, status, reason=f"sip-{code}" if code else "ring-timeout")
        elif previous == "up":
            call.agent.recvEvent(_disconnect())  # BYE
            if not call.withdrawn:
                self._emit(call, DialStatus.ANSWERED, reason="customer-hung-up")

    def _end_agent(self, call: _Call) -> None:
        """End the agent's leg whose 200 OK is not acknowledged yet: ACK it with an
        answer that holds the media (RFC 3261 wants one), then BYE."""
        from sippy.CCEvents import CCEventConnect

        from leadline.dialler.telephony.sip.sdp import held_answer_body

        offer = call.agent.rSDP
        if offer is not None and call.agent.pending_tr is not None:
            call.agent.recvEvent(CCEventConnect((200, "OK", held_answer_body(offer))))
        call.agent.recvEvent(_disconnect())

    def _end_both(self, call: _Call) -> None:
        call.state = "over"
        call.customer.recvEvent(_disconnect())
        call.agent.recvEvent(_disconnect())

    def _withdraw(self, call: _Call) -> None:
        """The engine ends the call (hung up, abandoned, agent gone, campaign paused):
        CANCEL what rings, BYE what is up; the engine records the outcome itself."""
        call.withdrawn = True
        if call.state == "agent" and call.agent is not None:
            call.state = "over"
            call.agent.recvEvent(_disconnect())
        elif call.state == "customer":
            call.state = "over"
            call.customer.recvEvent(_disconnect())
            self._end_agent(call)
        elif call.state == "up":
            self._end_both(call)


def _disconnect() -> Any:
    from sippy.CCEvents import CCEventDisconnect

    return CCEventDisconnect()


def _code(event: Any) -> int | None:
    """The SIP status code a sippy failure event carries, if any."""
    data = event.getData()
    if isinstance(data, tuple) and data and isinstance(data[0], int):
        return data[0]
    return None
