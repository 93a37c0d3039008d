"""Wrap codes: what an agent picks at the end of a call, each setting a lead status.
Calls keep the code as text, so renaming the description or removing a code never
changes a recorded call."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.errors import Conflict, ValidationFailed
from leadline.core.ownership import get_owned
from leadline.db.models import LeadStatusCode, WrapCode

MAX_CODE_LENGTH = 64
MAX_DESCRIPTION_LENGTH = 200
_CODE = re.compile(r"^[A-Za-z0-9_.-]+$")


def _check_code(code: str) -> str:
    code = code.strip()
    if not code or len(code) > MAX_CODE_LENGTH or not _CODE.match(code):
        raise ValidationFailed.single(
            "code", f"1 to {MAX_CODE_LENGTH} letters, digits and . _ - (no spaces)"
        )
    return code


def _check_description(description: str) -> str:
    description = description.strip()
    if not description or len(description) > MAX_DESCRIPTION_LENGTH:
        raise ValidationFailed.single("description", f"1 to {MAX_DESCRIPTION_LENGTH} characters")
    return description


async def status_codes(session: AsyncSession, account_id: int) -> list[LeadStatusCode]:
    return list(
        await session.scalars(
            select(LeadStatusCode)
            .where(LeadStatusCode.account_id == account_id)
            .order_by(LeadStatusCode.code)
        )
    )


async def _check_status(session: AsyncSession, account_id: int, status_code: int) -> int:
    known = {status.code for status in await status_codes(session, account_id)}
    if status_code not in known:
        raise ValidationFailed.single("statusCode", "one of the account's lead statuses")
    return status_code


async def create_wrap_code(
    session: AsyncSession, *, account_id: int, code: str, description: str, status_code: int
) -> WrapCode:
    wrap_code = WrapCode(
        account_id=account_id,
        code=_check_code(code),
        description=_check_description(description),
        status_code=await _check_status(session, account_id, status_code),
    )
    try:
        async with session.begin_nested():
            session.add(wrap_code)
    except IntegrityError:
        raise Conflict(f"wrap code {wrap_code.code!r} already exists") from None
    return wrap_code


async def get_wrap_code(session: AsyncSession, account_id: int, wrap_code_id: int) -> WrapCode:
    return await get_owned(session, WrapCode, account_id, wrap_code_id, "wrap code")


async def update_wrap_code(
    session: AsyncSession, wrap_code: WrapCode, *, description: str, status_code: int
) -> WrapCode:
    """Change what a code says and the status it sets (the code itself stays: calls
    already wrapped with it keep pointing at it)."""
    wrap_code.description = _check_description(description)
    wrap_code.status_code = await _check_status(session, wrap_code.account_id, status_code)
    await session.flush()
    return wrap_code


async def delete_wrap_code(session: AsyncSession, wrap_code: WrapCode) -> None:
    await session.delete(wrap_code)
    await session.flush()
