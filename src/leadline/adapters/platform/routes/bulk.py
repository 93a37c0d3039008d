"""Bulk lead imports: accept up to 50,000 leads at once (202), then follow the import's
status and its row errors while the workers process it (``core.imports.service``)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Path, Query
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from leadline.adapters.platform import wire
from leadline.adapters.platform.auth import CallerDep
from leadline.adapters.platform.errors import error_response
from leadline.adapters.platform.mapping import BASE_PATH
from leadline.adapters.platform.posting import IdempotencyKey, create
from leadline.adapters.platform.routes.common import ERROR_RESPONSES
from leadline.core.errors import ValidationFailed
from leadline.core.imports import service as imports
from leadline.http.deps import services
from leadline.http.shapes import MIB

router = APIRouter(tags=["leads"], responses=ERROR_RESPONSES)

#: Bodies above this are parsed off the event loop, so other requests keep flowing.
_PARSE_IN_THREAD = 1 * MIB

ImportUuid = Annotated[
    str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$", description="Import id")
]

_BULK_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["leads"],
                "additionalProperties": False,
                "properties": {
                    "leads": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": imports.MAX_BULK_ROWS,
                        "description": "Leads as for POST /leads; a bad one becomes a row "
                        "error of the import, never a refused request.",
                        "items": {"$ref": "#/components/schemas/CreateLead"},
                    }
                },
            }
        }
    },
}


class MalformedJson(Exception):
    pass


async def _read_leads(request: Request) -> list[Any]:
    """The body's ``leads``, read and parsed once without per-row models (up to 64 MiB;
    the rows are checked by the workers)."""
    body = await request.body()
    try:
        if len(body) > _PARSE_IN_THREAD:
            document = await anyio.to_thread.run_sync(json.loads, body)
        else:
            document = json.loads(body)
    except (ValueError, RecursionError):
        raise MalformedJson() from None
    if not isinstance(document, dict):
        raise ValidationFailed.single("body", "must be an object with a list of leads")
    unknown = sorted(str(name) for name in document if name != "leads")
    if unknown:
        raise ValidationFailed({name: ["unknown field"] for name in unknown})
    if "leads" not in document:
        raise ValidationFailed.single("leads", "required")
    leads = document["leads"]
    if not isinstance(leads, list):
        raise ValidationFailed.single("leads", "must be a list of leads")
    return leads


@router.post(
    "/leads/bulk",
    status_code=202,
    response_model=wire.BulkAccepted,
    openapi_extra={"requestBody": _BULK_BODY},
    responses={413: {"model": wire.ErrorBody, "description": "Request body over 64 MiB"}},
    summary="Create up to 50,000 leads in the background",
)
async def create_bulk(
    request: Request, caller: CallerDep, idempotency_key: IdempotencyKey = None
) -> Any:
    try:
        rows = await _read_leads(request)
    except MalformedJson:
        return error_response(400, "Malformed JSON", {"body": ["not valid JSON"]})
    payload = wire.BulkLeads.model_construct(leads=rows)

    async def act(session: AsyncSession) -> wire.BulkAccepted:
        header = await imports.create_import(
            session, caller.account_id, rows, credential_id=caller.credential_id
        )
        return wire.BulkAccepted(uuid=header.uuid, status="pending")

    return await create(request, caller, idempotency_key, payload, 202, act)


def _errors_link(import_uuid: str) -> str:
    return f"{BASE_PATH}/leads/bulk/{import_uuid}/errors"


@router.get(
    "/leads/bulk/{uuid}", response_model=wire.BulkStatus, summary="A bulk import's progress"
)
async def bulk_status(request: Request, caller: CallerDep, uuid: ImportUuid) -> wire.BulkStatus:
    async with services(request).db.read_session() as session:
        found = await imports.import_status(session, caller.account_id, uuid)
    return wire.BulkStatus(
        uuid=found.uuid,
        status=found.status,  # type: ignore[arg-type]
        error_link=wire.BulkLink(href=_errors_link(found.uuid)) if found.has_errors else None,
        result=wire.BulkResult(
            total=found.total,
            processed=found.processed,
            created=found.created,
            failed=found.failed,
        ),
    )


@router.get(
    "/leads/bulk/{uuid}/errors",
    response_model=wire.BulkErrors,
    summary="A bulk import's row errors, by row index",
)
async def bulk_errors(
    request: Request,
    caller: CallerDep,
    uuid: ImportUuid,
    pageNo: Annotated[int, Query(ge=1, le=wire.MAX_INT32)] = 1,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> wire.BulkErrors:
    async with services(request).db.read_session() as session:
        page = await imports.error_page(session, caller.account_id, uuid, pageNo, limit)
    next_link = None
    if page.next_page_no is not None:
        next_link = f"{_errors_link(uuid)}?pageNo={page.next_page_no}&limit={page.limit}"
    return wire.BulkErrors(
        pageNo=page.page_no,
        limit=page.limit,
        errorList=page.errors,
        totalPages=page.total_pages,
        nextPageLink=next_link,
    )
