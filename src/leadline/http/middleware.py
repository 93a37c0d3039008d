"""ASGI middleware: request id + access log + metrics + last-resort error shapes, and the
body-size limit. Pure ASGI (not BaseHTTPMiddleware), so bodies stream untouched."""

from __future__ import annotations

import time
import uuid
from typing import Any

import structlog
from prometheus_client import Counter, Histogram
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadline.http.shapes import Problem, ShapeRegistry
from leadline.logging import get_logger, mask_text

log = get_logger("leadline.http")

REQUESTS = Counter(
    "leadline_http_requests_total", "HTTP requests answered", ["interface", "method", "status"]
)
LATENCY = Histogram(
    "leadline_http_request_seconds",
    "Time to answer an HTTP request",
    ["interface"],
    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class BodyTooLarge(Exception):
    pass


def _database_down(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, ConnectionError | TimeoutError)


class RequestMiddleware:
    def __init__(self, app: ASGIApp, shapes: ShapeRegistry) -> None:
        self.app = app
        self.shapes = shapes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        shape = self.shapes.shape_for(path)
        interface = shape.name if shape else "app"
        headers = dict(scope.get("headers") or [])
        request_id = headers.get(b"x-request-id", b"").decode("latin-1")[:64] or uuid.uuid4().hex
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status_holder: dict[str, Any] = {"status": 500, "started": False}

        limit = self.shapes.body_limit_for(path)
        declared = headers.get(b"content-length")
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                status_holder["started"] = True
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        async def send_problem(problem: Problem) -> None:
            response = self.shapes.render(path, problem)
            response.headers["x-request-id"] = request_id
            await response(scope, receive, tracking_send)

        try:
            if declared is not None and declared.isdigit() and int(declared) > limit:
                await send_problem(Problem.TOO_LARGE)
            else:
                await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not status_holder["started"]:
                await send_problem(Problem.TOO_LARGE)
        except Exception as exc:
            down = _database_down(exc)
            log.error(
                "request failed",
                path=path,
                method=scope.get("method"),
                database_unavailable=down,
                exc_info=True,
            )
            if not status_holder["started"]:
                await send_problem(Problem.UNAVAILABLE if down else Problem.SERVER_ERROR)
        finally:
            elapsed = time.perf_counter() - started
            status = status_holder["status"]
            REQUESTS.labels(interface, scope.get("method", ""), str(status)).inc()
            LATENCY.labels(interface).observe(elapsed)
            query = scope.get("query_string", b"").decode("latin-1")
            log.info(
                "request",
                method=scope.get("method"),
                path=path,
                query=mask_text(query) if query else None,
                status=status,
                ms=round(elapsed * 1000, 2),
                interface=interface,
            )
            structlog.contextvars.unbind_contextvars("request_id")
