"""``/setup/portal``: portal hooks (the URLs portals push leads to; the URL token is shown
once, on creation and rotation), the agencies and their listings — through
``core.portal.directory``."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadline.core.errors import NotFound, ValidationFailed
from leadline.core.portal import directory
from leadline.http.deps import services
from leadline.web import auth
from leadline.web.guard import record_id
from leadline.web.pages.setup import forms
from leadline.web.rendering import not_found, page

router = APIRouter(include_in_schema=False)

INDEX = "/setup/portal"
MAX_NAME = 200
#: The core's error keys → the form's field names.
NAMES = {
    "phoneRegion": "phone_region",
    "timezone": "timezone",
    "agencyExternalId": "agency_external_id",
    "listingExternalId": "listing_external_id",
}


async def _index(
    request: Request,
    viewer: auth.Viewer,
    *,
    values: dict[str, str] | None = None,
    errors: forms.Errors | None = None,
    alert: str = "",
    status_code: int = 200,
) -> Response:
    async with services(request).db.read_session() as session:
        hooks = await directory.list_hooks(session, viewer.account.id)
        agencies = await directory.list_agencies(session, viewer.account.id)
        listings = await directory.list_listings(session, viewer.account.id)
    secret = forms.take_secret(request)
    return page(
        request,
        "setup/portal.html",
        {
            "viewer": viewer,
            "hooks": hooks,
            "agencies": agencies,
            "agency_names": {a.id: a.name or a.external_id for a in agencies},
            "agency_options": [
                (a.id, f"{a.name or a.external_id} ({a.external_id})") for a in agencies
            ],
            "listings": listings,
            "hook_url": f"{str(request.base_url).rstrip('/')}/portal/{secret['secret']}"
            if secret
            else "",
            "values": values
            or {"phone_region": viewer.account.phone_region, "timezone": viewer.account.timezone},
            "errors": errors or {},
            "flash": forms.take_flash(request),
            "alert": alert,
        },
        status_code=status_code,
    )


async def _again(
    request: Request, viewer: auth.Viewer, ident: int, /, *, alert: str = "", status_code: int = 200
) -> Response:
    return await _index(request, viewer, alert=alert, status_code=status_code)


@router.get(INDEX)
async def index(request: Request) -> Response:
    return await forms.section_get(request, _index)


@router.post(INDEX + "/hooks")
async def create_hook(request: Request) -> Response:
    got = await forms.section_post(request, _index)
    if isinstance(got, Response):
        return got
    viewer, form = got
    errors: forms.Errors = {}
    name = forms.bounded_text(form, "hook_name", errors, limit=MAX_NAME)
    region = forms.bounded_text(form, "phone_region", errors, limit=2)
    zone = forms.bounded_text(form, "timezone", errors, limit=64)
    if not errors:
        try:
            async with services(request).db.transaction() as session:
                issued = await directory.create_hook(
                    session,
                    services(request).keyring,
                    account_id=viewer.account.id,
                    name=name,
                    timezone=zone,
                    phone_region=region,
                )
        except ValidationFailed as error:
            errors = forms.field_errors(error, NAMES)
    if errors:
        values = {key: forms.text(form, key) for key in form}
        return await _index(request, viewer, values=values, errors=errors, status_code=400)
    forms.keep_secret(request, f"hook {issued.hook.id}", issued.token)
    return forms.done(
        request, INDEX, f"Hook {issued.hook.id} created. Copy its URL now: it is shown only once."
    )


@router.post(INDEX + "/hooks/{hook_id}/{action}")
async def change_hook(request: Request, hook_id: str, action: str) -> Response:
    got = await forms.record_post(request, hook_id, _again)
    if isinstance(got, Response):
        return got
    viewer, ident, _ = got
    if action not in {"rotate", "revoke"}:
        return not_found(request, viewer)
    token = ""
    try:
        async with services(request).db.transaction() as session:
            hook = await directory.get_hook(session, viewer.account.id, ident)
            if action == "rotate":
                token = await directory.rotate_hook_token(session, services(request).keyring, hook)
            else:
                await directory.revoke_hook(session, hook)
    except NotFound:
        return not_found(request, viewer)
    if token:
        forms.keep_secret(request, f"hook {ident}", token)
        return forms.done(request, INDEX, f"Hook {ident} has a new URL; the old one stopped.")
    return forms.done(request, INDEX, f"Hook {ident} revoked: its URL no longer takes leads.")


@router.post(INDEX + "/agencies")
async def create_agency(request: Request) -> Response:
    got = await forms.section_post(request, _index)
    if isinstance(got, Response):
        return got
    viewer, form = got
    errors: forms.Errors = {}
    external_id = forms.bounded_text(form, "agency_external_id", errors, limit=100)
    name = forms.bounded_text(form, "agency_name", errors, limit=MAX_NAME)
    if not errors:
        try:
            async with services(request).db.transaction() as session:
                agency = await directory.create_agency(
                    session, account_id=viewer.account.id, external_id=external_id, name=name
                )
        except ValidationFailed as error:
            errors = forms.field_errors(error, NAMES)
    if errors:
        values = {key: forms.text(form, key) for key in form}
        return await _index(request, viewer, values=values, errors=errors, status_code=400)
    return forms.done(request, INDEX, f"Agency {agency.external_id} added.")


@router.post(INDEX + "/listings")
async def create_listing(request: Request) -> Response:
    got = await forms.section_post(request, _index)
    if isinstance(got, Response):
        return got
    viewer, form = got
    errors: forms.Errors = {}
    agency_id = record_id(forms.text(form, "listing_agency_id"))
    external_id = forms.bounded_text(form, "listing_external_id", errors, limit=100)
    title = forms.bounded_text(form, "listing_title", errors, limit=300)
    if agency_id is None:
        errors["listing_agency_id"] = "choose the agency"
    if not errors and agency_id is not None:
        try:
            async with services(request).db.transaction() as session:
                agency = await directory.get_agency(session, viewer.account.id, agency_id)
                listing = await directory.create_listing(
                    session, agency=agency, external_id=external_id, title=title
                )
        except NotFound:
            return not_found(request, viewer)
        except ValidationFailed as error:
            errors = forms.field_errors(error, NAMES)
    if errors:
        values = {key: forms.text(form, key) for key in form}
        return await _index(request, viewer, values=values, errors=errors, status_code=400)
    return forms.done(request, INDEX, f"Listing {listing.external_id} added.")


@router.post(INDEX + "/{kind}/{record}/enabled")
async def set_enabled(request: Request, kind: str, record: str) -> Response:
    got = await forms.record_post(request, record, _again)
    if isinstance(got, Response):
        return got
    viewer, ident, form = got
    enabled = forms.text(form, "action") == "enable"
    try:
        async with services(request).db.transaction() as session:
            if kind == "agencies":
                agency = await directory.get_agency(session, viewer.account.id, ident)
                await directory.set_agency_enabled(session, agency, enabled)
            elif kind == "listings":
                listing = await directory.get_listing(session, viewer.account.id, ident)
                await directory.set_listing_enabled(session, listing, enabled)
            else:
                raise NotFound(kind, ident)
    except NotFound:
        return not_found(request, viewer)
    return forms.done(request, INDEX, "Enabled." if enabled else "Disabled.")
