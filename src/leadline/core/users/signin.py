"""Signing a user in with a login and a password (or, where an interface allows it, one of
the user's API keys), behind the per login + IP lock-out."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core.credentials import service as credentials
from leadline.core.security import Keyring
from leadline.core.users import service as users
from leadline.core.vocabulary import Scope
from leadline.db.models import User


class Outcome(StrEnum):
    SIGNED_IN = "signed_in"
    REFUSED = "refused"
    LOCKED_OUT = "locked_out"


@dataclass(frozen=True)
class SignInResult:
    outcome: Outcome
    user: User | None = None


async def verify(
    session: AsyncSession,
    *,
    realm: str,
    login: str,
    secret: str,
    ip: str,
    keyring: Keyring | None = None,
    key_scope: Scope | None = None,
) -> SignInResult:
    """Check a login and secret without writing anything; the caller records a refusal
    with :func:`users.record_failure` (in a transaction of its own, so it counts even
    though the request fails)."""
    if not login or not secret:
        return SignInResult(Outcome.REFUSED)
    if await users.is_locked_out(session, realm, login, ip):
        return SignInResult(Outcome.LOCKED_OUT)
    if keyring is not None and key_scope is not None:
        user = await users.find_by_login(session, login)
        if (
            user is not None
            and user.active
            and await credentials.user_key_matching(
                session, keyring, user.id, secret, key_scope, ip
            )
            is not None
        ):
            return SignInResult(Outcome.SIGNED_IN, user)
    user = await users.check_password(session, login, secret)
    if user is None:
        return SignInResult(Outcome.REFUSED)
    return SignInResult(Outcome.SIGNED_IN, user)
