"""Reading what a call-tracking platform sends: phone numbers in any format, costs as exact
decimals, and datetimes in the account's time zone. Each reader raises :class:`BadCostInput`
naming the field and whether it was missing or unreadable; adapters word it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from leadline.core import phones
from leadline.core.errors import ValidationFailed
from leadline.db.types import MONEY_SCALE

NOTES_MAX_LENGTH = 2000
#: Twelve integer digits: far above any call's cost, well inside the Money column.
_COST = re.compile(r"(?P<units>\d{0,12})(?:\.(?P<places>\d*))?")
_UNIX_SECONDS = re.compile(r"\d{1,11}")
_MAX_TEXT = 64


class Field(StrEnum):
    DID = "did"
    CID = "cid"
    COST = "cost"
    DATE = "date"


class Reason(StrEnum):
    #: Absent, empty, or nothing that could be a number at all.
    MISSING = "missing"
    #: Present and readable as the right kind of thing, but not a valid value.
    INVALID = "invalid"


class BadCostInput(ValidationFailed):
    """A cost post the domain cannot read."""

    def __init__(self, field: Field, reason: Reason) -> None:
        super().__init__({field.value: [reason.value]}, message=f"{reason.value} {field.value}")
        self.field = field
        self.reason = reason


def parse_number(raw: str | None, region: str, field: Field) -> str:
    """A DID or CID as E.164. Everything but digits and a leading ``+`` is dropped; ten
    digits, or eleven starting with 1, are North American; anything else is read as a
    national number of the account's ``region``. When the North American reading is not a
    valid number, the national one is tried too (an Italian ``06 4523 1234`` has ten
    digits as well)."""
    text = (raw or "").strip()[:_MAX_TEXT]
    digits = phones.digits_of(text)
    if not digits:
        raise BadCostInput(field, Reason.MISSING)
    readings: list[tuple[str, str | None]] = []
    if text.startswith("+"):
        readings.append((f"+{digits}", None))
    else:
        if len(digits) == 10:
            readings.append((f"+1{digits}", None))
        elif len(digits) == 11 and digits.startswith("1"):
            readings.append((f"+{digits}", None))
        readings.append((digits, region))
    for candidate, candidate_region in readings:
        number = phones.try_parse(candidate, candidate_region)
        if number is not None:
            return number
    raise BadCostInput(field, Reason.INVALID)


def parse_cost(raw: str | None) -> Decimal:
    """A cost ≥ 0 with at most four decimal places, read from its text (never a float)."""
    text = (raw or "").strip()
    match = _COST.fullmatch(text)
    if match is None or not (match["units"] or match["places"]):
        raise BadCostInput(Field.COST, Reason.MISSING if not text else Reason.INVALID)
    if len(match["places"] or "") > MONEY_SCALE:
        raise BadCostInput(Field.COST, Reason.INVALID)
    return Decimal(f"{match['units'] or '0'}.{match['places'] or '0'}")


def parse_moment(raw: str | None, zone: ZoneInfo, default: datetime) -> datetime:
    """ISO 8601 (with or without offset), ``YYYY-MM-DD HH:MM:SS`` or Unix seconds; a time
    without an offset is in the account's zone. Absent or empty: ``default``."""
    text = (raw or "").strip()
    if not text:
        return default
    if len(text) > _MAX_TEXT:
        raise BadCostInput(Field.DATE, Reason.INVALID)
    try:
        if _UNIX_SECONDS.fullmatch(text):
            return datetime.fromtimestamp(int(text), UTC)
        moment = datetime.fromisoformat(text)
    except (ValueError, OverflowError, OSError):
        raise BadCostInput(Field.DATE, Reason.INVALID) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def clean_notes(raw: str | None) -> str:
    """Free text, cut to its documented length rather than refused: a pixel cannot retry
    with shorter notes, and losing the cost would be worse than losing the tail."""
    return (raw or "")[:NOTES_MAX_LENGTH]
