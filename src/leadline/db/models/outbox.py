"""The columns every outbox row shares (webhook deliveries, agency e-mails): its state,
its attempts and the lease of the worker sending it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from leadline.db.base import IdMixin
from leadline.db.types import UTCDateTime, utcnow


class OutboxMixin(IdMixin):
    """``pending`` until ``delivered`` or ``failed``."""

    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Who holds it and until when (a worker that dies lets the lease run out).
    lease_holder: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
