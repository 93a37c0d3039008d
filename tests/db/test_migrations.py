from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

import leadline.db.models  # noqa: F401
from leadline.db.base import Base
from leadline.db.engine import Database
from leadline.db.models import DialStatus


async def test_migrations_match_the_models(db: Database) -> None:
    def diff(connection):  # type: ignore[no-untyped-def]
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with db.write_engine.connect() as connection:
        differences = await connection.run_sync(diff)
    assert differences == []


async def test_migrations_seed_the_dial_statuses(db: Database) -> None:
    async with db.read_session() as session:
        names = dict((await session.execute(select(DialStatus.id, DialStatus.name))).all())
    assert names[1] == "Answered"
    assert names[8] == "Voicemail"
    assert len(names) == 8
