"""What happened: calls, web leads and events (activities), dial attempts, media, costs."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from leadline.db.base import Base, IdMixin
from leadline.db.types import IdType, JsonType, Money, UTCDateTime, utcnow


class Activity(IdMixin, Base):
    """One thing that happened with a contact: ``call.inbound``, ``call.outbound``,
    ``web.lead``, ``crm.event``, … ``status`` holds a call's outcome name."""

    __tablename__ = "activities"
    __table_args__ = (
        Index("ix_activities_account_id_id", "account_id", "id"),
        Index("ix_activities_contact", "contact_id", "started_at"),
        Index("ix_activities_lead", "lead_id"),
        Index("ix_activities_company", "company_id"),
        Index("ix_activities_call_match", "account_id", "from_number", "to_number", "started_at"),
        Index("ix_activities_campaign_started", "campaign_id", "started_at"),
    )

    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    activity_type: Mapped[str] = mapped_column(String(32))
    direction: Mapped[str | None] = mapped_column(String(16))
    from_number: Mapped[str | None] = mapped_column(String(20))
    to_number: Mapped[str | None] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    wrapped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    # {"ivr":…, "queue":…, "hold":…, "interaction":…, "wrap":…, "talk":…, "dial":…}
    durations: Mapped[dict[str, int]] = mapped_column(JsonType, default=dict)
    status: Mapped[str | None] = mapped_column(String(64))
    contact_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("contacts.id", ondelete="SET NULL")
    )
    company_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("companies.id", ondelete="SET NULL")
    )
    lead_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("leads.id", ondelete="SET NULL"))
    campaign_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("campaigns.id", ondelete="SET NULL")
    )
    agent_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("activities.id", ondelete="SET NULL")
    )
    root_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("activities.id", ondelete="SET NULL")
    )
    agency_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("agencies.id", ondelete="SET NULL"), index=True
    )
    listing_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("listings.id", ondelete="SET NULL"), index=True
    )
    inbox_event_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("inbox_events.id", ondelete="SET NULL")
    )
    subject: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    # Where it came from: a portal name (``immobiliare.it``), ``softphone``, ``dialler``…
    source: Mapped[str | None] = mapped_column(String(200))
    # The partner's own id of it (``phoneCallId``, ``leadUUID``) when there is one.
    source_ref: Mapped[str | None] = mapped_column(String(200))
    wrap_code: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, object]] = mapped_column(JsonType, default=dict)
    created_by_user_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DialAttempt(IdMixin, Base):
    """One outbound dial of one lead's phone. ``state`` moves
    ``dialling`` → ``connected`` → ``ended`` (→ ``wrapped``)."""

    __tablename__ = "dial_attempts"
    __table_args__ = (
        Index("ix_dial_attempts_account_id_id", "account_id", "id"),
        Index("ix_dial_attempts_lead", "lead_id"),
        Index("ix_dial_attempts_campaign_dialled", "campaign_id", "dialled_at"),
        # Live calls, for the engine's lease recovery and pacing.
        Index(
            "ix_dial_attempts_live",
            "state",
            "lease_expires_at",
            sqlite_where=text("state IN ('dialling', 'connected')"),
            postgresql_where=text("state IN ('dialling', 'connected')"),
        ),
    )

    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    lead_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("leads.id", ondelete="SET NULL"))
    campaign_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("campaigns.id", ondelete="SET NULL")
    )
    agent_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    activity_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("activities.id", ondelete="SET NULL")
    )
    phone_index: Mapped[int] = mapped_column(Integer)
    phone_number: Mapped[str] = mapped_column(String(20))
    dial_status_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("dial_statuses.id"))
    state: Mapped[str] = mapped_column(String(16), default="dialling")
    dialled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hangup_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    wrapped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    wrap_code: Mapped[str | None] = mapped_column(String(64))
    notes: Mapped[str | None] = mapped_column(Text)
    worker_id: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    backend_call_id: Mapped[str | None] = mapped_column(String(200))


class Media(IdMixin, Base):
    """An audio file (recording or voicemail); metadata outlives a deleted file."""

    __tablename__ = "media"

    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    activity_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("activities.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16), default="recording")
    content_type: Mapped[str] = mapped_column(String(64), default="audio/wav")
    storage_key: Mapped[str | None] = mapped_column(String(500))
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    duration_seconds: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_by_user_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )
    deletion_reason: Mapped[str | None] = mapped_column(String(500))


class CallCost(IdMixin, Base):
    """What a call cost, append-only. A call's current cost is its row with ``is_current``."""

    __tablename__ = "call_costs"
    __table_args__ = (
        Index(
            "uq_call_costs_current",
            "activity_id",
            unique=True,
            sqlite_where=text("is_current AND activity_id IS NOT NULL"),
            postgresql_where=text("is_current AND activity_id IS NOT NULL"),
        ),
        Index(
            "uq_call_costs_idempotency",
            "credential_id",
            "idempotency_key",
            unique=True,
            sqlite_where=text("idempotency_key IS NOT NULL"),
            postgresql_where=text("idempotency_key IS NOT NULL"),
        ),
        Index("ix_call_costs_fingerprint", "credential_id", "fingerprint", "created_at"),
        Index("ix_call_costs_account_billed", "account_id", "date_billed"),
        Index("ix_call_costs_lead", "lead_id"),
    )

    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    activity_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("activities.id", ondelete="SET NULL")
    )
    lead_id: Mapped[int | None] = mapped_column(IdType, ForeignKey("leads.id", ondelete="SET NULL"))
    credential_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("api_credentials.id", ondelete="SET NULL")
    )
    cost: Mapped[Decimal] = mapped_column(Money())
    date_billed: Mapped[datetime] = mapped_column(UTCDateTime())
    call_date: Mapped[datetime] = mapped_column(UTCDateTime())
    call_from: Mapped[str | None] = mapped_column(String(20))
    call_to: Mapped[str | None] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(32), default="ingress")
    ip_address: Mapped[str | None] = mapped_column(String(64))
    notes: Mapped[str | None] = mapped_column(Text)
    attributed: Mapped[bool] = mapped_column(Boolean, default=False)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    first_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    # A hash of what identifies a repeat (credential, did, cid, cost, call_date as sent).
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    response: Mapped[dict[str, object] | None] = mapped_column(JsonType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
