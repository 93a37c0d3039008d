from __future__ import annotations

from datetime import UTC, datetime

from leadline.core.leads import scheduling
from leadline.core.vocabulary import DEFAULT_CALLING_HOURS, ROUND_THE_CLOCK
from leadline.db.models import Campaign


def _campaign(hours: dict[str, list[list[str]]], zone: str = "Europe/London") -> Campaign:
    return Campaign(calling_hours=hours, timezone=zone)


def test_due_inside_hours_stays_as_it_is() -> None:
    due = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # a Tuesday, 12:00 in London
    assert (
        scheduling.dialable_at(_campaign(DEFAULT_CALLING_HOURS), None, "+447840258823", due) == due
    )


def test_due_at_night_moves_to_the_next_opening_in_the_leads_zone() -> None:
    due = datetime(2026, 11, 24, 22, 30, tzinfo=UTC)  # 22:30 London
    result = scheduling.dialable_at(_campaign(DEFAULT_CALLING_HOURS), None, "+447840258823", due)
    assert result == datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def test_the_leads_own_zone_wins_over_the_campaigns() -> None:
    due = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)  # 09:30 in Rome, 08:30 in London
    campaign = _campaign(DEFAULT_CALLING_HOURS)
    assert scheduling.dialable_at(campaign, "Europe/Rome", "+447840258823", due) == due
    assert scheduling.dialable_at(campaign, None, "+447840258823", due) == datetime(
        2026, 11, 24, 9, 0, tzinfo=UTC
    )


def test_round_the_clock_is_always_open() -> None:
    due = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
    assert scheduling.dialable_at(_campaign(ROUND_THE_CLOCK), None, "+447840258823", due) == due


def test_no_hours_at_all_means_never() -> None:
    due = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert scheduling.dialable_at(_campaign({}), None, "+447840258823", due) is None
