"""``/setup/users``: the people who sign in — create with a password, change role, reset
the password, deactivate and reactivate — through ``core.users``. The account's last
admin can be neither demoted nor deactivated (the core refuses it)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from leadline.core.audit import service as audit
from leadline.core.errors import Conflict, NotFound, ValidationFailed
from leadline.core.users import service as users
from leadline.db.models import User
from leadline.http.deps import services
from leadline.web import auth
from leadline.web.pages.setup import forms
from leadline.web.rendering import not_found, page

router = APIRouter(include_in_schema=False)

ROLES = [("agent", "Agent"), ("admin", "Admin")]
TYPES = [("agent", "Agent (takes calls)"), ("user", "Office user")]
#: The core's error keys → the form's field names.
NAMES = {"firstName": "first_name", "lastName": "last_name", "userType": "user_type"}
MAX_PASSWORD = 200


async def _record(
    session: AsyncSession, viewer: auth.Viewer, user: User, action: str, **details: object
) -> None:
    await audit.record(
        session,
        account_id=viewer.account.id,
        action=action,
        target_type="user",
        target_id=user.id,
        actor_user_id=viewer.user.id,
        details=details or None,
    )


async def _index(
    request: Request,
    viewer: auth.Viewer,
    *,
    values: dict[str, str] | None = None,
    errors: forms.Errors | None = None,
    alert: str = "",
    status_code: int = 200,
) -> Response:
    async with services(request).db.read_session() as session:
        people = await users.list_users(session, viewer.account.id)
    return page(
        request,
        "setup/users.html",
        {
            "viewer": viewer,
            "people": people,
            "roles": ROLES,
            "types": TYPES,
            "values": values or {"role": "agent", "user_type": "agent"},
            "errors": errors or {},
            "flash": forms.take_flash(request),
            "alert": alert,
        },
        status_code=status_code,
    )


async def _detail(
    request: Request,
    viewer: auth.Viewer,
    user_id: int,
    *,
    errors: forms.Errors | None = None,
    alert: str = "",
    status_code: int = 200,
) -> Response:
    async with services(request).db.read_session() as session:
        try:
            person = await users.get_user(session, viewer.account.id, user_id)
        except NotFound:
            return not_found(request, viewer)
    return page(
        request,
        "setup/user.html",
        {
            "viewer": viewer,
            "person": person,
            "roles": ROLES,
            "values": {"role": person.role},
            "errors": errors or {},
            "flash": forms.take_flash(request),
            "alert": alert,
        },
        status_code=status_code,
    )


@router.get("/setup/users")
async def index(request: Request) -> Response:
    return await forms.section_get(request, _index)


@router.post("/setup/users")
async def create(request: Request) -> Response:
    got = await forms.section_post(request, _index)
    if isinstance(got, Response):
        return got
    viewer, form = got
    errors: forms.Errors = {}
    login = forms.bounded_text(form, "login", errors, limit=150)
    password = forms.text(form, "password")
    if len(password) > MAX_PASSWORD:
        errors["password"] = f"at most {MAX_PASSWORD} characters"
    first = forms.bounded_text(form, "first_name", errors, limit=users.MAX_NAME_LENGTH)
    last = forms.bounded_text(form, "last_name", errors, limit=users.MAX_NAME_LENGTH)
    email = forms.bounded_text(form, "email", errors, limit=users.MAX_EMAIL_LENGTH)
    if not errors:
        try:
            async with services(request).db.transaction() as session:
                person = await users.create_user(
                    session,
                    account_id=viewer.account.id,
                    login=login,
                    password=password,
                    user_type=forms.text(form, "user_type"),
                    role=forms.text(form, "role"),
                    first_name=first,
                    last_name=last,
                    email=email or None,
                )
                await _record(session, viewer, person, "user.create")
        except ValidationFailed as error:
            errors = forms.field_errors(error, NAMES)
        except Conflict:
            errors = {"login": "this login is taken"}
    if errors:
        values = {key: forms.text(form, key) for key in form if key != "password"}
        return await _index(request, viewer, values=values, errors=errors, status_code=400)
    return forms.done(request, "/setup/users", f"User {person.login} created.")


@router.get("/setup/users/{user_id}")
async def detail(request: Request, user_id: str) -> Response:
    return await forms.record_get(request, user_id, _detail)


@router.post("/setup/users/{user_id}/role")
async def change_role(request: Request, user_id: str) -> Response:
    got = await forms.record_post(request, user_id, _detail)
    if isinstance(got, Response):
        return got
    viewer, ident, form = got
    role = forms.text(form, "role")
    try:
        async with services(request).db.transaction() as session:
            person = await users.get_user(session, viewer.account.id, ident)
            await users.set_role(session, person, role)
            await _record(session, viewer, person, "user.role", role=role)
    except NotFound:
        return not_found(request, viewer)
    except ValidationFailed as error:
        return await _detail(
            request, viewer, ident, errors=forms.field_errors(error), status_code=400
        )
    except Conflict as refused:
        return await _detail(
            request, viewer, ident, errors={"role": refused.message}, status_code=400
        )
    return forms.done(request, f"/setup/users/{ident}", f"{person.login} is now {role}.")


@router.post("/setup/users/{user_id}/active")
async def activate(request: Request, user_id: str) -> Response:
    got = await forms.record_post(request, user_id, _detail)
    if isinstance(got, Response):
        return got
    viewer, ident, form = got
    active = forms.text(form, "action") == "activate"
    try:
        async with services(request).db.transaction() as session:
            person = await users.get_user(session, viewer.account.id, ident)
            await users.set_active(session, person, active)
            await _record(session, viewer, person, "user.active", active=active)
    except NotFound:
        return not_found(request, viewer)
    except Conflict as refused:
        return await _detail(request, viewer, ident, alert=refused.message, status_code=400)
    state = "reactivated" if active else "deactivated: they can no longer sign in"
    return forms.done(request, f"/setup/users/{ident}", f"{person.login} {state}.")


@router.post("/setup/users/{user_id}/password")
async def reset_password(request: Request, user_id: str) -> Response:
    got = await forms.record_post(request, user_id, _detail)
    if isinstance(got, Response):
        return got
    viewer, ident, form = got
    password = forms.text(form, "password")
    if len(password) > MAX_PASSWORD:
        errors = {"password": f"at most {MAX_PASSWORD} characters"}
        return await _detail(request, viewer, ident, errors=errors, status_code=400)
    try:
        async with services(request).db.transaction() as session:
            person = await users.get_user(session, viewer.account.id, ident)
            await users.set_password(session, person, password)
            await _record(session, viewer, person, "user.password")
    except NotFound:
        return not_found(request, viewer)
    except ValidationFailed as error:
        return await _detail(
            request, viewer, ident, errors=forms.field_errors(error), status_code=400
        )
    return forms.done(request, f"/setup/users/{ident}", f"New password set for {person.login}.")
