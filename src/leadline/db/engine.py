"""Engines and sessions.

SQLite is made fit for a server: WAL, foreign keys, a busy timeout, and write
transactions that begin ``IMMEDIATE`` so concurrent writers queue on the busy timeout
instead of failing with "database is locked" half-way through a transaction. Reads use a
second engine whose transactions begin deferred, so they never wait for a writer.
On PostgreSQL both are the same engine.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from leadline.config import to_async_url


def _sqlite_engine(url: str, *, begin: str, busy_timeout_ms: int) -> AsyncEngine:
    engine = create_async_engine(url, connect_args={"timeout": busy_timeout_ms / 1000})

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so we can say how they begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # 64 MiB of page cache per connection (the default is 2 MiB): the hot index pages
        # of a million-lead campaign stay in memory.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)

    return engine


def _postgres_engine(url: str, *, pool_size: int) -> AsyncEngine:
    engine = create_async_engine(url, pool_size=pool_size, max_overflow=pool_size)

    @event.listens_for(engine.sync_engine, "checkout")
    def _drop_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        # Instead of ``pool_pre_ping`` (three round trips on asyncpg: BEGIN, ";", ROLLBACK
        # on every checkout): asyncpg sees the server close a connection (restart,
        # idle timeout) on the event loop, so a closed one is known without asking. The
        # pool then opens a fresh connection in its place.
        if dbapi_connection.driver_connection.is_closed():
            raise DisconnectionError("connection closed by the server")

    return engine


#: Set while this task holds the SQLite write turn, so a nested transaction does not wait
#: for itself.
_holding_write_turn: ContextVar[bool] = ContextVar("holding_write_turn", default=False)


class Database:
    """The store of one process: a write engine and a read engine, and their sessions."""

    def __init__(self, url: str, *, busy_timeout_ms: int = 30_000, pool_size: int = 10) -> None:
        self.url = to_async_url(url)
        self.dialect = make_url(self.url).get_backend_name()
        if self.dialect == "sqlite":
            self.write_engine = _sqlite_engine(
                self.url, begin="BEGIN IMMEDIATE", busy_timeout_ms=busy_timeout_ms
            )
            self.read_engine = _sqlite_engine(
                self.url, begin="BEGIN", busy_timeout_ms=busy_timeout_ms
            )
        else:
            self.write_engine = _postgres_engine(self.url, pool_size=pool_size)
            self.read_engine = self.write_engine
        self._writer = async_sessionmaker(self.write_engine, expire_on_commit=False)
        self._write_turn = asyncio.Lock()
        self._reader = async_sessionmaker(self.read_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    def session(self) -> AsyncSession:
        """A session for work that writes; the caller commits."""
        return self._writer()

    def read_session(self) -> AsyncSession:
        """A session for reads only; it never takes SQLite's write lock."""
        return self._reader()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A write session committed on success and rolled back on error.

        On SQLite the writers of this process take turns in arrival order before asking
        for the database's write lock: SQLite's busy handler polls with growing sleeps and
        is not first-come first-served, so under load a writer could otherwise starve past
        its busy timeout. Other processes still queue on the busy timeout.
        """
        if self.is_sqlite and not _holding_write_turn.get():
            async with self._write_turn:
                token = _holding_write_turn.set(True)
                try:
                    async with self.session() as session, session.begin():
                        yield session
                finally:
                    _holding_write_turn.reset(token)
            return
        async with self.session() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            await self.read_engine.dispose()
