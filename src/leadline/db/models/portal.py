"""Real-estate portal hooks, the agencies they serve and their listings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadline.db.base import Base, IdMixin, TimestampsMixin
from leadline.db.types import IdType, JsonType, UTCDateTime


class PortalHook(IdMixin, TimestampsMixin, Base):
    """A URL a portal pushes to; the token in the URL is the credential (stored hashed)."""

    __tablename__ = "portal_hooks"

    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Rome")
    phone_region: Mapped[str] = mapped_column(String(2), default="IT")
    basic_user: Mapped[str | None] = mapped_column(String(150))
    basic_password_hash: Mapped[str | None] = mapped_column(String(255))
    allowed_ips: Mapped[list[str]] = mapped_column(JsonType, default=list)
    callback_campaign_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("campaigns.id", ondelete="SET NULL")
    )
    auto_register_listings: Mapped[bool] = mapped_column(Boolean, default=False)
    notify_email: Mapped[str | None] = mapped_column(String(254))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Agency(IdMixin, TimestampsMixin, Base):
    __tablename__ = "agencies"
    __table_args__ = (
        UniqueConstraint("account_id", "external_id"),
        Index("ix_agencies_portal_id", "account_id", "portal_agency_id"),
    )

    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(100))
    portal_agency_id: Mapped[int | None] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    callback_campaign_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("campaigns.id", ondelete="SET NULL")
    )
    notify_email: Mapped[str | None] = mapped_column(String(254))


class Listing(IdMixin, TimestampsMixin, Base):
    __tablename__ = "listings"
    __table_args__ = (
        UniqueConstraint("agency_id", "external_id"),
        Index("ix_listings_portal_id", "agency_id", "portal_listing_id"),
    )

    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    agency_id: Mapped[int] = mapped_column(IdType, ForeignKey("agencies.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(100))
    portal_listing_id: Mapped[int | None] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(300), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
