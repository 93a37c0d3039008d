"""Users: the people who sign in (agents and account users), their passwords and
availability, and the lock-out that stops password guessing."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core import clock
from leadline.core.errors import Conflict, ValidationFailed
from leadline.core.ownership import get_owned
from leadline.core.security import hash_password, password_needs_rehash, verify_password
from leadline.db.models import AuthFailure, User

USER_TYPES = ("agent", "user")
ROLES = ("admin", "agent")
LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 6
MAX_NAME_LENGTH = 100
MAX_EMAIL_LENGTH = 254
_LOGIN = re.compile(r"^[\w.@+-]{1,150}$")


async def create_user(
    session: AsyncSession,
    *,
    account_id: int,
    login: str,
    password: str,
    user_type: str = "agent",
    role: str = "agent",
    first_name: str = "",
    last_name: str = "",
    email: str | None = None,
    available: bool = False,
) -> User:
    errors: dict[str, list[str]] = {}
    if not _LOGIN.match(login):
        errors["login"] = ["letters, digits and . @ + - _ only, at most 150"]
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = [f"at least {MIN_PASSWORD_LENGTH} characters"]
    if user_type not in USER_TYPES:
        errors["userType"] = ["agent or user"]
    if role not in ROLES:
        errors["role"] = ["admin or agent"]
    for field, value in (("firstName", first_name), ("lastName", last_name)):
        if len(value) > MAX_NAME_LENGTH:
            errors[field] = [f"at most {MAX_NAME_LENGTH} characters"]
    if email is not None and (len(email) > MAX_EMAIL_LENGTH or "@" not in email):
        errors["email"] = ["an e-mail address"]
    if errors:
        raise ValidationFailed(errors)
    user = User(
        account_id=account_id,
        login=login,
        password_hash=hash_password(password),
        user_type=user_type,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        available=available,
        available_changed_at=clock.now() if available else None,
    )
    try:
        async with session.begin_nested():
            session.add(user)
    except IntegrityError:
        raise Conflict(f"login {login!r} is taken") from None
    return user


async def get_user(session: AsyncSession, account_id: int, user_id: int) -> User:
    return await get_owned(session, User, account_id, user_id, "user")


async def find_by_login(session: AsyncSession, login: str) -> User | None:
    return await session.scalar(select(User).where(User.login == login))


async def set_password(session: AsyncSession, user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed.single("password", f"at least {MIN_PASSWORD_LENGTH} characters")
    user.password_hash = hash_password(password)
    await session.flush()


async def check_password(session: AsyncSession, login: str, password: str) -> User | None:
    """The active user with this login and password, or None. Upgrades old hashes."""
    user = await find_by_login(session, login)
    if user is None or not user.active:
        # Spend the same time as a real check, so logins cannot be probed by timing.
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


async def set_availability(session: AsyncSession, user: User, available: bool) -> User:
    if user.available != available:
        user.available = available
        user.available_changed_at = clock.now()
        await session.flush()
    return user


async def is_locked_out(session: AsyncSession, realm: str, login: str, ip: str) -> bool:
    since = clock.now() - LOCKOUT_WINDOW
    failures = await session.scalar(
        select(func.count())
        .select_from(AuthFailure)
        .where(
            AuthFailure.realm == realm,
            AuthFailure.login == login,
            AuthFailure.ip == ip,
            AuthFailure.failed_at >= since,
        )
    )
    return (failures or 0) >= LOCKOUT_FAILURES


async def record_failure(session: AsyncSession, realm: str, login: str, ip: str) -> None:
    session.add(AuthFailure(realm=realm, login=login[:150], ip=ip[:64]))
    await session.flush()


async def clear_failures(session: AsyncSession, realm: str, login: str, ip: str) -> None:
    await session.execute(
        delete(AuthFailure).where(
            AuthFailure.realm == realm, AuthFailure.login == login, AuthFailure.ip == ip
        )
    )


async def list_users(session: AsyncSession, account_id: int) -> list[User]:
    return list(
        await session.scalars(select(User).where(User.account_id == account_id).order_by(User.id))
    )


async def _is_last_admin(session: AsyncSession, user: User) -> bool:
    if user.role != "admin" or not user.active:
        return False
    others = await session.scalar(
        select(func.count())
        .select_from(User)
        .where(
            User.account_id == user.account_id,
            User.role == "admin",
            User.active.is_(True),
            User.id != user.id,
        )
    )
    return not others


async def set_role(session: AsyncSession, user: User, role: str) -> User:
    """Change a user's role; the account's last active admin stays an admin, so the
    account can always be administered."""
    if role not in ROLES:
        raise ValidationFailed.single("role", "admin or agent")
    if role != "admin" and await _is_last_admin(session, user):
        raise Conflict("the account's last admin cannot stop being an admin")
    user.role = role
    await session.flush()
    return user


async def set_active(session: AsyncSession, user: User, active: bool) -> User:
    """Deactivate (no more sign-in) or reactivate a user; never the last active admin."""
    if not active and await _is_last_admin(session, user):
        raise Conflict("the account's last admin cannot be deactivated")
    user.active = active
    await session.flush()
    return user


_DUMMY_HASH = hash_password("leadline-timing-equaliser")
