"""The dialler engine's hopper indexes: each list's due leads, and the leads that go first.

Revision ID: 0009_engine
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_engine"
down_revision = "0008_bulk"
branch_labels = None
depends_on = None

_OPEN = "completed_at IS NULL"
_PREFERRED = "completed_at IS NULL AND (priority > 0 OR assigned_agent_id IS NOT NULL)"


def upgrade() -> None:
    op.create_index(
        "ix_leads_list_dialable",
        "leads",
        ["list_id", "dialable_at"],
        unique=False,
        sqlite_where=sa.text(_OPEN),
        postgresql_where=sa.text(_OPEN),
    )
    op.create_index(
        "ix_leads_preferred",
        "leads",
        ["campaign_id", "dialable_at"],
        unique=False,
        sqlite_where=sa.text(_PREFERRED),
        postgresql_where=sa.text(_PREFERRED),
    )


def downgrade() -> None:
    op.drop_index("ix_leads_preferred", table_name="leads")
    op.drop_index("ix_leads_list_dialable", table_name="leads")
