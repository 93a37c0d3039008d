"""An accepted push is unique per (account, source, kind, partner, partner id): two
portals of one group may reuse each other's ids.

Revision ID: 0010_inbox_partner
Revises: 0009_engine
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_inbox_partner"
down_revision: str | Sequence[str] | None = "0009_engine"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHERE = sa.text("accepted AND partner_id IS NOT NULL")


def _recreate(columns: list[str]) -> None:
    with op.batch_alter_table("inbox_events", schema=None) as batch_op:
        batch_op.drop_index("uq_inbox_events_partner_id")
        batch_op.create_index(
            "uq_inbox_events_partner_id",
            columns,
            unique=True,
            sqlite_where=_WHERE,
            postgresql_where=_WHERE,
        )


def upgrade() -> None:
    _recreate(["account_id", "source", "kind", "partner", "partner_id"])


def downgrade() -> None:
    _recreate(["account_id", "source", "kind", "partner_id"])
