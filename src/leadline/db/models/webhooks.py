"""Outbound webhooks: an account's subscriptions, the outbox of events and one delivery
per (event, subscription)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadline.db.base import Base, IdMixin
from leadline.db.models.outbox import OutboxMixin
from leadline.db.types import IdType, JsonType, UTCDateTime, utcnow


class WebhookSubscription(IdMixin, Base):
    """Where an account wants its events. ``secret`` is the HMAC key the receiver shares:
    it is kept as given (the signature needs it) but shown only once, at creation."""

    __tablename__ = "webhook_subscriptions"

    account_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2000))
    event_types: Mapped[list[str]] = mapped_column(JsonType)
    secret: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WebhookEvent(IdMixin, Base):
    """The outbox: written in the transaction of the change it tells of."""

    __tablename__ = "webhook_events"
    __table_args__ = (Index("ix_webhook_events_account", "account_id", "occurred_at"),)

    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    payload: Mapped[dict[str, object]] = mapped_column(JsonType)
    # Deliveries of one subscription with the same key go out in event order.
    ordering_key: Mapped[str | None] = mapped_column(String(100))


class WebhookDelivery(OutboxMixin, Base):
    """One event for one subscription: ``pending`` until ``delivered`` or ``failed``."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "subscription_id"),
        Index("ix_webhook_deliveries_due", "state", "next_attempt_at"),
        Index("ix_webhook_deliveries_order", "subscription_id", "ordering_key", "state"),
    )

    event_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("webhook_events.id", ondelete="CASCADE")
    )
    subscription_id: Mapped[int] = mapped_column(
        IdType, ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    # Copied from the event so the ordering check needs no join.
    ordering_key: Mapped[str | None] = mapped_column(String(100))
