"""``/card``: a contact's or company's card (the softphone opens it)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadline.core.crm.card import load_card
from leadline.core.errors import NotFound
from leadline.core.lookup.service import RecordKind
from leadline.http.deps import services
from leadline.web.guard import record_id, signed_in
from leadline.web.rendering import not_found, page

router = APIRouter(include_in_schema=False)


@router.get("/card")
async def card(request: Request, id: str = "", typecont: str = "contact") -> Response:
    viewer = await signed_in(request)
    if isinstance(viewer, Response):
        return viewer
    kind = RecordKind.from_word(typecont or "contact")
    wanted = record_id(id)
    if kind is None or wanted is None:
        return not_found(request, viewer)
    try:
        async with services(request).db.read_session() as session:
            record = await load_card(
                session, account_id=viewer.account.id, kind=kind, record_id=wanted
            )
    except NotFound:
        return not_found(request, viewer)
    return page(
        request, "card.html", {"viewer": viewer, "card": record, "zone": viewer.account.timezone}
    )
