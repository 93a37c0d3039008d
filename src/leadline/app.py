"""The ASGI application: one app, every interface mounted on it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException

from leadline import __version__
from leadline.config import Settings, get_settings
from leadline.core.security import Keyring
from leadline.db.engine import Database
from leadline.http.deps import Services
from leadline.http.middleware import RequestMiddleware
from leadline.http.ratelimit import RateLimiter
from leadline.http.shapes import Problem, ShapeRegistry
from leadline.logging import configure_logging, get_logger
from leadline.runtime import tune_gc

log = get_logger("leadline.app")


def _mount_interfaces(app: FastAPI, shapes: ShapeRegistry) -> None:
    """Each interface mounts its routes and registers its error shape here."""
    from leadline.adapters.call_costs.routes import mount as mount_call_costs
    from leadline.adapters.dialler_api.routes import mount as mount_dialler_api
    from leadline.adapters.platform.routes import mount as mount_platform
    from leadline.adapters.portal.routes import mount as mount_portal
    from leadline.adapters.softphone.routes import mount as mount_softphone
    from leadline.web.routes import mount as mount_console

    mount_portal(app, shapes)
    mount_dialler_api(app, shapes)
    mount_softphone(app, shapes)
    mount_call_costs(app, shapes)
    mount_platform(app, shapes)
    mount_console(app, shapes)


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    owns_database = database is None
    db = database or Database(
        settings.async_database_url,
        busy_timeout_ms=settings.sqlite_busy_timeout_ms,
        pool_size=settings.db_pool_size,
    )
    services = Services(
        settings=settings,
        db=db,
        keyring=Keyring(settings.resolved_secret_key()),
        rate_limiter=RateLimiter(),
    )

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        worker_task: asyncio.Task[None] | None = None
        if settings.run_worker:
            from leadline.worker.runner import Worker

            worker = Worker(services)
            worker_task = asyncio.create_task(worker.run(), name="leadline-worker")
        log.info("started", version=__version__, database=db.dialect, worker=settings.run_worker)
        try:
            yield
        finally:
            if worker_task is not None:
                worker_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await worker_task
            if owns_database:
                await db.dispose()

    app = FastAPI(
        title="Leadline",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.services = services
    shapes = ShapeRegistry()
    app.state.shapes = shapes

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> Response:
        try:
            async with db.read_session() as session:
                await session.execute(text("SELECT 1"))
        except Exception:
            log.warning("database not reachable", exc_info=True)
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
        return JSONResponse({"status": "ok", "database": db.dialect})

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return PlainTextResponse(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Leadline API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/vendor/swagger-ui/favicon-32x32.png",
        )

    static_dir = files("leadline.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static_dir)), name="static")

    _mount_interfaces(app, shapes)
    _answer_unrouted_in_shape(app, shapes)
    app.add_middleware(RequestMiddleware, shapes=shapes)
    return app


_UNROUTED = {404: Problem.NOT_FOUND, 405: Problem.METHOD_NOT_ALLOWED}


def _answer_unrouted_in_shape(app: FastAPI, shapes: ShapeRegistry) -> None:
    """A wrong path or method under an interface's prefix answers in that interface's
    shape (a partner parses our errors), not in the framework's ``{"detail"}``."""

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        problem = _UNROUTED.get(exc.status_code)
        if problem is None or shapes.shape_for(request.url.path) is None:
            return await http_exception_handler(request, exc)
        response = shapes.render(request.url.path, problem)
        if exc.headers and "allow" in {name.lower() for name in exc.headers}:
            response.headers.update(exc.headers)
        return response

    app.add_exception_handler(StarletteHTTPException, on_http)


def create_configured_app() -> FastAPI:
    """Entry point for ``uvicorn --factory`` (each server process builds its own)."""
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    app = create_app(settings)
    tune_gc(settings.gc_threshold)
    return app
