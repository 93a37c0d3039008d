"""``/setup/credentials``: API keys — create (the secret is shown once, on the next page
view, and never again), revoke, rotate, IP allow-list, endpoint protection and rate limit —
through ``core.credentials``. The list shows only the public id, name, scopes and use."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from leadline.core.audit import service as audit
from leadline.core.credentials import service as credentials
from leadline.core.errors import NotFound, ValidationFailed
from leadline.core.users import service as users
from leadline.core.vocabulary import Scope
from leadline.db.models import ApiCredential
from leadline.http.deps import services
from leadline.web import auth
from leadline.web.guard import record_id
from leadline.web.pages.setup import forms
from leadline.web.rendering import not_found, page

router = APIRouter(include_in_schema=False)

SCOPES = [
    (Scope.PLATFORM.value, "Platform API"),
    (Scope.DIALLER_LEADS.value, "Dialler leads API"),
    (Scope.CALL_COSTS.value, "Call costs API"),
    (Scope.SOFTPHONE.value, "Softphone"),
]
MAX_RULES = 100
MAX_RATE = 100_000
#: The core's error keys → the form's field names.
NAMES = {
    "scope": "scopes",
    "allowedIps": "allowed_ips",
    "allowedEndpoints": "allowed_endpoints",
    "rateLimit": "rate_limit_per_second",
}


def _rules(form: FormData, name: str, errors: forms.Errors) -> list[str]:
    """One rule a line (commas also separate), blank lines ignored."""
    raw = forms.bounded_text(form, name, errors, limit=10_000)
    rules = [part.strip() for line in raw.splitlines() for part in line.split(",") if part.strip()]
    if len(rules) > MAX_RULES:
        errors[name] = f"at most {MAX_RULES} entries"
    return rules


def _limits(form: FormData, errors: forms.Errors) -> tuple[int, int]:
    per_second = forms.integer(
        form, "rate_limit_per_second", errors, low=1, high=MAX_RATE, default=50
    )
    burst = forms.integer(form, "rate_limit_burst", errors, low=1, high=MAX_RATE, default=100)
    return per_second or 1, burst or 1


def _values(credential: ApiCredential) -> dict[str, str]:
    return {
        "allowed_ips": "\n".join(credential.allowed_ips),
        "allowed_endpoints": "\n".join(credential.allowed_endpoints),
        "rate_limit_per_second": str(credential.rate_limit_per_second),
        "rate_limit_burst": str(credential.rate_limit_burst),
    }


async def _record(
    session: AsyncSession, viewer: auth.Viewer, credential: ApiCredential, action: str
) -> None:
    await audit.record(
        session,
        account_id=viewer.account.id,
        action=action,
        target_type="credential",
        target_id=credential.public_id,
        actor_user_id=viewer.user.id,
    )


async def _index(
    request: Request,
    viewer: auth.Viewer,
    *,
    values: dict[str, object] | None = None,
    errors: forms.Errors | None = None,
    alert: str = "",
    status_code: int = 200,
) -> Response:
    async with services(request).db.read_session() as session:
        found = await credentials.list_credentials(session, viewer.account.id)
        people = await users.list_users(session, viewer.account.id)
    return page(
        request,
        "setup/credentials.html",
        {
            "viewer": viewer,
            "credentials": found,
            "owners": {person.id: person for person in people},
            "people": [(person.id, f"{person.full_name} ({person.login})") for person in people],
            "scopes": SCOPES,
            "values": values
            or {
                "scopes": [Scope.PLATFORM.value],
                "rate_limit_per_second": "50",
                "rate_limit_burst": "100",
            },
            "errors": errors or {},
            "secret": forms.take_secret(request),
            "flash": forms.take_flash(request),
            "alert": alert,
        },
        status_code=status_code,
    )


async def _detail(
    request: Request,
    viewer: auth.Viewer,
    credential_id: int,
    *,
    overrides: dict[str, str] | None = None,
    errors: forms.Errors | None = None,
    alert: str = "",
    status_code: int = 200,
) -> Response:
    async with services(request).db.read_session() as session:
        try:
            credential = await credentials.get_owned_credential(
                session, viewer.account.id, credential_id
            )
        except NotFound:
            return not_found(request, viewer)
        owner = (
            await users.get_user(session, viewer.account.id, credential.user_id)
            if credential.user_id
            else None
        )
    return page(
        request,
        "setup/credential.html",
        {
            "viewer": viewer,
            "credential": credential,
            "owner": owner,
            "values": _values(credential) | (overrides or {}),
            "errors": errors or {},
            "secret": forms.take_secret(request),
            "flash": forms.take_flash(request),
            "alert": alert,
        },
        status_code=status_code,
    )


@router.get("/setup/credentials")
async def index(request: Request) -> Response:
    return await forms.section_get(request, _index)


@router.post("/setup/credentials")
async def create(request: Request) -> Response:
    got = await forms.section_post(request, _index)
    if isinstance(got, Response):
        return got
    viewer, form = got
    errors: forms.Errors = {}
    name = forms.bounded_text(form, "name", errors, limit=credentials.MAX_NAME_LENGTH)
    scopes = forms.texts(form, "scopes")
    ips = _rules(form, "allowed_ips", errors)
    endpoints = _rules(form, "allowed_endpoints", errors)
    per_second, burst = _limits(form, errors)
    owner_text = forms.text(form, "user_id")
    owner_id = record_id(owner_text) if owner_text else None
    if owner_text and owner_id is None:
        return not_found(request, viewer)
    if not errors:
        try:
            async with services(request).db.transaction() as session:
                if owner_id is not None:
                    await users.get_user(session, viewer.account.id, owner_id)
                issued = await credentials.create_credential(
                    session,
                    services(request).keyring,
                    account_id=viewer.account.id,
                    scopes=scopes,
                    name=name,
                    user_id=owner_id,
                    allowed_ips=ips,
                    allowed_endpoints=endpoints,
                    rate_limit_per_second=per_second,
                    rate_limit_burst=burst,
                )
                await _record(session, viewer, issued.credential, "credential.create")
        except NotFound:
            return not_found(request, viewer)
        except ValidationFailed as error:
            errors = forms.field_errors(error, NAMES)
    if errors:
        values: dict[str, object] = {key: forms.text(form, key) for key in form}
        values["scopes"] = scopes
        return await _index(request, viewer, values=values, errors=errors, status_code=400)
    forms.keep_secret(request, issued.credential.public_id, issued.secret)
    return forms.done(
        request,
        f"/setup/credentials/{issued.credential.id}",
        f"API key {issued.credential.public_id} created. "
        "Copy its secret now: it is shown only once.",
    )


@router.get("/setup/credentials/{credential_id}")
async def detail(request: Request, credential_id: str) -> Response:
    return await forms.record_get(request, credential_id, _detail)


@router.post("/setup/credentials/{credential_id}")
async def save(request: Request, credential_id: str) -> Response:
    got = await forms.record_post(request, credential_id, _detail)
    if isinstance(got, Response):
        return got
    viewer, ident, form = got
    errors: forms.Errors = {}
    ips = _rules(form, "allowed_ips", errors)
    endpoints = _rules(form, "allowed_endpoints", errors)
    per_second, burst = _limits(form, errors)
    if not errors:
        try:
            async with services(request).db.transaction() as session:
                credential = await credentials.get_owned_credential(
                    session, viewer.account.id, ident
                )
                await credentials.set_protection(
                    session,
                    credential,
                    allowed_ips=ips,
                    allowed_endpoints=endpoints,
                    rate_limit_per_second=per_second,
                    rate_limit_burst=burst,
                )
                await _record(session, viewer, credential, "credential.change")
        except NotFound:
            return not_found(request, viewer)
        except ValidationFailed as error:
            errors = forms.field_errors(error, NAMES)
    if errors:
        overrides = {key: forms.text(form, key) for key in form}
        return await _detail(
            request, viewer, ident, overrides=overrides, errors=errors, status_code=400
        )
    return forms.done(request, f"/setup/credentials/{ident}", "Protection saved.")


@router.post("/setup/credentials/{credential_id}/revoke")
async def revoke(request: Request, credential_id: str) -> Response:
    got = await forms.record_post(request, credential_id, _detail)
    if isinstance(got, Response):
        return got
    viewer, ident, _ = got
    try:
        async with services(request).db.transaction() as session:
            credential = await credentials.get_owned_credential(session, viewer.account.id, ident)
            await credentials.revoke(session, credential)
            await _record(session, viewer, credential, "credential.revoke")
    except NotFound:
        return not_found(request, viewer)
    return forms.done(
        request, f"/setup/credentials/{ident}", f"API key {credential.public_id} revoked."
    )


@router.post("/setup/credentials/{credential_id}/rotate")
async def rotate(request: Request, credential_id: str) -> Response:
    got = await forms.record_post(request, credential_id, _detail)
    if isinstance(got, Response):
        return got
    viewer, ident, _ = got
    try:
        async with services(request).db.transaction() as session:
            credential = await credentials.get_owned_credential(session, viewer.account.id, ident)
            secret = await credentials.rotate(session, services(request).keyring, credential)
            await _record(session, viewer, credential, "credential.rotate")
    except NotFound:
        return not_found(request, viewer)
    forms.keep_secret(request, credential.public_id, secret)
    return forms.done(
        request,
        f"/setup/credentials/{ident}",
        "New secret issued; the old one no longer works. Copy it now: it is shown only once.",
    )
