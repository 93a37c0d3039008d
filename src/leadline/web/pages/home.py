"""``/``: where a signed-in person lands."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

router = APIRouter(include_in_schema=False)


@router.get("/")
async def home(request: Request) -> Response:
    return RedirectResponse("/search", status_code=303)
