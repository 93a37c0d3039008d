"""The outbox rules every channel shares: back-off, settling an attempt, draining."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from leadline.core import outbox
from leadline.core.outbox import Outcome

SINCE = datetime(2026, 1, 1, tzinfo=UTC)


def test_back_off_doubles_from_ten_seconds_up_to_an_hour() -> None:
    delays = [outbox.retry_delay(n).total_seconds() for n in (1, 2, 3, 4, 12, 40)]
    assert delays == [10, 20, 40, 80, 3600, 3600]


def test_a_success_is_delivered() -> None:
    values = outbox.settled(Outcome(250, None, delivered=True), 1, since=SINCE, at=SINCE)
    assert (values["state"], values["delivered_at"], values["lease_holder"]) == (
        "delivered",
        SINCE,
        None,
    )


def test_a_permanent_refusal_fails() -> None:
    refused = Outcome(550, "no such user", delivered=False, permanent=True)
    assert outbox.settled(refused, 1, since=SINCE, at=SINCE)["state"] == "failed"


def test_a_temporary_failure_comes_back_after_the_back_off() -> None:
    at = SINCE + timedelta(minutes=5)
    values = outbox.settled(Outcome(None, "refused", delivered=False), 3, since=SINCE, at=at)
    assert "state" not in values
    assert values["next_attempt_at"] == at + timedelta(seconds=40)


def test_a_temporary_failure_past_a_day_fails() -> None:
    at = SINCE + timedelta(hours=23, minutes=59, seconds=55)
    values = outbox.settled(Outcome(451, "later", delivered=False), 1, since=SINCE, at=at)
    assert values["state"] == "failed"


async def test_drain_runs_while_batches_come_back_full() -> None:
    results = iter([20, 20, 7, 20])
    calls: list[int] = []

    async def step() -> int:
        calls.append(1)
        return next(results)

    assert await outbox.drain(step, batch=20) == 47
    assert len(calls) == 3


async def test_drain_stops_after_its_batch_limit() -> None:
    async def step() -> int:
        return 5

    assert await outbox.drain(step, batch=5, max_batches=4) == 20
