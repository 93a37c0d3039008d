"""API credentials: a public id and a secret, scoped, optionally bound to one user,
protected by IP and endpoint lists and rate-limited.

A single-token interface takes ``<public id>.<secret>``; the call-cost interface takes the
two halves separately (API ID and API key).
"""

from __future__ import annotations

import fnmatch
import ipaddress
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core import clock
from leadline.core.errors import AuthenticationFailed, NotFound, ValidationFailed
from leadline.core.ownership import get_owned
from leadline.core.security import Keyring, new_secret
from leadline.core.vocabulary import Scope
from leadline.db.models import ApiCredential

TOKEN_SEPARATOR = "."  # noqa: S105 - a separator, not a secret
MAX_NAME_LENGTH = 200
TOUCH_SECONDS = 60


@dataclass(frozen=True)
class IssuedCredential:
    credential: ApiCredential
    secret: str

    @property
    def token(self) -> str:
        return f"{self.credential.public_id}{TOKEN_SEPARATOR}{self.secret}"


def _check_scopes(scopes: Iterable[str]) -> list[str]:
    known = {scope.value for scope in Scope}
    result = sorted(set(scopes))
    unknown = [scope for scope in result if scope not in known]
    if unknown or not result:
        raise ValidationFailed.single("scope", f"scopes are {', '.join(sorted(known))}")
    return result


def normalise_ip_rules(rules: Iterable[str]) -> list[str]:
    """Addresses and CIDR ranges, each checked and written canonically."""
    result = []
    for rule in rules:
        try:
            result.append(str(ipaddress.ip_network(rule.strip(), strict=False)))
        except ValueError:
            raise ValidationFailed.single(
                "allowedIps", f"not an IP address or range: {rule!r}"
            ) from None
    return result


def normalise_endpoint_rules(rules: Iterable[str]) -> list[str]:
    result = []
    for rule in rules:
        rule = rule.strip()
        if not rule.startswith("/"):
            raise ValidationFailed.single("allowedEndpoints", f"a path starting with /: {rule!r}")
        result.append(rule)
    return result


def ip_in_rules(rules: Iterable[str], ip: str) -> bool:
    """True when ``rules`` (addresses and CIDR ranges) is empty or one of them holds ``ip``."""
    rules = list(rules)
    if not rules:
        return True
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(rule, strict=False) for rule in rules)


def ip_allowed(credential: ApiCredential, ip: str) -> bool:
    return ip_in_rules(credential.allowed_ips, ip)


def endpoint_in_rules(rules: Iterable[str], path: str) -> bool:
    """Endpoint protection: no rules, or any pattern matching the path (``*`` is a
    wildcard), allows."""
    rules = list(rules)
    if not rules:
        return True
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in rules)


def endpoint_allowed(credential: ApiCredential, path: str) -> bool:
    return endpoint_in_rules(credential.allowed_endpoints, path)


def _check_rate_limit(per_second: int, burst: int) -> None:
    if per_second < 1 or burst < 1:
        raise ValidationFailed.single("rateLimit", "at least 1 request per second")


async def set_protection(
    session: AsyncSession,
    credential: ApiCredential,
    *,
    allowed_ips: Iterable[str],
    allowed_endpoints: Iterable[str],
    rate_limit_per_second: int,
    rate_limit_burst: int,
) -> ApiCredential:
    """Change who may use a credential (IP allow-list), where (endpoint patterns) and how
    fast (rate limit); each checked as on creation. Empty lists allow everything."""
    _check_rate_limit(rate_limit_per_second, rate_limit_burst)
    credential.allowed_ips = normalise_ip_rules(allowed_ips)
    credential.allowed_endpoints = normalise_endpoint_rules(allowed_endpoints)
    credential.rate_limit_per_second = rate_limit_per_second
    credential.rate_limit_burst = rate_limit_burst
    await session.flush()
    return credential


async def create_credential(
    session: AsyncSession,
    keyring: Keyring,
    *,
    account_id: int,
    scopes: Iterable[str],
    name: str = "",
    user_id: int | None = None,
    allowed_ips: Iterable[str] = (),
    allowed_endpoints: Iterable[str] = (),
    rate_limit_per_second: int = 50,
    rate_limit_burst: int = 100,
    public_id: str | None = None,
    secret: str | None = None,
) -> IssuedCredential:
    """A new credential; the secret is returned here once and stored only as a hash."""
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationFailed.single("name", f"at most {MAX_NAME_LENGTH} characters")
    _check_rate_limit(rate_limit_per_second, rate_limit_burst)
    secret = secret or new_secret()
    credential = ApiCredential(
        account_id=account_id,
        user_id=user_id,
        public_id=public_id or f"ll{secrets.token_hex(8)}",
        secret_hash=keyring.hash(secret),
        name=name,
        scopes=_check_scopes(scopes),
        allowed_ips=normalise_ip_rules(allowed_ips),
        allowed_endpoints=normalise_endpoint_rules(allowed_endpoints),
        rate_limit_per_second=rate_limit_per_second,
        rate_limit_burst=rate_limit_burst,
    )
    session.add(credential)
    await session.flush()
    return IssuedCredential(credential, secret)


async def authenticate_pair(
    session: AsyncSession, keyring: Keyring, public_id: str, secret: str, scope: Scope
) -> ApiCredential:
    """The live credential with this id and secret and scope, or AuthenticationFailed."""
    credential = await session.scalar(
        select(ApiCredential).where(ApiCredential.public_id == public_id)
    )
    if (
        credential is None
        or credential.revoked_at is not None
        or not keyring.matches(secret, credential.secret_hash)
        or scope.value not in credential.scopes
    ):
        raise AuthenticationFailed()
    return credential


async def authenticate_token(
    session: AsyncSession, keyring: Keyring, token: str, scope: Scope
) -> ApiCredential:
    public_id, separator, secret = token.strip().partition(TOKEN_SEPARATOR)
    if not separator or not public_id or not secret:
        raise AuthenticationFailed()
    return await authenticate_pair(session, keyring, public_id, secret, scope)


def use_to_record(last_used_at: datetime | None, now: datetime) -> bool:
    """Use is recorded at most once a minute per credential (a write on every request
    would make every read a write)."""
    return last_used_at is None or (now - last_used_at).total_seconds() > TOUCH_SECONDS


async def touch(session: AsyncSession, credential: ApiCredential) -> None:
    now = clock.now()
    if use_to_record(credential.last_used_at, now):
        credential.last_used_at = now
        await session.flush()


async def record_use(session: AsyncSession, credential_id: int, at: datetime) -> None:
    """:func:`touch` for a credential not loaded in this session: one UPDATE."""
    await session.execute(
        update(ApiCredential)
        .where(ApiCredential.id == credential_id)
        .values(last_used_at=at)
        .execution_options(synchronize_session=False)
    )


async def get_credential(session: AsyncSession, public_id: str) -> ApiCredential:
    credential = await session.scalar(
        select(ApiCredential).where(ApiCredential.public_id == public_id)
    )
    if credential is None:
        raise NotFound("credential", public_id)
    return credential


async def get_owned_credential(
    session: AsyncSession, account_id: int, credential_id: int
) -> ApiCredential:
    """The account's credential ``credential_id`` (another account's is not found)."""
    return await get_owned(session, ApiCredential, account_id, credential_id, "credential")


async def revoke(session: AsyncSession, credential: ApiCredential) -> None:
    if credential.revoked_at is None:
        credential.revoked_at = clock.now()
        await session.flush()


async def rotate(session: AsyncSession, keyring: Keyring, credential: ApiCredential) -> str:
    """A new secret for the same id; the old one stops working at once."""
    secret = new_secret()
    credential.secret_hash = keyring.hash(secret)
    credential.revoked_at = None
    await session.flush()
    return secret


async def list_credentials(session: AsyncSession, account_id: int) -> list[ApiCredential]:
    return list(
        await session.scalars(
            select(ApiCredential)
            .where(ApiCredential.account_id == account_id)
            .order_by(ApiCredential.id)
        )
    )


async def user_key_matching(
    session: AsyncSession, keyring: Keyring, user_id: int, secret: str, scope: Scope, ip: str
) -> ApiCredential | None:
    """The user's live credential of ``scope`` whose secret (or whole ``id.secret`` token)
    is ``secret``, allowed from ``ip``; None when none is."""
    public_id, separator, token_secret = secret.partition(TOKEN_SEPARATOR)
    owned = await session.scalars(
        select(ApiCredential).where(
            ApiCredential.user_id == user_id, ApiCredential.revoked_at.is_(None)
        )
    )
    for credential in owned:
        if scope.value not in credential.scopes or not ip_allowed(credential, ip):
            continue
        if keyring.matches(secret, credential.secret_hash) or (
            separator
            and public_id == credential.public_id
            and keyring.matches(token_secret, credential.secret_hash)
        ):
            return credential
    return None
