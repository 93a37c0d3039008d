"""``/rest``: TelefUM's ``find``, ``addcont`` and ``addevent`` over GET or POST."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl

from fastapi import APIRouter, FastAPI, Request
from sqlalchemy import select
from starlette.responses import Response

from leadline.adapters.softphone import wire
from leadline.adapters.softphone.auth import VerifiedLogins
from leadline.adapters.softphone.wire import Message
from leadline.core.crm import service as crm
from leadline.core.errors import InvalidPhone, NotFound
from leadline.core.lookup.service import RecordKind, find_by_phone
from leadline.core.phones import restore_plus
from leadline.core.users import service as users
from leadline.core.users.signin import Outcome, verify
from leadline.core.vocabulary import Scope
from leadline.db.models import Account, User
from leadline.http.deps import Services, request_ip, services
from leadline.http.shapes import PARTNER_BODY_LIMIT, InterfaceShape, Problem, ShapeRegistry

REALM = "softphone"
PREFIX = "/rest"
_PROBLEMS = {
    Problem.TOO_LARGE: Message.TOO_LARGE,
    Problem.SERVER_ERROR: Message.SERVER_ERROR,
    Problem.UNAVAILABLE: Message.UNAVAILABLE,
    Problem.RATE_LIMITED: Message.RATE_LIMITED,
    Problem.BAD_REQUEST: Message.BAD_REQUEST,
    # The softphone reads <result>, not the status line: a wrong path is an unknown request.
    Problem.NOT_FOUND: Message.BAD_TYPEREQ,
    Problem.METHOD_NOT_ALLOWED: Message.BAD_REQUEST,
}
_ADDED = {
    RecordKind.CONTACT: Message.CONTACT_ADDED,
    RecordKind.LEAD: Message.LEAD_ADDED,
    RecordKind.COMPANY: Message.COMPANY_ADDED,
}


def render_problem(problem: Problem) -> Response:
    return wire.error(_PROBLEMS[problem])


@dataclass(frozen=True)
class Caller:
    user: User
    account: Account

    @property
    def language(self) -> str:
        return self.user.language or self.account.language


def _decode(body: bytes) -> str:
    # Softphones send Cyrillic both percent-encoded and raw; raw bytes are UTF-8, or
    # Windows-1251 from older builds.
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1251", errors="replace")


async def _params(request: Request) -> dict[str, str]:
    """Query string and form merged (the form wins): the softphone uses either."""
    params = dict(request.query_params)
    if request.method != "POST":
        return params
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("multipart/form-data"):
        try:
            form = await request.form()
        except Exception:  # a malformed body is treated as an empty form, not a 500
            return params
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    else:
        body = _decode(await request.body())
        params.update(parse_qsl(body, keep_blank_values=True))
    return params


async def _authenticate(
    request: Request, found: Services, cache: VerifiedLogins, params: Mapping[str, str]
) -> Caller | None:
    login = params.get("login", "").strip()
    password = params.get("password", "")
    if not login or not password:
        return None
    cached = cache.user_id(login, password)
    if cached is not None:
        async with found.db.read_session() as session:
            # Still checked on every request: a disabled user is refused at once.
            row = (
                await session.execute(
                    select(User, Account)
                    .join(Account, Account.id == User.account_id)
                    .where(User.id == cached, User.active.is_(True), Account.active.is_(True))
                )
            ).first()
        if row is not None:
            return Caller(row[0], row[1])
        cache.forget(login, password)
    ip = request_ip(request)
    async with found.db.read_session() as session:
        result = await verify(
            session,
            realm=REALM,
            login=login,
            secret=password,
            ip=ip,
            keyring=found.keyring,
            key_scope=Scope.SOFTPHONE,
        )
        user = result.user
        account = await session.get(Account, user.account_id) if user else None
    if user is not None and account is not None and account.active:
        cache.remember(login, password, user.id)
        return Caller(user, account)
    if result.outcome is Outcome.REFUSED:
        async with found.db.transaction() as session:
            await users.record_failure(session, REALM, login, ip)
    return None


async def _find(found: Services, caller: Caller, params: Mapping[str, str]) -> Response:
    phone = restore_plus(params.get("phone"))
    if not phone:
        return wire.error(Message.NO_PHONE, caller.language)
    async with found.db.read_session() as session:
        result = await find_by_phone(
            session, account_id=caller.account.id, region=caller.account.phone_region, phone=phone
        )
    return wire.found(
        (
            {
                "id": item.id,
                "typecont": item.kind.value,
                "name": item.name,
                "company": item.company,
                "description": item.description,
            }
            for item in result.items
        ),
        result.total,
    )


async def _addcont(found: Services, caller: Caller, params: Mapping[str, str]) -> Response:
    phone = restore_plus(params.get("phone"))
    if not phone:
        return wire.error(Message.NO_PHONE, caller.language)
    kind = RecordKind.from_word(params.get("typecont") or RecordKind.CONTACT.value)
    if kind is None:
        return wire.error(Message.BAD_TYPECONT, caller.language)
    try:
        async with found.db.transaction() as session:
            user = await session.get(User, caller.user.id)
            assert user is not None
            record = await crm.add_record(
                session,
                user=user,
                region=caller.account.phone_region,
                kind=kind,
                phone=phone,
                name=params.get("name"),
                dialled=restore_plus(params.get("x_pstn")),
            )
    except InvalidPhone:
        return wire.error(Message.BAD_PHONE, caller.language)
    return wire.added(record.id, record.kind.value, _ADDED[record.kind], caller.language)


async def _addevent(found: Services, caller: Caller, params: Mapping[str, str]) -> Response:
    raw_id = params.get("id", "").strip()
    if not raw_id:
        return wire.error(Message.NO_ID, caller.language)
    kind = RecordKind.from_word(params.get("typecont") or RecordKind.CONTACT.value)
    if kind is None:
        return wire.error(Message.BAD_TYPECONT, caller.language)
    subject = params.get("subj", "").strip()
    if not subject:
        return wire.error(Message.NO_SUBJECT, caller.language)
    if not raw_id.isascii() or not raw_id.isdigit() or len(raw_id) > 18:
        return wire.error(Message.NOT_FOUND, caller.language)
    try:
        async with found.db.transaction() as session:
            user = await session.get(User, caller.user.id)
            assert user is not None
            event = await crm.add_event(
                session,
                user=user,
                kind=kind,
                record_id=int(raw_id),
                subject=subject,
                description=params.get("desc"),
            )
    except NotFound:
        return wire.error(Message.NOT_FOUND, caller.language)
    return wire.added(event.id, kind.value, Message.EVENT_ADDED, caller.language, id_tag="idev")


_HANDLERS = {"find": _find, "addcont": _addcont, "addevent": _addevent}


def build_router(logins: VerifiedLogins) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.api_route(PREFIX, methods=["GET", "POST"])
    async def rest(request: Request) -> Response:
        found = services(request)
        params = await _params(request)
        caller = await _authenticate(request, found, logins, params)
        if caller is None:
            return wire.error(Message.BAD_CREDENTIALS)
        handler = _HANDLERS.get(params.get("typereq", "").strip().lower())
        if handler is None:
            return wire.error(Message.BAD_TYPEREQ, caller.language)
        return await handler(found, caller, params)

    return router


def services_of(app: FastAPI) -> Services:
    found: Services = app.state.services
    return found


def mount(app: FastAPI, shapes: ShapeRegistry) -> None:
    keyring = services_of(app).keyring
    app.include_router(build_router(VerifiedLogins(keyring)))
    shapes.register(
        InterfaceShape(
            name="softphone", prefix=PREFIX, body_limit=PARTNER_BODY_LIMIT, render=render_problem
        )
    )
