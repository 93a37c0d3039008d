"""The TLDialer "Ingress Calls – Inbound Billable" wire: where each value may come from
(headers, body, query string, path), its aliases in their order, and reading the body in
each format the platforms send."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.datastructures import UploadFile
from starlette.requests import Request

PATH = "/api/ingress/calls/inbound/billable"

#: Credential forms, in the order they are tried: headers, then (API ID, API key) parameters.
HEADER_API_ID = "tld-api-id"
HEADER_API_KEY = "tld-api-key"
PARAMETER_CREDENTIALS: tuple[tuple[str, str], ...] = (("api_id", "api_key"), ("api", "apikey"))
IDEMPOTENCY_HEADER = "idempotency-key"

#: First non-empty wins; the path segment comes last.
DID_ALIASES = ("inbound_number", "number_dialed", "call_to", "did")
CID_ALIASES = ("phone_number", "phone", "cid", "call_from")

Parameters = dict[str, str]


@dataclass(frozen=True)
class Sent:
    """The values of one post exactly as sent (None when absent or empty)."""

    api_id: str | None
    api_key: str | None
    did: str | None
    cid: str | None
    cost: str | None
    date_billed: str | None
    call_date: str | None
    notes: str | None
    idempotency_key: str | None


def _text(value: object) -> str | None:
    """A scalar as its text; numbers keep the digits they were sent with (see
    :func:`_json_body`). Objects, lists, null and files count as absent."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value if value.strip() else None
    return None


def _json_body(raw: bytes) -> Parameters:
    try:
        # Numbers stay text: "12.50" must not become the float 12.5.
        document = json.loads(raw, parse_float=str, parse_int=str, parse_constant=str)
    except (ValueError, RecursionError):
        return {}
    if not isinstance(document, dict):
        return {}
    return {str(key): text for key, value in document.items() if (text := _text(value))}


def _urlencoded_body(raw: bytes) -> Parameters:
    try:
        pairs = parse_qsl(raw.decode("utf-8", errors="replace"), keep_blank_values=True)
    except ValueError:
        return {}
    result: Parameters = {}
    for key, value in pairs:
        if (text := _text(value)) is not None:
            result.setdefault(key, text)
    return result


async def _multipart_body(request: Request) -> Parameters:
    try:
        form = await request.form()
    except Exception:  # any malformed multipart body reads as an empty one
        return {}
    result: Parameters = {}
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            continue
        if (text := _text(value)) is not None:
            result.setdefault(key, text)
    return result


async def read_body(request: Request) -> Parameters:
    """The body's parameters, whatever of JSON, urlencoded or multipart it is in. An
    unreadable body reads as empty: the missing values then say what is wrong."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        return await _multipart_body(request)
    raw = await request.body()
    if not raw.strip():
        return {}
    if content_type == "application/x-www-form-urlencoded":
        return _urlencoded_body(raw)
    if content_type == "application/json" or content_type.endswith("+json"):
        return _json_body(raw)
    # No or another content type: JSON when it looks like JSON, else form fields.
    return _json_body(raw) if raw.lstrip().startswith(b"{") else _urlencoded_body(raw)


def read_query(request: Request) -> Parameters:
    result: Parameters = {}
    for key, value in request.query_params.multi_items():
        if (text := _text(value)) is not None:
            result.setdefault(key, text)
    return result


def _first(parameters: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        if name in parameters:
            return parameters[name]
    return None


def read_sent(
    headers: Mapping[str, str],
    body: Parameters,
    query: Parameters,
    path: Mapping[str, str],
) -> Sent:
    """Body wins over query for each name, and both over the path segment."""
    parameters = {**query, **body}
    api_id = _text(headers.get(HEADER_API_ID))
    api_key = _text(headers.get(HEADER_API_KEY))
    for id_name, key_name in PARAMETER_CREDENTIALS:
        api_id = api_id or parameters.get(id_name)
        api_key = api_key or parameters.get(key_name)
    return Sent(
        api_id=api_id,
        api_key=api_key,
        did=_first(parameters, DID_ALIASES) or _text(path.get("did")),
        cid=_first(parameters, CID_ALIASES) or _text(path.get("cid")),
        cost=parameters.get("cost"),
        date_billed=parameters.get("date_billed"),
        call_date=parameters.get("call_date"),
        notes=parameters.get("notes"),
        idempotency_key=_text(headers.get(IDEMPOTENCY_HEADER)),
    )
