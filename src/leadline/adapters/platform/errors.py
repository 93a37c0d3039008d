"""The platform API's error shape, ``{"message": …, "errors": {field: [problem, …]}}``,
for domain errors, request validation, HTTP errors and the app-level problems."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from leadline.core.errors import (
    AuthenticationFailed,
    Conflict,
    DomainError,
    DuplicateCustomerKey,
    DuplicateOpenLead,
    InvalidPhone,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from leadline.http.middleware import BodyTooLarge
from leadline.http.ratelimit import RateLimiter
from leadline.http.shapes import STATUS, Problem

_PROBLEM_MESSAGES = {
    Problem.TOO_LARGE: "Request body too large",
    Problem.SERVER_ERROR: "Internal server error",
    Problem.UNAVAILABLE: "Service unavailable",
    Problem.RATE_LIMITED: "Too many requests",
    Problem.BAD_REQUEST: "Bad request",
    Problem.NOT_FOUND: "Not found",
    Problem.METHOD_NOT_ALLOWED: "Method not allowed",
}


class RateLimited(Exception):
    def __init__(self, retry_after: float) -> None:
        super().__init__("rate limited")
        self.retry_after = retry_after


def error_response(
    status: int,
    message: str,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(
        {"message": message, "errors": errors or {}}, status_code=status, headers=headers
    )


def render_problem(problem: Problem) -> Response:
    """The interface shape's renderer, for errors met outside the API's own code."""
    return error_response(STATUS[problem], _PROBLEM_MESSAGES[problem])


def domain_error_response(exc: DomainError) -> JSONResponse:
    if isinstance(exc, AuthenticationFailed):
        return error_response(401, "Unauthorized")
    if isinstance(exc, PermissionDenied):
        return error_response(403, "Forbidden", {"credential": [exc.message]})
    if isinstance(exc, NotFound):
        return error_response(404, "Not found", {exc.kind: [exc.message]})
    if isinstance(exc, Conflict) and isinstance(exc, ValidationFailed):
        # A clash with an existing record, reported against the field that clashes.
        return error_response(409, "Conflict", exc.errors)
    if isinstance(exc, ValidationFailed):
        return error_response(422, "Validation failed", exc.errors)
    if isinstance(exc, InvalidPhone):
        return error_response(422, "Validation failed", {"phone": [exc.message]})
    if isinstance(exc, DuplicateOpenLead):
        return error_response(409, "Open lead exists", {"phone1": [f"open lead {exc.lead_id}"]})
    if isinstance(exc, DuplicateCustomerKey):
        return error_response(409, "Customer key exists", {"customerKey": [exc.message]})
    if isinstance(exc, Conflict):
        return error_response(409, "Conflict", {"request": [exc.message]})
    return error_response(422, exc.message)


def _field_of(location: tuple[Any, ...]) -> str:
    parts = [str(part) for part in location[1:]] if len(location) > 1 else [str(location[0])]
    return ".".join(parts) or "body"


def validation_response(exc: RequestValidationError) -> JSONResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            return error_response(400, "Malformed JSON", {"body": [str(error.get("msg", ""))]})
        field = _field_of(tuple(error.get("loc", ("body",))))
        errors.setdefault(field, []).append(str(error.get("msg", "invalid")))
    return error_response(422, "Validation failed", errors)


def install(api: FastAPI) -> None:
    async def on_domain_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DomainError)
        return domain_error_response(exc)

    async def on_validation(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return validation_response(exc)

    async def on_http(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if isinstance(exc.__cause__, BodyTooLarge):
            return render_problem(Problem.TOO_LARGE)
        messages = {401: "Unauthorized", 404: "Not found", 405: "Method not allowed"}
        message = messages.get(exc.status_code, str(exc.detail))
        return error_response(exc.status_code, message, headers=dict(exc.headers or {}))

    async def on_rate_limited(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RateLimited)
        retry = RateLimiter.retry_after_header(exc.retry_after)
        return error_response(429, "Too many requests", headers={"Retry-After": retry})

    async def on_unexpected(_request: Request, exc: Exception) -> Response:
        # Let the app's middleware log it and answer in this interface's shape (500, or
        # 503 when the database is down), as it does for every interface.
        raise exc

    api.add_exception_handler(DomainError, on_domain_error)
    api.add_exception_handler(RequestValidationError, on_validation)
    api.add_exception_handler(StarletteHTTPException, on_http)
    api.add_exception_handler(RateLimited, on_rate_limited)
    api.add_exception_handler(Exception, on_unexpected)
