"""Reading numbers, costs and datetimes as a tracking platform sends them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from leadline.core.costs.inputs import (
    BadCostInput,
    Field,
    Reason,
    parse_cost,
    parse_moment,
    parse_number,
)

NEW_YORK = ZoneInfo("America/New_York")
DEFAULT = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("2015550100", "GB", "+12015550100"),
        ("12015550100", "GB", "+12015550100"),
        ("(201) 555-0100", "IT", "+12015550100"),
        ("+1 201.555.0100", "GB", "+12015550100"),
        ("+44 20 7946 0123", "US", "+442079460123"),
        ("020 7946 0123", "GB", "+442079460123"),
        ("06 4523 1234", "IT", "+390645231234"),
    ],
)
def test_numbers(raw: str, region: str, expected: str) -> None:
    assert parse_number(raw, region, Field.DID) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (None, Reason.MISSING),
        ("", Reason.MISSING),
        ("n/a", Reason.MISSING),
        ("555", Reason.INVALID),
    ],
)
def test_bad_numbers(raw: str | None, reason: Reason) -> None:
    with pytest.raises(BadCostInput) as caught:
        parse_number(raw, "US", Field.CID)
    assert (caught.value.field, caught.value.reason) == (Field.CID, reason)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3", "3"),
        ("12.5", "12.5"),
        ("0.0450", "0.045"),
        (".5", "0.5"),
        ("7.", "7"),
        (" 1.2345 ", "1.2345"),
        ("999999999999.9999", "999999999999.9999"),
    ],
)
def test_costs_are_exact_decimals(raw: str, expected: str) -> None:
    parsed = parse_cost(raw)
    assert isinstance(parsed, Decimal)
    assert parsed == Decimal(expected)


@pytest.mark.parametrize(
    "raw", ["-1", "1.23456", "1e2", "abc", ".", "1,5", "0x10", "Infinity", "1000000000000"]
)
def test_bad_costs(raw: str) -> None:
    with pytest.raises(BadCostInput) as caught:
        parse_cost(raw)
    assert caught.value.field is Field.COST


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, DEFAULT),
        ("", DEFAULT),
        ("2026-07-01 08:00:00", datetime(2026, 7, 1, 12, tzinfo=UTC)),
        ("2026-07-01T08:00:00", datetime(2026, 7, 1, 12, tzinfo=UTC)),
        ("2026-01-15 08:00:00", datetime(2026, 1, 15, 13, tzinfo=UTC)),
        ("2026-07-01T08:00:00+01:00", datetime(2026, 7, 1, 7, tzinfo=UTC)),
        ("2026-07-01T08:00:00Z", datetime(2026, 7, 1, 8, tzinfo=UTC)),
        ("1782907200", datetime(2026, 7, 1, 12, tzinfo=UTC)),
    ],
)
def test_moments(raw: str | None, expected: datetime) -> None:
    assert parse_moment(raw, NEW_YORK, DEFAULT) == expected


@pytest.mark.parametrize("raw", ["soon", "2026-07-32", "07/01/2026", "1.5", "x" * 100])
def test_bad_moments(raw: str) -> None:
    with pytest.raises(BadCostInput) as caught:
        parse_moment(raw, NEW_YORK, DEFAULT)
    assert caught.value.field is Field.DATE


def test_ten_digits_are_north_american_first() -> None:
    assert parse_number("2015550100", "IT", Field.DID) == "+12015550100"
    assert parse_number("7911123400", "GB", Field.DID) == "+447911123400"
