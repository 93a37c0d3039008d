"""``/imports`` (admins): a CSV file of leads — columns mapped to lead fields, the first
rows previewed, a list chosen — becomes a background bulk import (the worker's job, as for
``POST /leads/bulk``) whose progress the page follows; its row errors download as CSV."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from leadline.core.errors import NotFound, ValidationFailed
from leadline.core.imports import csv_rows
from leadline.core.imports import service as imports
from leadline.core.ownership import get_owned
from leadline.db.models import LeadList
from leadline.http.deps import services
from leadline.web import auth
from leadline.web.auth import Viewer
from leadline.web.choices import list_options
from leadline.web.guard import admin, record_id
from leadline.web.rendering import not_found, page

router = APIRouter(include_in_schema=False)

#: The largest CSV file the page takes (bigger ones: ``leadline import`` or the API).
MAX_CSV_BYTES = 2 * 1024 * 1024
#: The upload and the start form carry the file: room for it and the form around it.
BODY_LIMITS = {"/imports": MAX_CSV_BYTES * 2}
PREVIEW_ROWS = 5
#: What a column may be mapped to, as the mapping selects offer it.
FIELD_OPTIONS = [
    (csv_rows.IGNORE, "(skip this column)"),
    *[(name, name) for name in csv_rows.COLUMN_FIELDS],
]


@dataclass
class Upload:
    """The form being filled in: the file's text, its table, the mapping and the list."""

    text: str = ""
    table: csv_rows.CsvTable | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    list_id: int | None = None
    errors: dict[str, str] = field(default_factory=dict)


async def _posted(request: Request) -> tuple[Viewer, FormData] | Response:
    """The admin and their posted form (multipart, with room for the file), or the answer:
    sign in, 403, or the form again when its CSRF token is not the session's."""
    viewer = await admin(request)
    if isinstance(viewer, Response):
        return viewer
    form = await request.form(max_files=1, max_fields=500, max_part_size=MAX_CSV_BYTES + 1024)
    if not auth.csrf_valid(request, form.get("csrf_token")):
        expired = Upload(errors={"file": "The form had expired; please try again."})
        return await _render(request, viewer, expired, 400)
    return viewer, form


async def _render(
    request: Request, viewer: Viewer, upload: Upload | None = None, status_code: int = 200
) -> Response:
    async with services(request).db.read_session() as session:
        options = await list_options(session, viewer.account.id)
        past = await imports.recent_imports(session, viewer.account.id)
    upload = upload or Upload()
    table = upload.table
    return page(
        request,
        "imports.html",
        {
            "viewer": viewer,
            "upload": upload,
            "errors": upload.errors,
            "list_options": options,
            "field_options": FIELD_OPTIONS,
            "preview": table.rows[:PREVIEW_ROWS] if table else [],
            "imports": past,
            "zone": viewer.account.timezone,
            "max_mb": MAX_CSV_BYTES // (1024 * 1024),
        },
        status_code=status_code,
    )


@router.get("/imports")
async def imports_page(request: Request) -> Response:
    viewer = await admin(request)
    if isinstance(viewer, Response):
        return viewer
    return await _render(request, viewer)


async def _list_id(request: Request, viewer: Viewer, raw: object, upload: Upload) -> None:
    wanted = record_id(raw if isinstance(raw, str) else "")
    if wanted is None:
        upload.errors["list_id"] = "Choose the list the leads go into."
        return
    try:
        async with services(request).db.read_session() as session:
            await get_owned(session, LeadList, viewer.account.id, wanted, "list")
    except NotFound:
        upload.errors["list_id"] = "Choose the list the leads go into."
        return
    upload.list_id = wanted


def _read_text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed.single(
            "file", "This is not a CSV file: save it as CSV (UTF-8) and upload it again."
        ) from None


def _table(upload: Upload, name: str) -> None:
    """The table of ``upload.text``, or the error of the ``name`` field."""
    try:
        upload.table = csv_rows.read_table(upload.text, field=name)
    except ValidationFailed as refused:
        upload.errors[name] = refused.message


@router.post("/imports")
async def upload_csv(request: Request) -> Response:
    """Read the file and show its columns, mapping and first rows (nothing stored yet)."""
    checked = await _posted(request)
    if isinstance(checked, Response):
        return checked
    viewer, form = checked
    upload = Upload()
    await _list_id(request, viewer, form.get("list_id"), upload)
    sent = form.get("file")
    if not isinstance(sent, UploadFile) or not sent.filename:
        upload.errors["file"] = "Choose a CSV file."
    else:
        raw = await sent.read(MAX_CSV_BYTES + 1)
        if len(raw) > MAX_CSV_BYTES:
            upload.errors["file"] = (
                f"The file is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB: split it, or use "
                "leadline import or the bulk API."
            )
        else:
            try:
                upload.text = _read_text(raw)
            except ValidationFailed as refused:
                upload.errors["file"] = refused.message
            else:
                _table(upload, "file")
    if upload.table is not None:
        upload.mapping = csv_rows.column_mapping(upload.table.header, {})
        if csv_rows.PHONE_FIELD not in upload.mapping.values():
            upload.errors["mapping"] = "No column is the phone number: map one column to phone1."
    failed = bool(upload.errors.keys() - {"mapping"})
    return await _render(request, viewer, upload, 400 if failed else 200)


@router.post("/imports/start")
async def start_import(request: Request) -> Response:
    """Stage the rows as a bulk import (the worker processes it) and follow it."""
    checked = await _posted(request)
    if isinstance(checked, Response):
        return checked
    viewer, form = checked
    upload = Upload(text=str(form.get("csv_text") or ""))
    await _list_id(request, viewer, form.get("list_id"), upload)
    if len(upload.text.encode()) > MAX_CSV_BYTES:
        upload.errors["file"] = "The file is too large."
    else:
        _table(upload, "file")
    if upload.table is None:
        upload.errors.setdefault("file", "Upload the CSV file again.")
        return await _render(request, viewer, upload, 400)
    overrides = {}
    for index, column in enumerate(upload.table.header):
        chosen = str(form.get(f"map-{index}") or "")
        if csv_rows.valid_field(chosen):
            overrides[column] = chosen
        else:
            upload.errors["mapping"] = f"Column {column!r}: choose a field from the list."
    upload.mapping = csv_rows.column_mapping(upload.table.header, overrides)
    if upload.errors or upload.list_id is None:
        return await _render(request, viewer, upload, 400)
    try:
        leads = csv_rows.leads_of(upload.table, upload.mapping, upload.list_id, field="mapping")
        async with services(request).db.transaction() as session:
            header = await imports.create_import(
                session, viewer.account.id, leads, source="csv", max_rows=imports.MAX_BULK_ROWS
            )
    except ValidationFailed as refused:
        upload.errors["mapping"] = refused.message
        return await _render(request, viewer, upload, 400)
    return RedirectResponse(f"/imports/{header.uuid}", status_code=303)


async def _status(request: Request, viewer: Viewer, uuid: str) -> imports.ImportStatus | None:
    if not 1 <= len(uuid) <= 36:
        return None
    try:
        async with services(request).db.read_session() as session:
            return await imports.import_status(session, viewer.account.id, uuid)
    except NotFound:
        return None


async def _progress(request: Request, uuid: str, template: str) -> Response:
    viewer = await admin(request)
    if isinstance(viewer, Response):
        return viewer
    status = await _status(request, viewer, uuid)
    if status is None:
        return not_found(request, viewer)
    context = {"viewer": viewer, "status": status, "zone": viewer.account.timezone}
    return page(request, template, context)


@router.get("/imports/{uuid}")
async def import_page(request: Request, uuid: str) -> Response:
    return await _progress(request, uuid, "import.html")


@router.get("/imports/{uuid}/progress")
async def import_progress(request: Request, uuid: str) -> Response:
    """The progress fragment htmx polls while the import runs."""
    return await _progress(request, uuid, "import_progress.html")


@router.get("/imports/{uuid}/errors.csv")
async def import_errors(request: Request, uuid: str) -> Response:
    viewer = await admin(request)
    if isinstance(viewer, Response):
        return viewer
    try:
        async with services(request).db.read_session() as session:
            errors = await imports.all_errors(session, viewer.account.id, uuid[:36])
    except NotFound:
        return not_found(request, viewer)
    return Response(
        imports.error_file(errors),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="import-{uuid[:36]}-errors.csv"',
            "Cache-Control": "no-store",
        },
    )
