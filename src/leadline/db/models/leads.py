"""Leads: a person to call in a campaign, and the types suppliers post them under."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from leadline.db.base import Base, IdMixin, TimestampsMixin
from leadline.db.types import IdType, JsonType, Money, UTCDateTime


class Lead(IdMixin, TimestampsMixin, Base):
    """A lead is *open* while ``completed_at`` is null; cancelling completes it (status 9)."""

    __tablename__ = "leads"
    __table_args__ = (
        # One open lead per person per campaign: the rule every interface relies on.
        Index(
            "uq_leads_open_per_contact",
            "campaign_id",
            "contact_id",
            unique=True,
            sqlite_where=text("completed_at IS NULL"),
            postgresql_where=text("completed_at IS NULL"),
        ),
        Index(
            "uq_leads_customer_key",
            "list_id",
            "customer_key",
            unique=True,
            sqlite_where=text("customer_key IS NOT NULL"),
            postgresql_where=text("customer_key IS NOT NULL"),
        ),
        # The hopper's index: due open leads of a campaign, soonest first.
        Index(
            "ix_leads_dialable",
            "campaign_id",
            "dialable_at",
            sqlite_where=text("completed_at IS NULL"),
            postgresql_where=text("completed_at IS NULL"),
        ),
        # The hopper reads each list in the dialler by this index, so list weights cost
        # nothing and a list out of the dialler is never scanned.
        Index(
            "ix_leads_list_dialable",
            "list_id",
            "dialable_at",
            sqlite_where=text("completed_at IS NULL"),
            postgresql_where=text("completed_at IS NULL"),
        ),
        # The few leads that go first (call-backs, abandoned calls, agent-assigned leads).
        Index(
            "ix_leads_preferred",
            "campaign_id",
            "dialable_at",
            sqlite_where=text(
                "completed_at IS NULL AND (priority > 0 OR assigned_agent_id IS NOT NULL)"
            ),
            postgresql_where=text(
                "completed_at IS NULL AND (priority > 0 OR assigned_agent_id IS NOT NULL)"
            ),
        ),
        Index("ix_leads_account_id_id", "account_id", "id"),
        # The console's leads table: each filter walks its own index in id order.
        Index("ix_leads_account_status", "account_id", "status_code", "id"),
        Index("ix_leads_account_source", "account_id", "source", "id"),
        # Leading with the account, so a capped count reads this index alone.
        Index("ix_leads_account_campaign_status", "account_id", "campaign_id", "status_code", "id"),
        Index("ix_leads_account_customer_key", "account_id", "customer_key"),
        Index("ix_leads_contact", "contact_id"),
        # Partial: most leads (bulk, API) have no lead type and no agent, and an index
        # entry per such lead was paid for on every insert and never read.
        Index(
            "ix_leads_type",
            "account_id",
            "lead_type_id",
            "contact_id",
            sqlite_where=text("lead_type_id IS NOT NULL"),
            postgresql_where=text("lead_type_id IS NOT NULL"),
        ),
        Index(
            "ix_leads_assigned_agent_id",
            "assigned_agent_id",
            sqlite_where=text("assigned_agent_id IS NOT NULL"),
            postgresql_where=text("assigned_agent_id IS NOT NULL"),
        ),
    )

    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    campaign_id: Mapped[int] = mapped_column(IdType, ForeignKey("campaigns.id", ondelete="CASCADE"))
    list_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("lead_lists.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int] = mapped_column(IdType, ForeignKey("contacts.id", ondelete="CASCADE"))
    customer_key: Mapped[str | None] = mapped_column(String(200))
    timezone: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, object]] = mapped_column(JsonType, default=dict)
    status_code: Mapped[int] = mapped_column(Integer, default=1)
    assigned_agent_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )
    # When the lead may be called next, as asked (API, retry rules, call-back).
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the dialler may really call it: next_attempt_at moved into calling hours.
    dialable_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Higher goes first among due leads (call-backs, abandoned calls).
    priority: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_dial_status_id: Mapped[int | None] = mapped_column(Integer)
    last_wrap_code: Mapped[str | None] = mapped_column(String(64))
    next_phone_index: Mapped[int] = mapped_column(Integer, default=1)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cost: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    source: Mapped[str | None] = mapped_column(String(200))
    lead_type_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("lead_types.id", ondelete="SET NULL")
    )
    subtype: Mapped[str | None] = mapped_column(String(100))
    # The dialler's claim: which worker holds the lead and until when.
    locked_by: Mapped[str | None] = mapped_column(String(64))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Reserved for one agent in preview mode.
    reserved_for_agent_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )

    @property
    def is_open(self) -> bool:
        return self.completed_at is None


class LeadPhone(IdMixin, Base):
    __tablename__ = "lead_phones"
    __table_args__ = (
        UniqueConstraint("lead_id", "phone_index"),
        CheckConstraint("phone_index BETWEEN 1 AND 3", name="phone_index"),
        Index("ix_lead_phones_tail", "account_id", "tail"),
        Index("ix_lead_phones_number", "account_id", "number"),
    )

    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    lead_id: Mapped[int] = mapped_column(IdType, ForeignKey("leads.id", ondelete="CASCADE"))
    phone_index: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(20))
    tail: Mapped[str] = mapped_column(String(9))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_dial_status_id: Mapped[int | None] = mapped_column(Integer)


class LeadType(IdMixin, TimestampsMixin, Base):
    __tablename__ = "lead_types"
    __table_args__ = (UniqueConstraint("account_id", "code"),)

    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(100))
    campaign_id: Mapped[int] = mapped_column(IdType, ForeignKey("campaigns.id", ondelete="CASCADE"))
    list_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("lead_lists.id", ondelete="SET NULL")
    )
    duplicate_window_days: Mapped[int] = mapped_column(Integer, default=30)


class LeadSubtypeList(IdMixin, Base):
    __tablename__ = "lead_subtype_lists"
    __table_args__ = (UniqueConstraint("lead_type_id", "subtype"),)

    lead_type_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("lead_types.id", ondelete="CASCADE")
    )
    subtype: Mapped[str] = mapped_column(String(100))
    list_id: Mapped[int] = mapped_column(IdType, ForeignKey("lead_lists.id", ondelete="CASCADE"))
