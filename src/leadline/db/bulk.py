"""Many rows into one table in one statement.

On PostgreSQL the rows travel as one array per column (``INSERT … SELECT FROM unnest``):
one statement, one round trip, parameters encoded by the driver in binary, instead of
SQLAlchemy building thousands of bound parameters. Elsewhere (SQLite, in-process) the
plain Core ``INSERT`` is already cheap and is used as it is.

Column defaults of the model (``default=0``, ``default=dict``) and the column types'
conversions (UTC datetimes, JSON, money) are applied here exactly as the Core ``INSERT``
applies them, so both paths store the same values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import ARRAY, Column, ColumnElement, Table, any_, cast, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

_T = TypeVar("_T")


def _default(column: Column[Any]) -> tuple[bool, object]:
    """Whether the model gives the column a Python-side default, and its value."""
    default = column.default
    if default is None or column.primary_key:
        return False, None
    if getattr(default, "is_scalar", False):
        return True, getattr(default, "arg", None)
    if getattr(default, "is_callable", False):
        # SQLAlchemy wraps a no-argument callable so that it takes the execution context.
        return True, default.arg(None)  # type: ignore[attr-defined]
    return False, None


def _arrays(
    table: Table, rows: Sequence[Mapping[str, object]], dialect: Dialect
) -> tuple[list[Column[Any]], list[list[object]]]:
    """The columns to write and, for each, its values converted as the type binds them."""
    given = list(dict.fromkeys(name for row in rows for name in row))
    columns: list[Column[Any]] = [table.c[name] for name in given]
    defaults: dict[str, object] = {}
    for column in table.c:
        if column.name in given:
            continue
        has_default, value = _default(column)
        if has_default:
            columns.append(column)
            defaults[column.name] = value
    arrays: list[list[object]] = []
    for column in columns:
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        name = column.name
        if name in defaults:
            values: list[object] = [defaults[name]] * len(rows)
        else:
            values = [row.get(name) for row in rows]
        if process is not None:
            values = [None if value is None else process(value) for value in values]
        arrays.append(values)
    return columns, arrays


def _unnest_insert(
    table: Table,
    columns: Sequence[Column[Any]],
    dialect: Dialect,
    *,
    skip_conflicts: bool,
    returning: Sequence[str],
) -> str:
    names = ", ".join(dialect.identifier_preparer.quote(column.name) for column in columns)
    arrays = ", ".join(
        f"CAST(:c{n} AS {column.type.compile(dialect=dialect)}[])"
        for n, column in enumerate(columns)
    )
    # WITH ORDINALITY + ORDER BY: rows are inserted in the order given, so among rows that
    # conflict with each other the first one wins, as with a VALUES list. Every name here
    # comes from the table's own metadata, quoted; values are bound parameters.
    sql = (
        f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({names}) "  # noqa: S608
        f"SELECT {names} FROM unnest({arrays}) WITH ORDINALITY "
        f"AS given({names}, bulk_position) ORDER BY bulk_position"
    )
    if skip_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    if returning:
        sql += " RETURNING " + ", ".join(
            dialect.identifier_preparer.quote(name) for name in returning
        )
    return sql


async def insert_rows(
    session: AsyncSession,
    table: Table,
    rows: Sequence[Mapping[str, object]],
    *,
    skip_conflicts: bool = False,
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Insert ``rows`` (dicts by column name) in the session's transaction; with
    ``skip_conflicts`` a row a unique index refuses is left out (``ON CONFLICT DO
    NOTHING``). Answers the ``returning`` columns of the rows written."""
    if not rows:
        return []
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        columns, arrays = _arrays(table, rows, dialect)
        sql = _unnest_insert(
            table, columns, dialect, skip_conflicts=skip_conflicts, returning=returning
        )
        result = await session.execute(
            text(sql), {f"c{n}": values for n, values in enumerate(arrays)}
        )
        return [tuple(row) for row in result.all()] if returning else []
    builder = sqlite.insert if dialect.name == "sqlite" else postgresql.insert
    statement = builder(table)
    if skip_conflicts:
        statement = statement.on_conflict_do_nothing()
    if returning:
        result = await session.execute(
            statement.returning(*(table.c[name] for name in returning)), list(rows)
        )
        return [tuple(row) for row in result.all()]
    await session.execute(statement, list(rows))
    return []


#: Values per ``IN (…)`` where each value is its own bound parameter (SQLite).
IN_CHUNK = 1000


def value_chunks(session: AsyncSession, values: Sequence[_T]) -> list[Sequence[_T]]:
    """``values`` cut for :func:`one_of`: whole on PostgreSQL, in chunks elsewhere."""
    if session.get_bind().dialect.name == "postgresql":
        return [values] if values else []
    return [values[start : start + IN_CHUNK] for start in range(0, len(values), IN_CHUNK)]


def one_of(
    session: AsyncSession, column: InstrumentedAttribute[Any], values: Sequence[object]
) -> ColumnElement[bool]:
    """``column IN values``. On PostgreSQL as ``= ANY(array)``: one parameter, so one
    prepared statement and plan whatever the count (an ``IN`` of 1,000 parameters is a
    new statement for every length, planned each time)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(cast(list(values), ARRAY(column.expression.type)))
    return column.in_(values)
