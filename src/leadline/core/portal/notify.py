"""Which portal pushes an agency hears of by e-mail: every call that reached nobody and
every e-mail lead, sent to the agency's and to the hook's notification address (each
once). What is stored is the facts; the mail adapter words them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.mail import service as mail
from leadline.core.webhooks.service import iso
from leadline.db.models import Agency, InboxEvent, Listing, MailMessage, PortalHook


async def notify_agency(
    session: AsyncSession,
    *,
    kind: str,
    hook: PortalHook,
    agency: Agency,
    listing: Listing,
    event: InboxEvent,
    contact_id: int,
    caller: str,
    at: datetime,
    details: dict[str, object],
) -> list[MailMessage]:
    """Queue the e-mail in the push's transaction (nothing when nobody asked for one)."""
    recipients = (agency.notify_email, hook.notify_email)
    if not any(recipients):
        return []
    payload: dict[str, object] = {
        "caller": caller,
        "at": iso(at),
        "timezone": hook.timezone,
        "contactId": contact_id,
        "source": event.partner,
        "agency": {"externalId": agency.external_id, "name": agency.name},
        "listing": {
            "externalId": listing.external_id,
            "portalId": listing.portal_listing_id,
            "title": listing.title,
        },
        **details,
    }
    return await mail.enqueue(
        session, hook.account_id, kind, payload, recipients, inbox_event_id=event.id
    )
