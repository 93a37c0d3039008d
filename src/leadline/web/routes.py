"""Mounts the console: its pages (``web.pages``), the signed session cookie, and the
console's error shape under each page prefix."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware

from leadline.http.deps import Services
from leadline.http.shapes import PARTNER_BODY_LIMIT, InterfaceShape, ShapeRegistry
from leadline.web import auth
from leadline.web.pages import PAGES, PREFIXES
from leadline.web.rendering import render_problem


def mount(app: FastAPI, shapes: ShapeRegistry) -> None:
    found: Services = app.state.services
    for module in PAGES:
        app.include_router(module.router)
    app.add_middleware(
        SessionMiddleware,
        secret_key=found.keyring.derive("console-session", 32),
        session_cookie=auth.SESSION_COOKIE,
        max_age=auth.SESSION_MAX_AGE,
        same_site="lax",
        https_only=found.settings.public_url.startswith("https://"),
    )
    for module in PAGES:
        # A page that takes uploads names its own, larger, body limit.
        for prefix, limit in getattr(module, "BODY_LIMITS", {}).items():
            shapes.limit_path(prefix, limit)
    for prefix in PREFIXES:
        shapes.register(
            InterfaceShape(
                name="console", prefix=prefix, body_limit=PARTNER_BODY_LIMIT, render=render_problem
            )
        )
