"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Dialect, Integer
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

#: Primary keys: BIGINT on PostgreSQL, INTEGER (the rowid alias) on SQLite.
IdType = BigInteger().with_variant(Integer(), "sqlite")

#: JSON documents: JSONB on PostgreSQL, JSON text on SQLite.
JsonType = JSON().with_variant(JSONB(), "postgresql")

MONEY_SCALE = 4
_MONEY_UNITS = 10**MONEY_SCALE
_MONEY_QUANTUM = Decimal(1).scaleb(-MONEY_SCALE)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime, stored in UTC.

    SQLite keeps no zone, so values are written as naive UTC there and read back as
    aware UTC; PostgreSQL uses ``timestamptz``. Naive values are refused on the way in:
    a naive datetime in the domain is a bug, never a guess.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Money(TypeDecorator[Decimal]):
    """A decimal amount with four places, stored exactly as an integer of 1/10,000 units.

    An integer column sums exactly in SQL on both databases; SQLite has no exact decimal.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        amount = Decimal(value)
        if amount != amount.quantize(_MONEY_QUANTUM):
            raise ValueError(f"money has at most {MONEY_SCALE} decimal places: {value!r}")
        return int(amount.scaleb(MONEY_SCALE))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        amount: Decimal = (Decimal(int(value)) / _MONEY_UNITS).quantize(
            _MONEY_QUANTUM, rounding=ROUND_HALF_EVEN
        )
        return amount


def utcnow() -> datetime:
    return datetime.now(UTC)
