"""``/setup/lead-types``: lead type codes given to suppliers — the campaign and list their
leads go to, the duplicate window, and per-subtype lists — through
``core.submissions.lead_types``."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from leadline.core.campaigns import queries
from leadline.core.campaigns import service as campaigns
from leadline.core.errors import Conflict, NotFound, ValidationFailed
from leadline.core.submissions import lead_types
from leadline.http.deps import services
from leadline.web import auth
from leadline.web.guard import record_id
from leadline.web.pages.setup import forms
from leadline.web.rendering import not_found, page

router = APIRouter(include_in_schema=False)

#: The core's error keys → the form's field names.
NAMES = {"duplicateWindowDays": "window", "list": "list_id", "subtype": "subtype"}


class _Unknown(Exception):
    """An id in the form that is not a record id at all (answered as not found)."""


def _optional_id(form: FormData, name: str) -> int | None:
    raw = forms.text(form, name)
    if not raw:
        return None
    ident = record_id(raw)
    if ident is None:
        raise _Unknown(name)
    return ident


async def _choices(
    request: Request, viewer: auth.Viewer
) -> tuple[list[tuple[int, str]], list[tuple[int, str]], dict[int, str]]:
    """Campaign options, list options ("Campaign › List") and every list's label."""
    async with services(request).db.read_session() as session:
        found = await campaigns.list_campaigns(session, viewer.account.id)
        lists = await queries.lists_of(session, [c.id for c in found])
    campaign_options = [(c.id, c.name) for c in found]
    list_options = [(item.id, f"{c.name} › {item.name}") for c in found for item in lists[c.id]]
    return campaign_options, list_options, dict(list_options)


async def _index(
    request: Request,
    viewer: auth.Viewer,
    *,
    values: dict[str, str] | None = None,
    errors: forms.Errors | None = None,
    alert: str = "",
    status_code: int = 200,
) -> Response:
    campaign_options, list_options, list_labels = await _choices(request, viewer)
    async with services(request).db.read_session() as session:
        found = await lead_types.list_types(session, viewer.account.id)
    return page(
        request,
        "setup/lead_types.html",
        {
            "viewer": viewer,
            "types": found,
            "campaign_names": dict(campaign_options),
            "list_labels": list_labels,
            "campaigns": campaign_options,
            "lists": list_options,
            "values": values or {"window": str(lead_types.DEFAULT_DUPLICATE_WINDOW_DAYS)},
            "errors": errors or {},
            "flash": forms.take_flash(request),
            "alert": alert,
        },
        status_code=status_code,
    )


async def _detail(
    request: Request,
    viewer: auth.Viewer,
    type_id: int,
    *,
    overrides: dict[str, str] | None = None,
    errors: forms.Errors | None = None,
    alert: str = "",
    status_code: int = 200,
) -> Response:
    campaign_options, list_options, list_labels = await _choices(request, viewer)
    async with services(request).db.read_session() as session:
        try:
            lead_type = await lead_types.get_type_by_id(session, viewer.account.id, type_id)
        except NotFound:
            return not_found(request, viewer)
        subtypes = await lead_types.subtype_lists(session, lead_type.id)
        own_lists = (await queries.lists_of(session, [lead_type.campaign_id]))[
            lead_type.campaign_id
        ]
    values = {
        "campaign_id": str(lead_type.campaign_id),
        "list_id": str(lead_type.list_id or ""),
        "window": str(lead_type.duplicate_window_days),
    }
    return page(
        request,
        "setup/lead_type.html",
        {
            "viewer": viewer,
            "lead_type": lead_type,
            "subtypes": subtypes,
            "campaigns": campaign_options,
            "lists": list_options,
            "list_labels": list_labels,
            "own_lists": [(item.id, item.name) for item in own_lists],
            "values": values | (overrides or {}),
            "errors": errors or {},
            "flash": forms.take_flash(request),
            "alert": alert,
        },
        status_code=status_code,
    )


@router.get("/setup/lead-types")
async def index(request: Request) -> Response:
    return await forms.section_get(request, _index)


@router.post("/setup/lead-types")
async def create(request: Request) -> Response:
    got = await forms.section_post(request, _index)
    if isinstance(got, Response):
        return got
    viewer, form = got
    errors: forms.Errors = {}
    code = forms.bounded_text(form, "code", errors, limit=lead_types.MAX_CODE_LENGTH)
    window = forms.integer(
        form,
        "window",
        errors,
        low=0,
        high=lead_types.MAX_DUPLICATE_WINDOW_DAYS,
        default=lead_types.DEFAULT_DUPLICATE_WINDOW_DAYS,
    )
    try:
        campaign_id = _optional_id(form, "campaign_id")
        list_id = _optional_id(form, "list_id")
    except _Unknown:
        return not_found(request, viewer)
    if campaign_id is None:
        errors["campaign_id"] = "choose the campaign its leads go to"
    if not errors and campaign_id is not None and window is not None:
        try:
            async with services(request).db.transaction() as session:
                created = await lead_types.create_type(
                    session,
                    account_id=viewer.account.id,
                    code=code,
                    campaign_id=campaign_id,
                    list_id=list_id,
                    duplicate_window_days=window,
                )
        except NotFound:
            return not_found(request, viewer)
        except ValidationFailed as error:
            errors = forms.field_errors(error, NAMES)
        except Conflict:
            errors = {"code": "this code is already used by another lead type"}
    if errors:
        values = {key: forms.text(form, key) for key in form}
        return await _index(request, viewer, values=values, errors=errors, status_code=400)
    return forms.done(
        request, f"/setup/lead-types/{created.id}", f"Lead type “{created.code}” created."
    )


@router.get("/setup/lead-types/{type_id}")
async def detail(request: Request, type_id: str) -> Response:
    return await forms.record_get(request, type_id, _detail)


@router.post("/setup/lead-types/{type_id}")
async def save(request: Request, type_id: str) -> Response:
    got = await forms.record_post(request, type_id, _detail)
    if isinstance(got, Response):
        return got
    viewer, ident, form = got
    errors: forms.Errors = {}
    window = forms.integer(form, "window", errors, low=0, high=lead_types.MAX_DUPLICATE_WINDOW_DAYS)
    try:
        campaign_id = _optional_id(form, "campaign_id")
        list_id = _optional_id(form, "list_id")
    except _Unknown:
        return not_found(request, viewer)
    if not errors:
        try:
            async with services(request).db.transaction() as session:
                lead_type = await lead_types.get_type_by_id(session, viewer.account.id, ident)
                moved = campaign_id is not None and campaign_id != lead_type.campaign_id
                await lead_types.update_type(
                    session,
                    lead_type,
                    campaign_id=campaign_id,
                    list_id=list_id,
                    clear_list=list_id is None and not moved,
                    duplicate_window_days=window,
                )
        except NotFound:
            return not_found(request, viewer)
        except ValidationFailed as error:
            errors = forms.field_errors(error, NAMES)
    if errors:
        overrides = {key: forms.text(form, key) for key in form}
        return await _detail(
            request, viewer, ident, overrides=overrides, errors=errors, status_code=400
        )
    return forms.done(request, f"/setup/lead-types/{ident}", "Lead type saved.")


@router.post("/setup/lead-types/{type_id}/delete")
async def delete(request: Request, type_id: str) -> Response:
    got = await forms.record_post(request, type_id, _detail)
    if isinstance(got, Response):
        return got
    viewer, ident, _ = got
    try:
        async with services(request).db.transaction() as session:
            lead_type = await lead_types.get_type_by_id(session, viewer.account.id, ident)
            code = lead_type.code
            await lead_types.delete_type(session, lead_type)
    except NotFound:
        return not_found(request, viewer)
    return forms.done(request, "/setup/lead-types", f"Lead type “{code}” deleted.")


@router.post("/setup/lead-types/{type_id}/subtypes")
async def map_subtype(request: Request, type_id: str) -> Response:
    got = await forms.record_post(request, type_id, _detail)
    if isinstance(got, Response):
        return got
    viewer, ident, form = got
    errors: forms.Errors = {}
    subtype = forms.bounded_text(form, "subtype", errors, limit=lead_types.MAX_SUBTYPE_LENGTH)
    try:
        list_id = _optional_id(form, "subtype_list_id")
    except _Unknown:
        return not_found(request, viewer)
    if list_id is None:
        errors["subtype_list_id"] = "choose the list its leads go to"
    if not errors and list_id is not None:
        try:
            async with services(request).db.transaction() as session:
                lead_type = await lead_types.get_type_by_id(session, viewer.account.id, ident)
                await lead_types.map_subtype(session, lead_type, subtype, list_id)
        except NotFound:
            return not_found(request, viewer)
        except ValidationFailed as error:
            errors = forms.field_errors(error, {"list": "subtype_list_id"})
    if errors:
        overrides = {"subtype": subtype, "subtype_list_id": forms.text(form, "subtype_list_id")}
        return await _detail(
            request, viewer, ident, overrides=overrides, errors=errors, status_code=400
        )
    return forms.done(request, f"/setup/lead-types/{ident}", f"Subtype “{subtype}” routed.")


@router.post("/setup/lead-types/{type_id}/subtypes/remove")
async def unmap_subtype(request: Request, type_id: str) -> Response:
    got = await forms.record_post(request, type_id, _detail)
    if isinstance(got, Response):
        return got
    viewer, ident, form = got
    subtype = forms.text(form, "subtype")
    try:
        async with services(request).db.transaction() as session:
            lead_type = await lead_types.get_type_by_id(session, viewer.account.id, ident)
            await lead_types.unmap_subtype(session, lead_type, subtype)
    except NotFound:
        return not_found(request, viewer)
    return forms.done(request, f"/setup/lead-types/{ident}", f"Subtype “{subtype}” removed.")
