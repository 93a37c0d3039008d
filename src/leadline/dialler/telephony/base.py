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


@dataclass(frozen=True)
class CallEvent:
    call_id: str
    attempt_id: int
    kind: CallEventKind
    at: datetime
    dial_status: int | None = None


class TelephonyBackend(Protocol):
    name: str

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
