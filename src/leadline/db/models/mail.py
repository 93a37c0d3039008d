"""The outbox of e-mails to agencies: one row per message and recipient, written in the
transaction of the portal push that caused it and sent by the worker."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from leadline.db.base import Base
from leadline.db.models.outbox import OutboxMixin
from leadline.db.types import IdType, JsonType, UTCDateTime, utcnow


class MailMessage(OutboxMixin, Base):
    """What to tell (``kind`` and the facts in ``payload``), not the rendered text: the
    message is composed when it is sent, so a replay uses the current templates."""

    __tablename__ = "mail_messages"
    __table_args__ = (
        Index("ix_mail_messages_due", "state", "next_attempt_at"),
        Index("ix_mail_messages_account", "account_id", "created_at"),
    )

    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    # Erasing the push (and the person in it) erases the message too.
    inbox_event_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("inbox_events.id", ondelete="CASCADE"), index=True
    )
    recipient: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, object]] = mapped_column(JsonType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
