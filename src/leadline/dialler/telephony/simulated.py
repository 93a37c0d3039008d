"""A telephony backend that places no real calls: each call's fate is drawn from the
campaign's rates, with a seed, so the same attempt always ends the same way (tests and
demos are repeatable). Answered calls get a short generated WAV as their recording.

Settings, in ``campaign.dialler_options["simulated"]`` (defaults in brackets):
``answer_rate`` [0.5], ``busy_rate`` [0.15], ``no_answer_rate`` [0.2],
``failure_rate`` [0.05], ``voicemail_rate`` [0.1] (relative weights),
``invalid_numbers`` [] (numbers that ring as disconnected), ``ring_seconds`` [[3, 12]],
``talk_seconds`` [[20, 90]], ``seed`` [0].
"""

from __future__ import annotations

import io
import math
import random
import struct
import wave
from dataclasses import dataclass
from datetime import datetime, timedelta

from leadline.core.vocabulary import DialStatus
from leadline.dialler.telephony.base import CallEvent, CallEventKind, OriginateRequest

_RATES = (
    ("answer_rate", DialStatus.ANSWERED, 0.5),
    ("busy_rate", DialStatus.BUSY, 0.15),
    ("no_answer_rate", DialStatus.NO_ANSWER, 0.2),
    ("failure_rate", DialStatus.FAILED, 0.05),
    ("voicemail_rate", DialStatus.VOICEMAIL, 0.1),
)
SAMPLE_RATE = 8000
#: Recordings are capped so a long simulated call stays a small file.
MAX_RECORDING_SECONDS = 3


def _number(options: dict[str, object], key: str, default: float) -> float:
    value = options.get(key, default)
    return float(value) if isinstance(value, int | float) else default


def _span(
    options: dict[str, object], key: str, default: tuple[float, float]
) -> tuple[float, float]:
    value = options.get(key)
    if isinstance(value, int | float):
        return float(value), float(value)
    if isinstance(value, list | tuple) and len(value) == 2:
        low, high = value
        if isinstance(low, int | float) and isinstance(high, int | float):
            return float(min(low, high)), float(max(low, high))
    return default


def tone_wav(seconds: float, frequency: float = 440.0) -> bytes:
    """A mono 8 kHz 16-bit WAV of a soft tone, ``seconds`` long."""
    frames = int(SAMPLE_RATE * seconds)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(
            b"".join(
                struct.pack("<h", int(6000 * math.sin(2 * math.pi * frequency * i / SAMPLE_RATE)))
                for i in range(frames)
            )
        )
    return buffer.getvalue()


@dataclass
class _Call:
    call_id: str
    attempt_id: int
    outcome: DialStatus
    ring_until: datetime
    talk_seconds: float
    state: str = "ringing"  # ringing → waiting (answered, no agent yet) → talking → over
    talk_until: datetime | None = None
    recording: bytes | None = None


class SimulatedBackend:
    name = "simulated"
    agent_first = False

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.calls: dict[str, _Call] = {}

    def _fate(self, request: OriginateRequest) -> tuple[DialStatus, float, float]:
        raw = request.options.get("simulated")
        options: dict[str, object] = raw if isinstance(raw, dict) else {}
        seed = options.get("seed", self.seed)
        draw = random.Random(f"{seed}:{request.attempt_id}:{request.number}")
        invalid = options.get("invalid_numbers")
        ring_low, ring_high = _span(options, "ring_seconds", (3.0, 12.0))
        talk_low, talk_high = _span(options, "talk_seconds", (20.0, 90.0))
        ring = draw.uniform(ring_low, ring_high)
        talk = draw.uniform(talk_low, talk_high)
        if isinstance(invalid, list) and request.number in invalid:
            return DialStatus.DISCONNECTED, 1.0, 0.0
        weights = [max(0.0, _number(options, key, default)) for key, _, default in _RATES]
        if sum(weights) <= 0:
            weights = [default for _, _, default in _RATES]
        outcome = draw.choices([status for _, status, _ in _RATES], weights=weights)[0]
        return outcome, ring, talk

    async def originate(self, request: OriginateRequest, now: datetime) -> str:
        outcome, ring, talk = self._fate(request)
        call_id = f"sim-{request.attempt_id}"
        self.calls[call_id] = _Call(
            call_id=call_id,
            attempt_id=request.attempt_id,
            outcome=outcome,
            ring_until=now + timedelta(seconds=ring),
            talk_seconds=talk,
        )
        return call_id

    async def poll(self, now: datetime) -> list[CallEvent]:
        events = []
        for call in self.calls.values():
            if call.state == "ringing" and now >= call.ring_until:
                if call.outcome == DialStatus.ANSWERED:
                    call.state = "waiting"
                    events.append(
                        CallEvent(
                            call.call_id, call.attempt_id, CallEventKind.ANSWERED, call.ring_until
                        )
                    )
                else:
                    call.state = "over"
                    events.append(
                        CallEvent(
                            call.call_id,
                            call.attempt_id,
                            CallEventKind.ENDED,
                            call.ring_until,
                            int(call.outcome),
                        )
                    )
            elif call.state == "talking" and call.talk_until and now >= call.talk_until:
                call.state = "over"
                call.recording = tone_wav(min(call.talk_seconds, MAX_RECORDING_SECONDS))
                events.append(
                    CallEvent(
                        call.call_id,
                        call.attempt_id,
                        CallEventKind.ENDED,
                        call.talk_until,
                        int(DialStatus.ANSWERED),
                    )
                )
        return events

    async def answer(self, call_id: str, agent_id: int, now: datetime) -> None:
        call = self.calls[call_id]
        call.state = "talking"
        call.talk_until = now + timedelta(seconds=call.talk_seconds)

    async def hangup(self, call_id: str, now: datetime, *, message: str | None = None) -> None:
        call = self.calls.get(call_id)
        if call is not None:
            call.state = "over"

    async def recording(self, call_id: str) -> bytes | None:
        call = self.calls.get(call_id)
        return call.recording if call else None

    def forget(self, call_id: str) -> None:
        self.calls.pop(call_id, None)
