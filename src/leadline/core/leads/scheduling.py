"""When a due lead may really be dialled: its due time moved into the campaign's calling
hours in the lead's own time zone.

A lead without a time zone uses the zones libphonenumber gives for its number (the
overlap of their windows when there are several), else the campaign's zone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from leadline.core import clock
from leadline.core.phones import timezones_of
from leadline.core.vocabulary import WEEKDAYS


class CallingHours(Protocol):
    """What scheduling reads of a campaign: a ``Campaign``, or plain values of one."""

    @property
    def timezone(self) -> str: ...

    @property
    def calling_hours(self) -> Mapping[str, Sequence[Sequence[str]]] | None: ...


#: How far ahead to look for an opening before giving up (a campaign with no hours).
_HORIZON_DAYS = 14


def zones_for(
    campaign: CallingHours,
    lead_timezone: str | None,
    number: str,
    number_zones: tuple[str, ...] | None = None,
) -> list[ZoneInfo]:
    """The zones whose hours apply; ``number_zones`` is :func:`timezones_of` ``number``
    when the caller already has it."""
    if lead_timezone and clock.is_valid_zone(lead_timezone):
        return [ZoneInfo(lead_timezone)]
    if number_zones is None:
        number_zones = timezones_of(number)
    zones = [ZoneInfo(name) for name in number_zones if clock.is_valid_zone(name)]
    return zones or [clock.zone(campaign.timezone)]


def _parse(hhmm: str) -> time | None:
    """``HH:MM`` as a time; ``24:00`` (end of day) as None."""
    if hhmm == "24:00":
        return None
    hours, minutes = hhmm.split(":")
    return time(int(hours), int(minutes))


def _open_in_zone(campaign: CallingHours, zone: ZoneInfo, moment: datetime) -> bool:
    local = moment.astimezone(zone)
    windows = (campaign.calling_hours or {}).get(WEEKDAYS[local.weekday()], [])
    now_local = local.time()
    for start, end in windows:
        start_t = _parse(start) or time(0)
        end_t = _parse(end)
        if start_t <= now_local and (end_t is None or now_local < end_t):
            return True
    return False


def is_callable_at(campaign: CallingHours, zones: list[ZoneInfo], moment: datetime) -> bool:
    return all(_open_in_zone(campaign, zone, moment) for zone in zones)


def _first_instant_at(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The first instant whose wall-clock time in ``zone`` on ``day`` is ``wall`` or later.

    On a day the clocks go back a wall time happens twice: the first one counts. On a day
    they go forward a wall time inside the gap never happens: the window then opens when
    the clocks jump (02:30 in a 01:00→02:00 gap opens at 02:00 summer time).
    """
    earlier = datetime.combine(day, wall, tzinfo=zone)  # fold=0
    as_utc = earlier.astimezone(UTC)
    if as_utc.astimezone(zone).replace(tzinfo=None) == earlier.replace(tzinfo=None):
        return as_utc
    # In a gap: fold=1 reads the wall time with the offset after the jump, an instant
    # before the jump; step forward to the first minute whose wall time has passed ``wall``.
    moment = earlier.replace(fold=1).astimezone(UTC)
    target = datetime.combine(day, wall)
    while moment.astimezone(zone).replace(tzinfo=None) < target:
        moment += timedelta(minutes=1)
    return moment


def _boundaries(campaign: CallingHours, zone: ZoneInfo, after: datetime) -> list[datetime]:
    """Every window opening in ``zone`` within the horizon after ``after``, in UTC."""
    result = []
    local_day = after.astimezone(zone).date()
    for offset in range(_HORIZON_DAYS + 1):
        day = local_day + timedelta(days=offset)
        for start, _end in (campaign.calling_hours or {}).get(WEEKDAYS[day.weekday()], []):
            opening = _first_instant_at(day, _parse(start) or time(0), zone)
            if opening > after:
                result.append(opening)
    return result


def next_opening(campaign: CallingHours, zones: list[ZoneInfo], due: datetime) -> datetime | None:
    """The first moment at or after ``due`` when every zone is inside its hours."""
    if is_callable_at(campaign, zones, due):
        return due
    candidates = sorted({b for zone in zones for b in _boundaries(campaign, zone, due)})
    for candidate in candidates:
        if is_callable_at(campaign, zones, candidate):
            return candidate
    return None


def dialable_at(
    campaign: CallingHours, lead_timezone: str | None, number: str, due: datetime
) -> datetime | None:
    """``due`` moved to the next calling-hours opening; None if there is none in sight."""
    return next_opening(campaign, zones_for(campaign, lead_timezone, number), due)
