from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text

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


PARTIAL_INDEXES = {
    "ix_leads_type": "lead_type_id IS NOT NULL",
    "ix_leads_assigned_agent_id": "assigned_agent_id IS NOT NULL",
    "ix_contacts_company_id": "company_id IS NOT NULL",
    "ix_contacts_last_activity_at": "last_activity_at IS NOT NULL",
    "uq_phones_company_number": "company_id IS NOT NULL",
}


async def test_indexes_of_mostly_null_columns_leave_the_nulls_out(db: Database) -> None:
    """The migrations build these indexes partial, as the models declare them (the
    autogenerate comparison above does not look at an index's WHERE clause)."""
    if db.is_postgres:
        query = "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(:names)"
        parameters: dict[str, object] = {"names": list(PARTIAL_INDEXES)}
    else:
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
        parameters = {}
    async with db.read_session() as session:
        found = dict((await session.execute(text(query), parameters)).all())
    for name, predicate in PARTIAL_INDEXES.items():
        definition = " ".join(found[name].replace("(", " ").replace(")", " ").split())
        assert f"WHERE {predicate}" in definition, (name, found[name])
