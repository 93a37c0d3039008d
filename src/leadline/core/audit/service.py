"""The audit log: who changed what, when."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from leadline.db.models import AuditLog


async def record(
    session: AsyncSession,
    *,
    account_id: int | None,
    action: str,
    target_type: str | None = None,
    target_id: object = None,
    actor_user_id: int | None = None,
    actor_credential_id: int | None = None,
    details: dict[str, object] | None = None,
    note: str | None = None,
) -> AuditLog:
    entry = AuditLog(
        account_id=account_id,
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        actor_user_id=actor_user_id,
        actor_credential_id=actor_credential_id,
        details=details or {},
        note=note,
    )
    session.add(entry)
    await session.flush()
    return entry
