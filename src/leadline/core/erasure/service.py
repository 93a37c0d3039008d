"""Erasing one person (GDPR): every record that names them by phone or e-mail.

Contacts found by the exact E.164 number or the e-mail (without case) are deleted with
their phones, e-mails and leads; their activities and cost rows stay for the statistics
with their personal content blanked; their recordings' audio is deleted (the metadata
says when and why); the raw partner pushes that carried them are deleted. The audit log
keeps only a SHA-256 of what was asked. Nothing of another account is ever read.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core import clock
from leadline.core.accounts.service import get_account
from leadline.core.audit.service import record
from leadline.core.compliance import dnc
from leadline.core.errors import InvalidPhone, ValidationFailed
from leadline.core.phones import parse
from leadline.db.models import (
    Activity,
    CallCost,
    Contact,
    ContactEmail,
    DialAttempt,
    InboxEvent,
    Lead,
    LeadPhone,
    Media,
    Phone,
)

#: Deletes one stored media file by its storage key (sync or async).
DeleteFile = Callable[[str], Awaitable[object] | object]
ERASURE_REASON = "erasure"


@dataclass
class ErasureResult:
    contacts_erased: int = 0
    leads_deleted: int = 0
    activities_erased: int = 0
    recordings_deleted: int = 0
    #: Files of the deleted recordings, for the media storage to remove.
    storage_keys: list[str] = field(default_factory=list)


def request_fingerprint(phone: str | None, email: str | None) -> str:
    """What the audit log keeps of an erasure request: a SHA-256, never the values."""
    return hashlib.sha256(f"{phone or ''}\n{email or ''}".encode()).hexdigest()


def _ids(values: Iterable[int | None]) -> list[int]:
    return sorted({value for value in values if value is not None})


async def erase_customer(
    session: AsyncSession,
    account_id: int,
    *,
    phone: str | None = None,
    email: str | None = None,
    add_to_dnc: bool = False,
    actor_user_id: int | None = None,
    actor_credential_id: int | None = None,
    delete_file: DeleteFile | None = None,
) -> ErasureResult:
    """Erase the person with this phone (read in the account's region) and/or e-mail.

    ``delete_file``, when given, is called with the storage key of each deleted recording
    (before the caller commits: pass None and use ``result.storage_keys`` after the
    commit to delete files only once the erasure is certain).
    """
    phone = (phone or "").strip() or None
    email = (email or "").strip() or None
    if phone is None and email is None:
        raise ValidationFailed(
            {
                "phoneNumber": ["a phone number or an e-mail address is required"],
                "emailAddress": ["a phone number or an e-mail address is required"],
            }
        )
    account = await get_account(session, account_id)
    number = None
    if phone is not None:
        try:
            number = parse(phone, account.phone_region)
        except InvalidPhone as exc:
            raise ValidationFailed.single("phoneNumber", exc.reason) from None
    email_lower = email.lower() if email is not None else None

    contact_ids = await _matching_contacts(session, account_id, number, email_lower)
    lead_filters: list[ColumnElement[bool]] = []
    if contact_ids:
        lead_filters.append(Lead.contact_id.in_(contact_ids))
    lead_ids = (
        _ids(
            await session.scalars(
                select(Lead.id).where(Lead.account_id == account_id, or_(*lead_filters))
            )
        )
        if lead_filters
        else []
    )

    result = ErasureResult(contacts_erased=len(contact_ids), leads_deleted=len(lead_ids))
    activity_ids = await _erase_activities(session, account_id, number, contact_ids, lead_ids)
    result.activities_erased = len(activity_ids)
    await _erase_call_costs(session, account_id, number, lead_ids, activity_ids)
    await _erase_dial_attempts(session, account_id, number, lead_ids)
    result.storage_keys, result.recordings_deleted = await _delete_recordings(
        session, account_id, activity_ids, actor_user_id
    )
    await _delete_inbox_events(session, account_id, number, email_lower, contact_ids, lead_ids)

    if number is not None:
        # The number on another person's lead, or a company's phone: that record goes.
        await session.execute(
            delete(LeadPhone).where(LeadPhone.account_id == account_id, LeadPhone.number == number)
        )
        await session.execute(
            delete(Phone).where(Phone.account_id == account_id, Phone.number == number)
        )
    if lead_ids:
        await session.execute(delete(LeadPhone).where(LeadPhone.lead_id.in_(lead_ids)))
        await session.execute(delete(Lead).where(Lead.id.in_(lead_ids)))
    if contact_ids:
        await session.execute(delete(Phone).where(Phone.contact_id.in_(contact_ids)))
        await session.execute(delete(ContactEmail).where(ContactEmail.contact_id.in_(contact_ids)))
        await session.execute(delete(Contact).where(Contact.id.in_(contact_ids)))

    if add_to_dnc and number is not None:
        await dnc.add(
            session,
            account_id=account_id,
            number=number,
            reason=ERASURE_REASON,
            added_by_user_id=actor_user_id,
            source=ERASURE_REASON,
        )
    await record(
        session,
        account_id=account_id,
        action="customer.erased",
        target_type="customer",
        actor_user_id=actor_user_id,
        actor_credential_id=actor_credential_id,
        details={
            "sha256": request_fingerprint(number, email_lower),
            "contactsErased": result.contacts_erased,
            "leadsDeleted": result.leads_deleted,
            "activitiesErased": result.activities_erased,
            "recordingsDeleted": result.recordings_deleted,
            "addedToDnc": bool(add_to_dnc and number is not None),
        },
    )
    await session.flush()
    session.expire_all()  # rows were changed behind the identity map's back
    if delete_file is not None:
        await delete_files(result.storage_keys, delete_file)
    return result


async def delete_files(keys: Iterable[str], delete_file: DeleteFile) -> None:
    for key in keys:
        outcome = delete_file(key)
        if inspect.isawaitable(outcome):
            await outcome


async def _matching_contacts(
    session: AsyncSession, account_id: int, number: str | None, email_lower: str | None
) -> list[int]:
    found: list[int | None] = []
    if number is not None:
        found += await session.scalars(
            select(Phone.contact_id).where(Phone.account_id == account_id, Phone.number == number)
        )
    if email_lower is not None:
        found += await session.scalars(
            select(ContactEmail.contact_id).where(
                ContactEmail.account_id == account_id, ContactEmail.address_lower == email_lower
            )
        )
    return _ids(found)


async def _erase_activities(
    session: AsyncSession,
    account_id: int,
    number: str | None,
    contact_ids: list[int],
    lead_ids: list[int],
) -> list[int]:
    filters: list[ColumnElement[bool]] = []
    if contact_ids:
        filters.append(Activity.contact_id.in_(contact_ids))
    if lead_ids:
        filters.append(Activity.lead_id.in_(lead_ids))
    if number is not None:
        filters += [Activity.from_number == number, Activity.to_number == number]
    if not filters:
        return []
    ids = _ids(
        await session.scalars(
            select(Activity.id).where(Activity.account_id == account_id, or_(*filters))
        )
    )
    if ids:
        # The row stays for the statistics (type, times, durations, outcome, agent).
        await session.execute(
            update(Activity)
            .where(Activity.id.in_(ids))
            .values(from_number=None, to_number=None, subject=None, description=None, data={})
            .execution_options(synchronize_session=False)
        )
    return ids


async def _erase_call_costs(
    session: AsyncSession,
    account_id: int,
    number: str | None,
    lead_ids: list[int],
    activity_ids: list[int],
) -> None:
    filters: list[ColumnElement[bool]] = []
    if lead_ids:
        filters.append(CallCost.lead_id.in_(lead_ids))
    if activity_ids:
        filters.append(CallCost.activity_id.in_(activity_ids))
    if number is not None:
        filters += [CallCost.call_from == number, CallCost.call_to == number]
    if filters:
        await session.execute(
            update(CallCost)
            .where(CallCost.account_id == account_id, or_(*filters))
            .values(call_from=None, call_to=None, notes=None)
            .execution_options(synchronize_session=False)
        )


async def _erase_dial_attempts(
    session: AsyncSession, account_id: int, number: str | None, lead_ids: list[int]
) -> None:
    filters: list[ColumnElement[bool]] = []
    if lead_ids:
        filters.append(DialAttempt.lead_id.in_(lead_ids))
    if number is not None:
        filters.append(DialAttempt.phone_number == number)
    if filters:
        await session.execute(
            update(DialAttempt)
            .where(DialAttempt.account_id == account_id, or_(*filters))
            .values(phone_number="", notes=None)
            .execution_options(synchronize_session=False)
        )


async def _delete_recordings(
    session: AsyncSession, account_id: int, activity_ids: list[int], actor_user_id: int | None
) -> tuple[list[str], int]:
    if not activity_ids:
        return [], 0
    rows = (
        await session.execute(
            select(Media.id, Media.storage_key).where(
                Media.account_id == account_id,
                Media.activity_id.in_(activity_ids),
                Media.deleted_at.is_(None),
            )
        )
    ).all()
    if rows:
        await mark_media_deleted(
            session, [media_id for media_id, _ in rows], ERASURE_REASON, actor_user_id
        )
    return [key for _, key in rows if key], len(rows)


async def mark_media_deleted(
    session: AsyncSession, media_ids: list[int], reason: str, actor_user_id: int | None = None
) -> None:
    """The audio is gone; the metadata stays, saying when, by whom and why."""
    await session.execute(
        update(Media)
        .where(Media.id.in_(media_ids))
        .values(deleted_at=clock.now(), deletion_reason=reason, deleted_by_user_id=actor_user_id)
        .execution_options(synchronize_session=False)
    )


async def _delete_inbox_events(
    session: AsyncSession,
    account_id: int,
    number: str | None,
    email_lower: str | None,
    contact_ids: list[int],
    lead_ids: list[int],
) -> None:
    filters: list[ColumnElement[bool]] = []
    if number is not None:
        filters.append(InboxEvent.phone == number)
    if email_lower is not None:
        filters.append(InboxEvent.email_lower == email_lower)
    if contact_ids:
        filters.append(InboxEvent.contact_id.in_(contact_ids))
    if lead_ids:
        filters.append(InboxEvent.lead_id.in_(lead_ids))
    await session.execute(
        delete(InboxEvent).where(InboxEvent.account_id == account_id, or_(*filters))
    )
