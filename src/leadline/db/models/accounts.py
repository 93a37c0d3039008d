"""Accounts, their people and their credentials."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from leadline.db.base import Base, IdMixin, TimestampsMixin
from leadline.db.types import IdType, JsonType, UTCDateTime, utcnow


class Account(IdMixin, TimestampsMixin, Base):
    __tablename__ = "accounts"

    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    phone_region: Mapped[str] = mapped_column(String(2), default="GB")
    language: Mapped[str] = mapped_column(String(8), default="ru")
    # Feature switches: the call-cost interface answers 403 while either is off.
    call_cost_ingress: Mapped[bool] = mapped_column(Boolean, default=True)
    call_log: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class User(IdMixin, TimestampsMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("user_type IN ('agent', 'user')", name="user_type"),
        CheckConstraint("role IN ('admin', 'agent')", name="role"),
    )

    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    # Unique across every account: the softphone sends a login and no account.
    login: Mapped[str] = mapped_column(String(150), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    user_type: Mapped[str] = mapped_column(String(16), default="agent")
    role: Mapped[str] = mapped_column(String(16), default="agent")
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    available: Mapped[bool] = mapped_column(Boolean, default=False)
    available_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the agent signs in to the console or the dialler panel; None = logged out.
    logged_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part) or self.login


class CampaignMember(Base):
    __tablename__ = "campaign_members"

    campaign_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ApiCredential(IdMixin, TimestampsMixin, Base):
    """A public id plus a secret stored only as a keyed hash (HMAC with SECRET_KEY)."""

    __tablename__ = "api_credentials"

    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    # Owned by one user when set: it then acts as, and sees only what, that user may.
    user_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    public_id: Mapped[str] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(200), default="")
    scopes: Mapped[list[str]] = mapped_column(JsonType, default=list)
    allowed_ips: Mapped[list[str]] = mapped_column(JsonType, default=list)
    allowed_endpoints: Mapped[list[str]] = mapped_column(JsonType, default=list)
    rate_limit_per_second: Mapped[int] = mapped_column(Integer, default=50)
    rate_limit_burst: Mapped[int] = mapped_column(Integer, default=100)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuthFailure(IdMixin, Base):
    """One failed sign-in, kept to lock out a login + IP pair after repeated failures."""

    __tablename__ = "auth_failures"
    __table_args__ = (Index("ix_auth_failures_lookup", "realm", "login", "ip", "failed_at"),)

    realm: Mapped[str] = mapped_column(String(32))
    login: Mapped[str] = mapped_column(String(150))
    ip: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditLog(IdMixin, Base):
    __tablename__ = "audit_log"

    account_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    actor_user_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )
    actor_credential_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("api_credentials.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str | None] = mapped_column(String(64))
    target_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, object]] = mapped_column(JsonType, default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
