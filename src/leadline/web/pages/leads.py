"""``/leads``: the leads table (filters, prefix and phone search, keyset pages, a capped
count) and ``/leads/{id}``: one lead, its history, and the forms that change it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from leadline.core.access.service import Viewer as Scope
from leadline.core.access.service import viewer_of_user
from leadline.core.campaigns import queries as campaign_queries
from leadline.core.campaigns import service as campaign_service
from leadline.core.contacts import service as contacts
from leadline.core.dialling import agents
from leadline.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from leadline.core.leads import browse
from leadline.core.leads import service as leads
from leadline.core.leads.overview import lead_overview
from leadline.core.leads.queries import LeadContext, lead_context, visible_lead
from leadline.core.phones import parse_phone_fields
from leadline.core.users import service as users
from leadline.http.deps import services
from leadline.web import auth
from leadline.web.guard import checked_form, code_number, local_moment, record_id, signed_in
from leadline.web.rendering import not_found, page

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
_MAX_TEXT = 200


def _choices(scope: Scope, campaigns: list[Any], lists: Mapping[int, list[Any]]) -> dict[str, Any]:
    return {
        "campaigns": [(c.id, c.name) for c in campaigns if scope.sees_campaign(c.id)],
        "lists": [
            (item.id, f"{c.name} · {item.name}")
            for c in campaigns
            if scope.sees_campaign(c.id)
            for item in lists.get(c.id, [])
        ],
    }


def _filters(query: Mapping[str, str]) -> tuple[browse.LeadFilters, int | None, dict[str, str]]:
    """The table's filters from the query string, and a message per field that is wrong."""
    errors: dict[str, str] = {}

    def ident(name: str) -> int | None:
        raw = query.get(name, "").strip()
        if not raw:
            return None
        found = record_id(raw)
        if found is None:
            errors[name] = "Choose one from the list."
        return found

    def text(name: str) -> str | None:
        raw = query.get(name, "").strip()
        if len(raw) > _MAX_TEXT or "\x00" in raw:
            errors[name] = f"At most {_MAX_TEXT} characters."
            return None
        return raw or None

    def choice(name: str, allowed: tuple[str, ...]) -> str | None:
        raw = query.get(name, "").strip()
        if raw and raw not in allowed:
            errors[name] = "Choose one from the list."
            return None
        return raw or None

    status_raw = query.get("status", "").strip()
    status = code_number(status_raw) if status_raw else None
    if status_raw and status is None:
        errors["status"] = "Choose one from the list."
    phone = text("phone")
    if phone and browse.phone_tail(phone) is None:
        errors["phone"] = "Type the number's last digits (at least nine for a full match)."
        phone = None
    filters = browse.LeadFilters(
        campaign_id=ident("campaign"),
        list_id=ident("list"),
        status_code=status,
        source=text("source"),
        due=choice("due", browse.DUE_CHOICES),
        state=choice("state", browse.STATE_CHOICES),
        text=text("q"),
        phone=phone,
    )
    after_raw = query.get("after", "").strip()
    after = record_id(after_raw) if after_raw else None
    if after_raw and after is None:
        errors["after"] = "Not a page of this table."
    return filters, after, errors


@router.get("/leads")
async def leads_table(request: Request) -> Response:
    viewer = await signed_in(request)
    if isinstance(viewer, Response):
        return viewer
    query = dict(request.query_params)
    filters, after, errors = _filters(query)
    async with services(request).db.read_session() as session:
        scope = await viewer_of_user(session, viewer.user)
        campaigns = await campaign_service.list_campaigns(session, viewer.account.id)
        lists = await campaign_queries.lists_of(session, [c.id for c in campaigns])
        statuses = await campaign_queries.status_codes(session, viewer.account.id)
        page_rows: list[Any] = []
        next_after = None
        total = None
        if not errors:
            found = await browse.browse(session, scope, filters, after=after, limit=PAGE_SIZE)
            page_rows = list(found.items)
            next_after = found.next_after
            total = await browse.count(session, scope, filters)
        context = await _row_context(session, viewer.account.id, page_rows)
    kept = {k: v for k, v in query.items() if k != "after" and v}
    return page(
        request,
        "leads.html",
        {
            "viewer": viewer,
            "rows": page_rows,
            "row_context": context,
            "total": total,
            "query": query,
            "errors": errors,
            "statuses": statuses,
            "first_href": f"/leads?{urlencode(kept)}" if after else "",
            "next_href": (
                f"/leads?{urlencode({**kept, 'after': next_after})}" if next_after else ""
            ),
            "zone": viewer.account.timezone,
            **_choices(scope, campaigns, lists),
        },
        status_code=400 if errors else 200,
    )


async def _row_context(
    session: AsyncSession, account_id: int, rows: list[Any]
) -> tuple[LeadContext, dict[int, str]]:
    names = await contacts.names_of(session, [row.contact_id for row in rows])
    return await lead_context(session, account_id, rows), names


async def _lead_page(
    request: Request,
    viewer: auth.Viewer,
    lead_id: int,
    *,
    errors: Mapping[str, str] | None = None,
    form: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    async with services(request).db.read_session() as session:
        scope = await viewer_of_user(session, viewer.user)
        try:
            overview = await lead_overview(session, scope, lead_id)
        except NotFound:
            return not_found(request, viewer)
        statuses = await campaign_queries.status_codes(session, viewer.account.id)
        people = (
            await users.list_users(session, viewer.account.id)
            if viewer.user.role == "admin"
            else []
        )
    return page(
        request,
        "lead.html",
        {
            "viewer": viewer,
            "o": overview,
            "lead": overview.lead,
            # Completing closes the lead: only the statuses that say it is done.
            "status_pairs": [
                (s.code, f"{s.code} · {s.description}") for s in statuses if s.is_final
            ],
            "people": [(u.id, u.full_name or u.login) for u in people if u.active],
            "errors": dict(errors or {}),
            "form": dict(form or {}),
            "flash": request.query_params.get("done", ""),
            "zone": viewer.account.timezone,
        },
        status_code=status_code,
    )


@router.get("/leads/{lead_id}")
async def lead_page(request: Request, lead_id: str) -> Response:
    viewer = await signed_in(request)
    if isinstance(viewer, Response):
        return viewer
    wanted = record_id(lead_id)
    if wanted is None:
        return not_found(request, viewer)
    return await _lead_page(request, viewer, wanted)


#: Core's field names → this page's form fields.
_FIELD_OF = {"statusCode": "status", "callBackAt": "at", "agentId": "agent", "timezone": "at"}


def _field_errors(error: DomainError) -> dict[str, str]:
    if isinstance(error, ValidationFailed):
        return {
            _FIELD_OF.get(name, name): "; ".join(problems)
            for name, problems in error.errors.items()
        }
    return {"form": str(error)}


_DONE = {
    "edit": "Saved.",
    "complete": "The lead is completed.",
    "callback": "The call-back is scheduled.",
    "assign": "The agent is assigned.",
}


async def _act(request: Request, lead_id: str, action: str) -> Response:
    viewer = await signed_in(request)
    if isinstance(viewer, Response):
        return viewer
    wanted = record_id(lead_id)
    if wanted is None:
        return not_found(request, viewer)
    form = await checked_form(request)
    if form is None:
        return await _lead_page(
            request,
            viewer,
            wanted,
            errors={"form": "Your session expired. Please send the form again."},
            status_code=400,
        )
    if action == "assign" and viewer.user.role != "admin":
        return await _lead_page(
            request,
            viewer,
            wanted,
            errors={"agent": "Only an admin assigns leads."},
            status_code=403,
        )
    try:
        async with services(request).db.transaction() as session:
            scope = await viewer_of_user(session, viewer.user)
            lead = await visible_lead(session, scope, wanted)
            await _ACTIONS[action](session, viewer, lead, form)
    except NotFound:
        return not_found(request, viewer)
    except (ValidationFailed, Conflict) as error:
        sent = {k: str(v) for k, v in form.items() if k != "csrf_token"}
        return await _lead_page(
            request, viewer, wanted, errors=_field_errors(error), form=sent, status_code=400
        )
    return RedirectResponse(f"/leads/{wanted}?done={action}", status_code=303)


async def _edit(session: AsyncSession, viewer: auth.Viewer, lead: Any, form: FormData) -> None:
    sent = {k: str(v) for k, v in form.items()}
    new_phones = parse_phone_fields(
        {k: sent.get(k, "") for k in ("phone1", "phone2", "phone3")}, viewer.account.phone_region
    )
    data = dict(lead.data or {})
    for key in list(data):
        if f"data.{key}" in sent:
            value = sent[f"data.{key}"].strip()
            if value:
                data[key] = value
            else:
                del data[key]
    new_key = sent.get("new_key", "").strip()
    if new_key:
        if len(new_key) > 64:
            raise ValidationFailed.single("new_key", "at most 64 characters")
        data[new_key] = sent.get("new_value", "").strip()
    contact = await contacts.get_contact(session, lead.account_id, lead.contact_id)
    await contacts.change_details(
        session, contact, name=sent.get("name", ""), email=sent.get("email") or None
    )
    await leads.update_lead(session, lead, {"data": data}, phones=new_phones)


def _status(form: FormData, name: str = "status") -> int:
    found = code_number(str(form.get(name) or "").strip())
    if found is None:
        raise ValidationFailed.single(name, "choose a status")
    return found


async def _complete(session: AsyncSession, viewer: auth.Viewer, lead: Any, form: FormData) -> None:
    if lead.completed_at is not None:
        raise Conflict("the lead is already completed")
    await leads.update_lead(session, lead, {"status_code": _status(form), "completed": True})


async def _callback(session: AsyncSession, viewer: auth.Viewer, lead: Any, form: FormData) -> None:
    at = local_moment(str(form.get("at") or ""), viewer.account.timezone)
    if at is None:
        raise ValidationFailed.single("at", "give a date and time")
    await agents.call_back(session, lead, at)


async def _assign(session: AsyncSession, viewer: auth.Viewer, lead: Any, form: FormData) -> None:
    raw = str(form.get("agent") or "").strip()
    agent = record_id(raw) if raw else None
    if raw and agent is None:
        raise ValidationFailed.single("agent", "choose an agent")
    try:
        await leads.update_lead(session, lead, {"assigned_agent_id": agent})
    except ValidationFailed:
        raise ValidationFailed.single("agent", "choose an agent") from None


_ACTIONS = {"edit": _edit, "complete": _complete, "callback": _callback, "assign": _assign}


@router.post("/leads/{lead_id}")
async def edit_lead(request: Request, lead_id: str) -> Response:
    return await _act(request, lead_id, "edit")


@router.post("/leads/{lead_id}/{action}")
async def act_on_lead(request: Request, lead_id: str, action: str) -> Response:
    """``complete``, ``callback`` or ``assign``."""
    if action not in _ACTIONS or action == "edit":
        viewer = await signed_in(request)
        return viewer if isinstance(viewer, Response) else not_found(request, viewer)
    return await _act(request, lead_id, action)
