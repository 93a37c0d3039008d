"""The worker's mail job: the core's outbox delivery with this adapter's wording and
SMTP transport, as the settings say."""

from __future__ import annotations

from leadline.adapters.mail.compose import Composer
from leadline.adapters.mail.smtp import SmtpTransport
from leadline.config import Settings
from leadline.core.mail.delivery import deliver_due
from leadline.db.engine import Database


def composer(settings: Settings) -> Composer:
    return Composer(public_url=settings.public_url, sender=settings.smtp_from)


async def send_due_mail(settings: Settings, db: Database, holder: str) -> int:
    """Send the due agency e-mails; the number attempted."""
    return await deliver_due(db, holder, composer(settings), SmtpTransport.from_settings(settings))
