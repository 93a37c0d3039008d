"""``/setup/dnc``: the account's do-not-call list — add a number, remove one, import a
CSV of numbers (with the count added, already listed and invalid) — through
``core.compliance.dnc``."""

from __future__ import annotations

import csv
import io

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from leadline.core import phones
from leadline.core.audit import service as audit
from leadline.core.compliance import dnc
from leadline.http.deps import services
from leadline.web import auth
from leadline.web.guard import record_id
from leadline.web.pages.setup import forms
from leadline.web.rendering import page

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 50_000
MAX_REASON = 500


async def _record(session: AsyncSession, viewer: auth.Viewer, action: str, target: str) -> None:
    await audit.record(
        session,
        account_id=viewer.account.id,
        action=action,
        target_type="dnc",
        target_id=target,
        actor_user_id=viewer.user.id,
    )


async def _index(
    request: Request,
    viewer: auth.Viewer,
    *,
    values: dict[str, str] | None = None,
    errors: forms.Errors | None = None,
    alert: str = "",
    status_code: int = 200,
) -> Response:
    after = record_id(request.query_params.get("after", ""))
    async with services(request).db.read_session() as session:
        found = await dnc.page_entries(session, viewer.account.id, after=after, limit=PAGE_SIZE)
    return page(
        request,
        "setup/dnc.html",
        {
            "viewer": viewer,
            "entries": found.items,
            "next_href": f"/setup/dnc?after={found.next_after}" if found.next_after else "",
            "first_href": "/setup/dnc" if after else "",
            "values": values or {},
            "errors": errors or {},
            "flash": forms.take_flash(request),
            "alert": alert,
        },
        status_code=status_code,
    )


@router.get("/setup/dnc")
async def index(request: Request) -> Response:
    return await forms.section_get(request, _index)


@router.post("/setup/dnc")
async def add(request: Request) -> Response:
    got = await forms.section_post(request, _index)
    if isinstance(got, Response):
        return got
    viewer, form = got
    errors: forms.Errors = {}
    raw = forms.bounded_text(form, "number", errors, limit=64)
    reason = forms.bounded_text(form, "reason", errors, limit=MAX_REASON)
    number = phones.try_parse(raw, viewer.account.phone_region) if not errors else None
    if number is None and "number" not in errors:
        errors["number"] = "not a phone number"
    if errors or number is None:
        values = {"number": raw, "reason": reason}
        return await _index(request, viewer, values=values, errors=errors, status_code=400)
    async with services(request).db.transaction() as session:
        await dnc.add(
            session,
            account_id=viewer.account.id,
            number=number,
            reason=reason or None,
            added_by_user_id=viewer.user.id,
            source="console",
        )
        await _record(session, viewer, "dnc.add", number)
    return forms.done(request, "/setup/dnc", f"{number} is on the do-not-call list.")


@router.post("/setup/dnc/remove")
async def remove(request: Request) -> Response:
    got = await forms.section_post(request, _index)
    if isinstance(got, Response):
        return got
    viewer, form = got
    number = forms.text(form, "number")[:64]
    async with services(request).db.transaction() as session:
        removed = await dnc.remove(session, viewer.account.id, number)
        if removed:
            await _record(session, viewer, "dnc.remove", number)
    message = f"{number} was taken off the list." if removed else f"{number} was not listed."
    return forms.done(request, "/setup/dnc", message)


def _numbers_of(data: bytes) -> list[str]:
    """The first column of each row; a first row without digits is a header."""
    text = data.decode("utf-8-sig", errors="replace")
    rows = [row[0].strip() for row in csv.reader(io.StringIO(text)) if row and row[0].strip()]
    if rows and not any(char.isdigit() for char in rows[0]):
        rows = rows[1:]
    return rows


@router.post("/setup/dnc/import")
async def import_csv(request: Request) -> Response:
    got = await forms.section_post(request, _index)
    if isinstance(got, Response):
        return got
    viewer, form = got
    upload = form.get("file")
    error = ""
    numbers: list[str] = []
    if not isinstance(upload, UploadFile) or not upload.filename:
        error = "choose a CSV file"
    else:
        data = await upload.read(MAX_IMPORT_BYTES + 1)
        if len(data) > MAX_IMPORT_BYTES:
            error = f"at most {MAX_IMPORT_BYTES // (1024 * 1024)} MB"
        else:
            try:
                numbers = _numbers_of(data)
            except csv.Error:
                error = "not a CSV file"
            if not error and len(numbers) > MAX_IMPORT_ROWS:
                error = f"at most {MAX_IMPORT_ROWS} numbers in one import"
            if not error and not numbers:
                error = "the file holds no numbers"
    if error:
        return await _index(request, viewer, errors={"file": error}, status_code=400)
    async with services(request).db.transaction() as session:
        counts = await dnc.import_numbers(
            session,
            account_id=viewer.account.id,
            numbers=numbers,
            region=viewer.account.phone_region,
            added_by_user_id=viewer.user.id,
            source="console-import",
        )
        await _record(session, viewer, "dnc.import", f"{counts.added} added")
    return forms.done(
        request,
        "/setup/dnc",
        f"Import done: {counts.added} added, {counts.already_listed} already listed, "
        f"{counts.invalid} invalid.",
    )
