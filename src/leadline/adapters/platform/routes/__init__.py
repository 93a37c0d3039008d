"""The platform API v3.0: a sub-application mounted at ``/platform-api/v3.0`` with its
own OpenAPI document, docs page and error handlers. One router per resource, all listed
in ``ROUTERS``; ``/leads/bulk`` gets a 64 MiB body limit of its own."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.routing import Mount
from starlette.types import ASGIApp

from leadline import __version__
from leadline.adapters.platform import errors
from leadline.adapters.platform.mapping import BASE_PATH
from leadline.adapters.platform.routes import (
    activities,
    administration,
    agents,
    bulk,
    campaigns,
    customers,
    dialler,
    dnc,
    leads,
    lists,
    media,
    users,
    webhooks,
)
from leadline.http.deps import Services
from leadline.http.shapes import (
    BULK_BODY_LIMIT,
    PLATFORM_BODY_LIMIT,
    InterfaceShape,
    ShapeRegistry,
)

ROUTERS = (
    activities.router,
    campaigns.router,
    lists.router,
    # Before the leads router: ``/leads/bulk`` is not a lead id.
    bulk.router,
    leads.router,
    dialler.router,
    agents.router,
    users.router,
    dnc.router,
    administration.router,
    media.router,
    customers.router,
    webhooks.router,
)

DESCRIPTION = """\
Leadline's platform API (ipSCAPE-compatible). Authenticate with `Authorization: <token>`
or `Authorization: Bearer <token>` (an API credential with the `platform` scope). Lists
answer `{"metadata": {"nextUri": …}, "items": […]}`, ordered by id; follow `nextUri` to
the end to see every item once. Errors answer `{"message": …, "errors": {field: […]}}`.
"""


def create_platform_app(services: Services) -> FastAPI:
    api = FastAPI(
        title="Leadline Platform API",
        version=f"3.0 ({__version__})",
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        servers=[{"url": BASE_PATH}],
        root_path_in_servers=False,
    )
    api.state.services = services
    errors.install(api)
    for router in ROUTERS:
        api.include_router(router)

    @api.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=f"{BASE_PATH}/openapi.json",
            title="Leadline Platform API",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/vendor/swagger-ui/favicon-32x32.png",
        )

    return api


def mount(app: FastAPI, shapes: ShapeRegistry) -> None:
    shapes.register(
        InterfaceShape(
            name="platform",
            prefix="/platform-api/",
            body_limit=PLATFORM_BODY_LIMIT,
            render=errors.render_problem,
        )
    )
    shapes.limit_path(f"{BASE_PATH}/leads/bulk", BULK_BODY_LIMIT)
    app.router.routes.append(_Mount(BASE_PATH, app=create_platform_app(app.state.services)))


class _Mount(Mount):
    """A mount whose prefix match also spans newlines in the rest of the path (``%0A`` in a
    path parameter), so such requests reach the API and get its own 404/422."""

    def __init__(self, path: str, app: ASGIApp) -> None:
        super().__init__(path, app=app)
        self.path_regex = re.compile(self.path_regex.pattern, re.DOTALL)
