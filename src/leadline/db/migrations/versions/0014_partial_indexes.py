"""Partial indexes where most rows hold NULL: no index entry for a lead without a lead type
or an agent, a contact without a company or activity, a contact's (not a company's) phone.

Every query that reads these indexes asks for a value (``= :id``), which the planner knows
is not NULL, so they serve it as before; inserts (bulk imports above all) stop paying for
entries nobody reads. Uniqueness of a company's number is unchanged: NULLs never collided.

Revision ID: 0014_partial_indexes
Revises: 0013_console_leads
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_partial_indexes"
down_revision: str | Sequence[str] | None = "0013_console_leads"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# name: (table, columns, the column that must be present, unique)
_PARTIAL = {
    "ix_leads_type": ("leads", ["account_id", "lead_type_id", "contact_id"], "lead_type_id", False),
    "ix_leads_assigned_agent_id": (
        "leads",
        ["assigned_agent_id"],
        "assigned_agent_id",
        False,
    ),
    "ix_contacts_company_id": ("contacts", ["company_id"], "company_id", False),
    "ix_contacts_last_activity_at": (
        "contacts",
        ["last_activity_at"],
        "last_activity_at",
        False,
    ),
    "uq_phones_company_number": ("phones", ["company_id", "number"], "company_id", True),
}


def upgrade() -> None:
    for name, (table, columns, present, unique) in _PARTIAL.items():
        op.drop_index(name, table_name=table)
        where = sa.text(f"{present} IS NOT NULL")
        op.create_index(
            name, table, columns, unique=unique, postgresql_where=where, sqlite_where=where
        )


def downgrade() -> None:
    for name, (table, columns, _present, unique) in reversed(_PARTIAL.items()):
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns, unique=unique)
