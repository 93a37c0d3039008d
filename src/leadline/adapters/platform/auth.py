"""Who is calling: the token in ``Authorization`` (bare or ``Bearer``), checked against
the credential's scope, IPs, endpoints and rate limit; and what it may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Security
from fastapi.security import APIKeyHeader
from starlette.requests import Request

from leadline.adapters.platform.errors import RateLimited
from leadline.core import clock
from leadline.core.access.service import Viewer, viewer_for
from leadline.core.credentials import service as credentials
from leadline.core.errors import AuthenticationFailed, PermissionDenied
from leadline.core.vocabulary import Scope
from leadline.db.models import Account, ApiCredential
from leadline.http.deps import request_ip, services

token_header = APIKeyHeader(
    name="Authorization",
    auto_error=False,
    description="An API token with the `platform` scope: `<token>` or `Bearer <token>`.",
)


@dataclass(frozen=True)
class Caller:
    credential_id: int
    account: Account
    viewer: Viewer
    zone: ZoneInfo

    @property
    def account_id(self) -> int:
        return self.account.id


def _token_of(header: str | None) -> str:
    if not header:
        raise AuthenticationFailed()
    scheme, _, rest = header.strip().partition(" ")
    token = rest.strip() if scheme.lower() == "bearer" else header.strip()
    if not token or len(token) > 512:
        raise AuthenticationFailed()
    return token


async def _touch(request: Request, credential: ApiCredential) -> None:
    """Record the use (a write at most once a minute per credential)."""
    last = credential.last_used_at
    if last is not None and (clock.now() - last).total_seconds() <= 60:
        return
    async with services(request).db.transaction() as session:
        fresh = await session.get(ApiCredential, credential.id)
        if fresh is not None:
            await credentials.touch(session, fresh)


async def authenticate(
    request: Request, authorization: Annotated[str | None, Security(token_header)]
) -> Caller:
    found = services(request)
    token = _token_of(authorization)
    async with found.db.read_session() as session:
        credential = await credentials.authenticate_token(
            session, found.keyring, token, Scope.PLATFORM
        )
        if not credentials.ip_allowed(credential, request_ip(request)):
            raise PermissionDenied("this address may not use the credential")
        if not credentials.endpoint_allowed(credential, request.url.path):
            raise PermissionDenied("the credential may not use this endpoint")
        wait = found.rate_limiter.check(
            f"platform:{credential.id}",
            credential.rate_limit_per_second,
            credential.rate_limit_burst,
        )
        if wait is not None:
            raise RateLimited(wait)
        account = await session.get(Account, credential.account_id)
        if account is None or not account.active:
            raise AuthenticationFailed()
        viewer = await viewer_for(session, credential)
    await _touch(request, credential)
    return Caller(credential.id, account, viewer, clock.zone(account.timezone))


CallerDep = Annotated[Caller, Depends(authenticate)]
