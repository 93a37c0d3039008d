"""``/search``: find who a phone number belongs to (the softphone opens it; htmx refreshes
the results as one types)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadline.core.lookup.service import find_by_phone
from leadline.core.phones import restore_plus
from leadline.http.deps import services
from leadline.web.guard import signed_in
from leadline.web.rendering import page

router = APIRouter(include_in_schema=False)


@router.get("/search")
async def search(request: Request, phone: str = "") -> Response:
    viewer = await signed_in(request)
    if isinstance(viewer, Response):
        return viewer
    phone = restore_plus(phone)
    result = None
    if phone:
        async with services(request).db.read_session() as session:
            result = await find_by_phone(
                session,
                account_id=viewer.account.id,
                region=viewer.account.phone_region,
                phone=phone,
            )
    template = "search_results.html" if request.headers.get("hx-request") else "search.html"
    return page(request, template, {"viewer": viewer, "phone": phone, "result": result})
