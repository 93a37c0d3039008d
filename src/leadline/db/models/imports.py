"""Bulk lead imports: the request as received (staged rows), the batches workers claim,
and the rows that could not become leads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from leadline.db.base import Base, IdMixin
from leadline.db.types import IdType, JsonType, UTCDateTime, utcnow


class BulkImport(IdMixin, Base):
    """One bulk request: ``status`` moves pending → processing → completed (or failed)."""

    __tablename__ = "bulk_imports"
    __table_args__ = (
        CheckConstraint("source IN ('api', 'csv')", name="source"),
        CheckConstraint(
            "status IN ('pending', 'processing', 'completed', 'failed')", name="status"
        ),
        Index("ix_bulk_imports_open", "status", "created_at"),
    )

    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    credential_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("api_credentials.id", ondelete="SET NULL")
    )
    source: Mapped[str] = mapped_column(String(8), default="api")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    total: Mapped[int] = mapped_column(Integer, default=0)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(Text)


class BulkImportRow(Base):
    """A row of the request as JSON text, kept until its batch is processed (text, not
    JSONB: it is written once and read once, whole, so parsing it in the store is waste)."""

    __tablename__ = "bulk_import_rows"

    import_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("bulk_imports.id", ondelete="CASCADE"), primary_key=True
    )
    row_index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    payload: Mapped[str] = mapped_column(Text)


class BulkImportBatch(Base):
    """A run of consecutive rows processed in one transaction by one worker.

    A worker holds a batch until ``lease_until``; a batch whose holder died is claimed
    again once the lease has expired. ``state`` becomes ``done`` in the transaction that
    creates its leads, so a batch is never half done.
    """

    __tablename__ = "bulk_import_batches"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'done')", name="state"),
        Index("ix_bulk_import_batches_claim", "state", "lease_until"),
    )

    import_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("bulk_imports.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    first_row: Mapped[int] = mapped_column(Integer)
    last_row: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(8), default="pending")
    holder: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class BulkImportError(Base):
    """Why one row did not become a lead: ``{"<field>": "<problem>"}``."""

    __tablename__ = "bulk_import_errors"

    import_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("bulk_imports.id", ondelete="CASCADE"), primary_key=True
    )
    row_index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    errors: Mapped[dict[str, str]] = mapped_column(JsonType)
