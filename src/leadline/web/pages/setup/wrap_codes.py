"""``/setup/wrap-codes``: the codes agents pick at the end of a call and the lead status
each sets — through ``core.campaigns.wrap_codes``."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from leadline.core.campaigns import queries, wrap_codes
from leadline.core.errors import Conflict, NotFound, ValidationFailed
from leadline.http.deps import services
from leadline.web import auth
from leadline.web.pages.setup import forms
from leadline.web.rendering import not_found, page

router = APIRouter(include_in_schema=False)

NAMES = {"statusCode": "status_code"}
INDEX = "/setup/wrap-codes"


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
        codes = await queries.wrap_codes(session, viewer.account.id)
        statuses = await wrap_codes.status_codes(session, viewer.account.id)
    return page(
        request,
        "setup/wrap_codes.html",
        {
            "viewer": viewer,
            "codes": codes,
            "statuses": [(status.code, status.description) for status in statuses],
            "status_names": {status.code: status.description for status in statuses},
            "values": values or {},
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


def _status(form: FormData, errors: forms.Errors) -> int:
    return forms.integer(form, "status_code", errors, low=0, high=10_000) or 0


@router.get(INDEX)
async def index(request: Request) -> Response:
    return await forms.section_get(request, _index)


@router.post(INDEX)
async def create(request: Request) -> Response:
    got = await forms.section_post(request, _index)
    if isinstance(got, Response):
        return got
    viewer, form = got
    errors: forms.Errors = {}
    code = forms.bounded_text(form, "code", errors, limit=wrap_codes.MAX_CODE_LENGTH)
    description = forms.bounded_text(
        form, "description", errors, limit=wrap_codes.MAX_DESCRIPTION_LENGTH
    )
    status = _status(form, errors)
    if not errors:
        try:
            async with services(request).db.transaction() as session:
                await wrap_codes.create_wrap_code(
                    session,
                    account_id=viewer.account.id,
                    code=code,
                    description=description,
                    status_code=status,
                )
        except ValidationFailed as error:
            errors = forms.field_errors(error, NAMES)
        except Conflict:
            errors = {"code": "this code already exists"}
    if errors:
        values = {key: forms.text(form, key) for key in form}
        return await _index(request, viewer, values=values, errors=errors, status_code=400)
    return forms.done(request, INDEX, f"Wrap code {code} added.")


@router.post(INDEX + "/{code_id}")
async def save(request: Request, code_id: str) -> Response:
    got = await forms.record_post(request, code_id, _again)
    if isinstance(got, Response):
        return got
    viewer, ident, form = got
    errors: forms.Errors = {}
    description = forms.bounded_text(
        form, "description", errors, limit=wrap_codes.MAX_DESCRIPTION_LENGTH
    )
    status = _status(form, errors)
    if not errors:
        try:
            async with services(request).db.transaction() as session:
                found = await wrap_codes.get_wrap_code(session, viewer.account.id, ident)
                await wrap_codes.update_wrap_code(
                    session, found, description=description, status_code=status
                )
        except NotFound:
            return not_found(request, viewer)
        except ValidationFailed as error:
            errors = forms.field_errors(error, NAMES)
    if errors:
        alert = "Not saved: " + "; ".join(f"{name}: {text}" for name, text in errors.items())
        return await _index(request, viewer, alert=alert, status_code=400)
    return forms.done(request, INDEX, f"Wrap code {found.code} saved.")


@router.post(INDEX + "/{code_id}/delete")
async def delete(request: Request, code_id: str) -> Response:
    got = await forms.record_post(request, code_id, _again)
    if isinstance(got, Response):
        return got
    viewer, ident, _ = got
    try:
        async with services(request).db.transaction() as session:
            found = await wrap_codes.get_wrap_code(session, viewer.account.id, ident)
            code = found.code
            await wrap_codes.delete_wrap_code(session, found)
    except NotFound:
        return not_found(request, viewer)
    return forms.done(request, INDEX, f"Wrap code {code} removed.")
