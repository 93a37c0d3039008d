"""Calling hours in the lead's own zone, across zones and across DST changes."""

from __future__ import annotations

from datetime import UTC, datetime

from leadline.core.leads import scheduling
from leadline.core.vocabulary import DEFAULT_CALLING_HOURS, WEEKDAYS
from leadline.db.models import Campaign

LONDON = "+447840258823"
NEW_YORK = "+12125550123"


def _campaign(hours: dict[str, list[list[str]]], zone: str = "Europe/London") -> Campaign:
    return Campaign(calling_hours=hours, timezone=zone)


def test_a_new_york_lead_waits_for_nine_in_new_york() -> None:
    due = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # 12:00 London, 07:00 New York
    campaign = _campaign(DEFAULT_CALLING_HOURS)
    assert scheduling.dialable_at(campaign, None, LONDON, due) == due
    assert scheduling.dialable_at(campaign, "America/New_York", NEW_YORK, due) == datetime(
        2026, 11, 24, 14, 0, tzinfo=UTC
    )


def test_the_opening_follows_the_spring_dst_change() -> None:
    campaign = _campaign(DEFAULT_CALLING_HOURS, "America/New_York")
    # Saturday 22:00 EST → Sunday 09:00 EDT, which is 13:00 UTC (14:00 the day before).
    due = datetime(2026, 3, 8, 3, 0, tzinfo=UTC)
    assert scheduling.dialable_at(campaign, "America/New_York", NEW_YORK, due) == datetime(
        2026, 3, 8, 13, 0, tzinfo=UTC
    )
    before = datetime(2026, 3, 7, 3, 0, tzinfo=UTC)
    assert scheduling.dialable_at(campaign, "America/New_York", NEW_YORK, before) == datetime(
        2026, 3, 7, 14, 0, tzinfo=UTC
    )


def test_the_closing_follows_the_autumn_dst_change() -> None:
    campaign = _campaign(DEFAULT_CALLING_HOURS)
    # 20:30 UTC on 25 Oct 2026 is 20:30 GMT (clocks went back that morning): still open.
    assert scheduling.dialable_at(
        campaign, "Europe/London", LONDON, datetime(2026, 10, 25, 20, 30, tzinfo=UTC)
    ) == datetime(2026, 10, 25, 20, 30, tzinfo=UTC)
    # The day before, 20:30 UTC was 21:30 BST: closed until 09:00 GMT.
    assert scheduling.dialable_at(
        campaign, "Europe/London", LONDON, datetime(2026, 10, 24, 20, 30, tzinfo=UTC)
    ) == datetime(2026, 10, 25, 9, 0, tzinfo=UTC)


def test_a_window_opening_inside_the_spring_gap_opens_when_the_clocks_jump() -> None:
    hours = {day: [["01:30", "05:00"]] for day in WEEKDAYS}
    # 29 Mar 2026 London: 01:00 GMT jumps to 02:00 BST; 01:30 never happens.
    due = datetime(2026, 3, 29, 0, 10, tzinfo=UTC)
    assert scheduling.dialable_at(_campaign(hours), "Europe/London", LONDON, due) == datetime(
        2026, 3, 29, 1, 0, tzinfo=UTC
    )


def test_weekday_windows_skip_a_closed_day() -> None:
    hours = {
        "mon": [["10:00", "12:00"], ["14:00", "18:00"]],
        "tue": [],
        "wed": [["09:00", "17:00"]],
    }
    campaign = _campaign(hours)
    monday_lunch = datetime(2026, 11, 23, 12, 30, tzinfo=UTC)
    assert scheduling.dialable_at(campaign, None, LONDON, monday_lunch) == datetime(
        2026, 11, 23, 14, 0, tzinfo=UTC
    )
    monday_night = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)
    assert scheduling.dialable_at(campaign, None, LONDON, monday_night) == datetime(
        2026, 11, 25, 9, 0, tzinfo=UTC
    )


def test_a_number_with_several_zones_is_called_only_in_their_overlap() -> None:
    campaign = _campaign(DEFAULT_CALLING_HOURS)
    zones = scheduling.zones_for(campaign, None, "+17025550123")  # Nevada: Pacific
    assert [zone.key for zone in zones] == ["America/Los_Angeles"]
    result = scheduling.next_opening(
        campaign,
        [scheduling.ZoneInfo("America/New_York"), scheduling.ZoneInfo("America/Los_Angeles")],
        datetime(2026, 11, 24, 13, 0, tzinfo=UTC),
    )
    assert result == datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # 09:00 LA, 12:00 NY
