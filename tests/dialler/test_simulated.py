from __future__ import annotations

import io
import wave
from datetime import UTC, datetime, timedelta

from leadline.dialler.telephony.base import CallEventKind, OriginateRequest
from leadline.dialler.telephony.simulated import SimulatedBackend, tone_wav

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


async def _outcomes(seed: int) -> list[tuple[str, int | None]]:
    backend = SimulatedBackend(seed=seed)
    options: dict[str, object] = {"simulated": {"ring_seconds": 4, "talk_seconds": 10}}
    for attempt_id in range(40):
        await backend.originate(OriginateRequest(attempt_id, "+447840258823", None, options), T0)
    events = await backend.poll(T0 + timedelta(seconds=5))
    return sorted((event.call_id, event.dial_status) for event in events)


async def test_the_same_seed_gives_the_same_calls() -> None:
    assert await _outcomes(3) == await _outcomes(3)
    assert await _outcomes(3) != await _outcomes(4)


async def test_an_answered_call_talks_then_ends_with_a_recording() -> None:
    backend = SimulatedBackend()
    options: dict[str, object] = {
        "simulated": {
            "answer_rate": 1,
            "busy_rate": 0,
            "no_answer_rate": 0,
            "failure_rate": 0,
            "voicemail_rate": 0,
            "ring_seconds": 2,
            "talk_seconds": 10,
        }
    }
    call = await backend.originate(OriginateRequest(1, "+447840258823", None, options), T0)
    [answered] = await backend.poll(T0 + timedelta(seconds=3))
    assert answered.kind == CallEventKind.ANSWERED
    await backend.answer(call, 7, T0 + timedelta(seconds=3))
    assert await backend.poll(T0 + timedelta(seconds=12)) == []
    [ended] = await backend.poll(T0 + timedelta(seconds=13))
    assert (ended.kind, ended.dial_status) == (CallEventKind.ENDED, 1)
    audio = await backend.recording(call)
    assert audio is not None
    with wave.open(io.BytesIO(audio)) as reader:
        assert reader.getframerate() == 8000


def test_the_tone_is_as_long_as_asked() -> None:
    with wave.open(io.BytesIO(tone_wav(1.5))) as reader:
        assert reader.getnframes() == 12000
