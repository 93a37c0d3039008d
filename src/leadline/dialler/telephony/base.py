"""The telephony interface the engine drives. A backend places calls and reports their
progress; the engine decides everything else (who answers, what the outcome means).

The life of a call: ``originate`` → progress events from ``poll`` (``answered`` when a
person picks up, ``ended`` with its dial status when it is over) → ``answer`` puts an
answered call through to an agent, or ``hangup`` ends it (playing a message first, as
for an abandoned call) → ``recording`` gives the audio of a call that was talked on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class CallEventKind(StrEnum):
    ANSWERED = "answered"  # a person picked up and waits for an agent
    ENDED = "ended"  # the call is over; ``dial_status`` says how


@dataclass(frozen=True)
class OriginateRequest:
    attempt_id: int
    number: str
    caller_id: str | None
    #: The campaign's ``dialler_options`` (a backend reads its own settings there).
    options: dict[str, object] = field(default_factory=dict)
    #: The agent chosen when the call started (progressive, preview), if any.
    agent_id: int | None = None


@dataclass(frozen=True)
class CallEvent:
    call_id: str
    attempt_id: int
    kind: CallEventKind
    at: datetime
    dial_status: int | None = None
    #: Why the call ended as it did, for its activity (``sip-486``, ``agent-hung-up``).
    reason: str | None = None


class TelephonyBackend(Protocol):
    name: str
    #: True when the agent is called before the customer: such a backend cannot dial
    #: for agents who are not free yet (predictive), and the engine withdraws calls
    #: still ringing whose agent becomes unavailable or whose campaign is paused.
    agent_first: bool

    async def originate(self, request: OriginateRequest, now: datetime) -> str:
        """Start dialling; returns the backend's id of the call."""
        ...

    async def poll(self, now: datetime) -> list[CallEvent]:
        """The progress of the calls this backend placed, since the last poll."""
        ...

    async def answer(self, call_id: str, agent_id: int, now: datetime) -> None:
        """Put an answered call through to ``agent_id``."""
        ...

    async def hangup(self, call_id: str, now: datetime, *, message: str | None = None) -> None:
        """End the call, playing ``message`` to the person first when given."""
        ...

    async def recording(self, call_id: str) -> bytes | None:
        """The call's recording (WAV) once it has ended, if it was recorded."""
        ...

    def forget(self, call_id: str) -> None:
        """Drop what the backend keeps about a finished call."""
        ...
