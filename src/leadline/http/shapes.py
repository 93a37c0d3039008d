"""Each interface answers errors in its own shape. An adapter registers its path prefix,
its body limit and a renderer; the app's middleware uses them for the errors that happen
outside the adapter's own code (body too large, unexpected failure, database down)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from starlette.responses import JSONResponse, Response


class Problem(StrEnum):
    TOO_LARGE = "too_large"
    SERVER_ERROR = "server_error"
    UNAVAILABLE = "unavailable"
    RATE_LIMITED = "rate_limited"
    BAD_REQUEST = "bad_request"
    NOT_FOUND = "not_found"  # no route at this path
    METHOD_NOT_ALLOWED = "method_not_allowed"  # a route, but not for this method


STATUS = {
    Problem.TOO_LARGE: 413,
    Problem.SERVER_ERROR: 500,
    Problem.UNAVAILABLE: 503,
    Problem.RATE_LIMITED: 429,
    Problem.BAD_REQUEST: 400,
    Problem.NOT_FOUND: 404,
    Problem.METHOD_NOT_ALLOWED: 405,
}

Renderer = Callable[[Problem], Response]

KIB = 1024
MIB = 1024 * KIB
PARTNER_BODY_LIMIT = 64 * KIB
PLATFORM_BODY_LIMIT = 1 * MIB
BULK_BODY_LIMIT = 64 * MIB


def default_renderer(problem: Problem) -> Response:
    messages = {
        Problem.TOO_LARGE: "Request body too large",
        Problem.SERVER_ERROR: "Internal server error",
        Problem.UNAVAILABLE: "Service unavailable",
        Problem.RATE_LIMITED: "Too many requests",
        Problem.BAD_REQUEST: "Bad request",
        Problem.NOT_FOUND: "Not found",
        Problem.METHOD_NOT_ALLOWED: "Method not allowed",
    }
    return JSONResponse({"detail": messages[problem]}, status_code=STATUS[problem])


@dataclass(frozen=True)
class InterfaceShape:
    name: str
    prefix: str
    body_limit: int
    render: Renderer


class ShapeRegistry:
    def __init__(self) -> None:
        self._shapes: list[InterfaceShape] = []
        self._limits: list[tuple[str, int]] = []

    def register(self, shape: InterfaceShape) -> None:
        self._shapes.append(shape)
        self._shapes.sort(key=lambda s: len(s.prefix), reverse=True)

    def limit_path(self, prefix: str, body_limit: int) -> None:
        """A different body limit under a longer prefix (bulk uploads)."""
        self._limits.append((prefix, body_limit))
        self._limits.sort(key=lambda item: len(item[0]), reverse=True)

    def shape_for(self, path: str) -> InterfaceShape | None:
        for shape in self._shapes:
            if path.startswith(shape.prefix):
                return shape
        return None

    def body_limit_for(self, path: str) -> int:
        for prefix, limit in self._limits:
            if path.startswith(prefix):
                return limit
        shape = self.shape_for(path)
        return shape.body_limit if shape else PLATFORM_BODY_LIMIT

    def render(self, path: str, problem: Problem) -> Response:
        shape = self.shape_for(path)
        return shape.render(problem) if shape else default_renderer(problem)
