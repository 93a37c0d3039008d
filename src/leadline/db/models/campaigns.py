"""Campaigns, their lists, and the account's status vocabulary."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from leadline.db.base import Base, IdMixin, TimestampsMixin
from leadline.db.types import IdType, JsonType


class Campaign(IdMixin, TimestampsMixin, Base):
    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("campaign_type IN ('inbound', 'outbound')", name="campaign_type"),
        CheckConstraint(
            "dialling_mode IN ('preview', 'progressive', 'predictive')", name="dialling_mode"
        ),
        # At most one default inbound campaign per account (softphone leads land there).
        Index(
            "uq_campaigns_default_inbound",
            "account_id",
            unique=True,
            sqlite_where=text("is_default_inbound"),
            postgresql_where=text("is_default_inbound"),
        ),
    )

    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    campaign_type: Mapped[str] = mapped_column(String(16), default="outbound")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    dialling_mode: Mapped[str] = mapped_column(String(16), default="progressive")
    # {"mon": [["09:00", "21:00"]], ...}; a weekday absent or empty means no calls that day.
    calling_hours: Mapped[dict[str, list[list[str]]]] = mapped_column(JsonType, default=dict)
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    # Seconds to wait before the next attempt, by dial status id (as a string key).
    retry_delays: Mapped[dict[str, int]] = mapped_column(JsonType, default=dict)
    # Percent of answered calls per day that may be abandoned (predictive mode).
    max_abandon_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("3.00"))
    abandon_message: Mapped[str | None] = mapped_column(Text)
    caller_id: Mapped[str | None] = mapped_column(String(20))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_default_inbound: Mapped[bool] = mapped_column(Boolean, default=False)
    # Free settings of the telephony backend for this campaign (e.g. simulated rates).
    dialler_options: Mapped[dict[str, object]] = mapped_column(JsonType, default=dict)


class LeadList(IdMixin, TimestampsMixin, Base):
    __tablename__ = "lead_lists"
    __table_args__ = (
        Index(
            "uq_lead_lists_default",
            "campaign_id",
            unique=True,
            sqlite_where=text("is_default"),
            postgresql_where=text("is_default"),
        ),
    )

    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    campaign_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    weight: Mapped[int] = mapped_column(Integer, default=1)
    in_dialler: Mapped[bool] = mapped_column(Boolean, default=True)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)


class LeadStatusCode(IdMixin, Base):
    __tablename__ = "lead_status_codes"
    __table_args__ = (UniqueConstraint("account_id", "code"),)

    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    code: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(200))
    is_final: Mapped[bool] = mapped_column(Boolean, default=False)


class DialStatus(Base):
    """The fixed vocabulary of dial-attempt outcomes (1 Answered … 8 Voicemail)."""

    __tablename__ = "dial_statuses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(64))


class WrapCode(IdMixin, Base):
    __tablename__ = "wrap_codes"
    __table_args__ = (UniqueConstraint("account_id", "code"),)

    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(200))
    status_code: Mapped[int] = mapped_column(Integer)
