"""Records that keep the interfaces honest: the inbox of raw pushes, the do-not-call
list, idempotency records and leases."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from leadline.db.base import Base, IdMixin
from leadline.db.types import IdType, JsonType, UTCDateTime, utcnow


class InboxEvent(IdMixin, Base):
    """A raw partner push or submission, with the answer it got.

    ``partner_id`` is the partner's own id (``phoneCallId``, ``leadUUID``); among the
    accepted events it is unique per (account, source, kind, partner), so a retry of an
    accepted push is recognised by the database while two portals of one group may reuse
    each other's ids. Refused pushes are kept too, once each.
    """

    __tablename__ = "inbox_events"
    __table_args__ = (
        Index(
            "uq_inbox_events_partner_id",
            "account_id",
            "source",
            "kind",
            "partner",
            "partner_id",
            unique=True,
            sqlite_where=text("accepted AND partner_id IS NOT NULL"),
            postgresql_where=text("accepted AND partner_id IS NOT NULL"),
        ),
        Index("ix_inbox_events_status", "account_id", "status", "received_at"),
    )

    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    # The interface it came through: ``portal``, ``dialler-api``, ``call-costs``…
    source: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64))
    partner_id: Mapped[str | None] = mapped_column(String(200))
    # The partner's own name for itself (``immobiliare.it``), when it gives one.
    partner: Mapped[str | None] = mapped_column(String(200))
    payload: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    source_ip: Mapped[str | None] = mapped_column(String(64))
    hook_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("portal_hooks.id", ondelete="SET NULL")
    )
    credential_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("api_credentials.id", ondelete="SET NULL")
    )
    accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    # What became of it: ``processed``, ``unknown_type``, ``dnc``, ``duplicate``,
    # ``existing_contact``, ``refused``, ``routed``, ``dismissed``…
    status: Mapped[str] = mapped_column(String(32))
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[dict[str, object] | None] = mapped_column(JsonType)
    lead_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("leads.id", ondelete="SET NULL"))
    contact_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("contacts.id", ondelete="SET NULL")
    )
    # Phone and e-mail it carried, normalised, so an erasure can find it.
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    email_lower: Mapped[str | None] = mapped_column(String(254), index=True)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    handled_by_user_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )


class DncEntry(IdMixin, Base):
    __tablename__ = "dnc_entries"
    __table_args__ = (UniqueConstraint("account_id", "number"),)

    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(500))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    added_by_user_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )
    source: Mapped[str | None] = mapped_column(String(64))


class IdempotencyRecord(IdMixin, Base):
    """The first answer to a request sent with an ``Idempotency-Key``."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("credential_id", "key"),)

    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    credential_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("api_credentials.id", ondelete="CASCADE")
    )
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    response_status: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class Lease(Base):
    """A named lease (``dialler-engine`` on SQLite, …) held by one process until it expires."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
