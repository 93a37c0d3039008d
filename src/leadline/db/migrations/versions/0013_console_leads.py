"""The console's leads table: an index per filter (in id order) and the name prefix search.

Revision ID: 0013_console_leads
Revises: 0012_mail
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_console_leads"
down_revision: str | Sequence[str] | None = "0012_mail"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LEADS = {
    "ix_leads_account_status": ["account_id", "status_code", "id"],
    "ix_leads_account_source": ["account_id", "source", "id"],
    "ix_leads_account_campaign_status": ["account_id", "campaign_id", "status_code", "id"],
    "ix_leads_account_customer_key": ["account_id", "customer_key"],
}


def upgrade() -> None:
    for name, columns in _LEADS.items():
        op.create_index(name, "leads", columns)
    op.create_index(
        "ix_contacts_account_name_lower", "contacts", ["account_id", sa.text("lower(name)")]
    )


def downgrade() -> None:
    op.drop_index("ix_contacts_account_name_lower", table_name="contacts")
    for name in reversed(list(_LEADS)):
        op.drop_index(name, table_name="leads")
