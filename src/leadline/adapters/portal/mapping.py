"""Pure translations between the portal's wire format and the core's push objects, and the
portal's ``{code, message}`` answers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic import ValidationError

from leadline.adapters.portal.wire import ContactBody, PhoneCallBody
from leadline.core import clock
from leadline.core.errors import InvalidPhone
from leadline.core.phones import parse as parse_phone
from leadline.core.portal.pushes import CallPush, Outcome, PortalRefs, WebLeadPush
from leadline.core.text import storable_payload, unstorable_reason
from leadline.core.vocabulary import CALL_ABANDONED, CALL_ANSWERED, CALL_BUSY, CALL_NO_ANSWER

#: The portal's call outcomes as our call statuses.
OUTCOME_STATUS: dict[str, str] = {
    "ANSWER": CALL_ANSWERED,
    "ABORTED": CALL_ABANDONED,
    "LOST_CALL": CALL_NO_ANSWER,
    "BUSY": CALL_BUSY,
}

_PORTAL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
_ISO_DATE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$"
)
#: Dates outside these years are typing errors, not calls.
_YEARS = range(1970, 2101)


class WireError(Exception):
    """The body is not a request we can read; ``what`` says why (for 4500)."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


@dataclass(frozen=True)
class Answer:
    status: int
    code: int
    message: str

    @property
    def body(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message}


SUCCESS = Answer(200, 2000, "success")
UNAUTHORIZED = Answer(401, 4510, "unauthorized")
TOO_LARGE = Answer(413, 4520, "request too large")
RATE_LIMITED = Answer(429, 4290, "too many requests")
SERVER_ERROR = Answer(500, 5000, "server error")
UNAVAILABLE = Answer(503, 5100, "service unavailable")
NOT_FOUND = Answer(404, 4004, "not found")
METHOD_NOT_ALLOWED = Answer(405, 4005, "method not allowed")

#: The spec's wording, kept verbatim ("non found"): partners match on these messages.
OUTCOME_ANSWERS: dict[Outcome, Answer] = {
    Outcome.ACCEPTED: SUCCESS,
    Outcome.DUPLICATE: SUCCESS,
    Outcome.LISTING_DISABLED: Answer(403, 4030, "listing not enabled"),
    Outcome.LISTING_NOT_FOUND: Answer(404, 4040, "listing non found"),
    Outcome.AGENCY_DISABLED: Answer(403, 4300, "real estate agency not enabled"),
    Outcome.AGENCY_NOT_FOUND: Answer(404, 4400, "real estate agency non found"),
}


def invalid(what: str) -> Answer:
    return Answer(400, 4500, f"invalid request: {what}")


def _check_text(document: Any) -> None:
    reason = unstorable_reason(document)
    if reason is not None:
        raise WireError(reason)


def decode(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object, or :class:`WireError`."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise WireError("body is not UTF-8") from None
    if not text.strip():
        raise WireError("empty body") from None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise WireError("body is not JSON") from None
    if not isinstance(document, dict):
        raise WireError("body is not a JSON object")
    _check_text(document)
    return document


def printable_payload(raw: bytes) -> str:
    """The raw body as text for the inbox (NULs escaped: a text column cannot hold them)."""
    return storable_payload(raw)


def partner_keys(document: object, id_fields: tuple[str, ...]) -> tuple[str | None, str | None]:
    """``src`` and the partner's id, as far as a refused body gives them."""
    if not isinstance(document, dict):
        return None, None
    src = document.get("src")
    partner_id = next(
        (
            document[name]
            for name in id_fields
            if isinstance(document.get(name), str | int) and not isinstance(document[name], bool)
        ),
        None,
    )
    return (
        src[:200] if isinstance(src, str) else None,
        None if partner_id is None else str(partner_id)[:200],
    )


def describe(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    if first["type"] == "missing":
        problem = "is required"
    else:
        problem = str(first["msg"]).removeprefix("Value error, ")
    return f"{where}: {problem}" if where else problem


def parse_date(value: str, timezone: str) -> datetime:
    """``YYYY-MM-DD HH:MM:SS`` in the hook's zone, or ISO 8601 (with an offset, or read in
    the hook's zone without one); aware, in UTC."""
    value = value.strip()
    if not (_PORTAL_DATE.match(value) or _ISO_DATE.match(value)):
        raise WireError(f"date: not YYYY-MM-DD HH:MM:SS: {value!r}")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=clock.zone(timezone))
        if moment.year not in _YEARS:
            raise ValueError("year out of range")
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise WireError(f"date: not a valid date: {value!r}") from None


def _phone(field: str, value: object, region: str) -> str:
    try:
        return parse_phone(value, region)
    except InvalidPhone:
        raise WireError(f"{field}: not a valid phone number") from None


def _validated(model: type[PhoneCallBody] | type[ContactBody], document: dict[str, Any]) -> Any:
    try:
        return model.model_validate(document)
    except ValidationError as error:
        raise WireError(describe(error)) from None


def _refs(body: PhoneCallBody | ContactBody) -> PortalRefs:
    return PortalRefs(
        agency_external_id=(body.agencyExternalId or "").strip() or None,
        agency_portal_id=body.agencyId,
        listing_external_id=(body.listingExternalId or "").strip() or None,
        listing_portal_id=body.listingId,
    )


def to_call_push(document: dict[str, Any], *, timezone: str, region: str) -> CallPush:
    body: PhoneCallBody = _validated(PhoneCallBody, document)
    return CallPush(
        partner=body.src,
        partner_id=str(body.phoneCallId),
        refs=_refs(body),
        caller=_phone("callFrom", body.callFrom, region),
        called=_phone("callTo", body.callTo, region),
        started_at=parse_date(body.date, timezone),
        duration_seconds=body.duration,
        status=OUTCOME_STATUS[body.outcome],
    )


def _visit_days(days: list[str] | None) -> list[str] | None:
    if days is None:
        return None
    for day in days:
        try:
            date.fromisoformat(day)
        except ValueError:
            raise WireError(f"visitDays: not a YYYY-MM-DD date: {day!r}") from None
    return days


def to_web_lead_push(document: dict[str, Any], *, timezone: str, region: str) -> WebLeadPush:
    body: ContactBody = _validated(ContactBody, document)
    details: dict[str, object] = {
        "type": body.type,
        "message": body.msg,
        "referrer": body.referrer,
        "remote_ip": body.remote_ip,
    }
    if body.priceProposal is not None:
        details["price_proposal"] = body.priceProposal
    visit = {
        "type": body.visit_type,
        "at_any_time": body.atAnyTime,
        "as_soon_as_possible": body.asSoonAsPossible,
        "days": _visit_days(body.visitDays),
        "timetables": body.visitTimetables,
    }
    if any(value is not None for value in visit.values()):
        details["visit"] = visit
    email = (body.email or "").strip() or None
    return WebLeadPush(
        partner=body.src,
        partner_id=body.leadUUID if body.leadUUID is not None else str(body.leadId),
        refs=_refs(body),
        phone=_phone("phone", body.phone, region),
        sent_at=parse_date(body.date, timezone),
        email=email,
        name=(body.name or "").strip() or None,
        message=body.msg,
        details=details,
    )
