"""Console sessions: a cookie signed with a key derived from SECRET_KEY (HttpOnly,
SameSite=Lax), holding the signed-in user and a CSRF token for every form."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import quote

from starlette.requests import Request

from leadline.db.models import Account, User
from leadline.http.deps import services

SESSION_COOKIE = "leadline_console"
SESSION_MAX_AGE = 12 * 60 * 60
REALM = "console"
_USER = "user_id"
_ACCOUNT = "account_id"
_CSRF = "csrf"


@dataclass(frozen=True)
class Viewer:
    """The signed-in user and their account."""

    user: User
    account: Account


def csrf_token(request: Request) -> str:
    token = request.session.get(_CSRF)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[_CSRF] = token
    return token


def csrf_valid(request: Request, sent: object) -> bool:
    expected = request.session.get(_CSRF)
    return (
        isinstance(expected, str)
        and isinstance(sent, str)
        and bool(sent)
        and hmac.compare_digest(expected.encode(), sent.encode())
    )


def sign_in(request: Request, user: User) -> None:
    # A fresh session (and CSRF token) at sign-in: nothing set before it carries over.
    request.session.clear()
    request.session[_USER] = user.id
    request.session[_ACCOUNT] = user.account_id
    request.session[_CSRF] = secrets.token_urlsafe(32)


def sign_out(request: Request) -> None:
    request.session.clear()


async def viewer(request: Request) -> Viewer | None:
    """The signed-in, still active user of this session, or None."""
    user_id = request.session.get(_USER)
    account_id = request.session.get(_ACCOUNT)
    if not isinstance(user_id, int) or not isinstance(account_id, int):
        return None
    async with services(request).db.read_session() as session:
        user = await session.get(User, user_id)
        account = await session.get(Account, account_id)
    if (
        user is None
        or account is None
        or not user.active
        or not account.active
        or user.account_id != account.id
    ):
        return None
    return Viewer(user, account)


def safe_next(target: object) -> str:
    """Where to go after sign-in: a path on this site only (no ``//host`` or scheme)."""
    if (
        not isinstance(target, str)
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or target.startswith("/login")
    ):
        return "/"
    return target


def login_url(request: Request) -> str:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/login?next={quote(here, safe='')}"
