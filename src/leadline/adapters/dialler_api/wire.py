"""The dialler lead API's wire format: field names, labels and the Yii-style error map
(``{"email": {"0": "Email cannot be blank."}}``), exactly as suppliers already parse it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from leadline.core import phones
from leadline.core.submissions.service import MAX_DELAY_SECONDS, LeadSubmission
from leadline.core.text import unstorable_reason

#: Field → label, as the messages name them.
LABELS = {
    "email": "Email",
    "first_name": "First Name",
    "surname": "Surname",
    "mobile": "Mobile",
    "type": "Type",
    "subtype": "Subtype",
    "other_phone": "Other Phone",
    "data": "Data",
    "delays": "Delays",
    "test": "Test",
}
NAME_LENGTH = 100
SUBTYPE_LENGTH = 100
EMAIL_LENGTH = 254
DATA_MESSAGE = "Empty or invalid content of `data` field"
BODY_MESSAGE = "Request body must be a JSON object."
KEY_MESSAGE = "Invalid API key."
UNKNOWN_TYPE = "Unknown Type"

# The e-mail pattern of the Yii validator the original service used (syntax only).
_EMAIL = re.compile(
    r"^[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?\.)+[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$"
)
_DIGITS = re.compile(r"^\s*[0-9]+\s*$")

Errors = dict[str, dict[str, str]]


class BadBody(Exception):
    """The body is not a JSON object (or holds text no store can keep, such as NUL)."""


def error_map(errors: dict[str, str]) -> Errors:
    return {name: {"0": message} for name, message in errors.items()}


def parse_body(raw: bytes) -> dict[str, Any]:
    """The JSON object in the body, whatever the content type said."""
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadBody() from None
    if not isinstance(value, dict) or unstorable_reason(value) is not None:
        raise BadBody()
    return value


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(body: dict[str, Any], name: str, errors: dict[str, str], limit: int) -> str:
    """A required string field; records its error and returns "" when broken."""
    value = body.get(name)
    label = LABELS[name]
    if _blank(value):
        errors[name] = f"{label} cannot be blank."
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)  # suppliers send numbers for names now and then
    if not isinstance(value, str):
        errors[name] = f"{label} must be a string."
        return ""
    value = value.strip()
    if len(value) > limit:
        errors[name] = f"{label} is too long (maximum is {limit} characters)."
        return ""
    return value


def _phone(
    body: dict[str, Any], name: str, region: str, errors: dict[str, str], *, required: bool
) -> str | None:
    value = body.get(name)
    label = LABELS[name]
    if _blank(value):
        if required:
            errors[name] = f"{label} cannot be blank."
        return None
    number = phones.try_parse(value, region)
    if number is None:
        errors[name] = f"{label} is not a valid phone number."
    return number


def _email(body: dict[str, Any], errors: dict[str, str]) -> str:
    value = body.get("email")
    if _blank(value):
        errors["email"] = "Email cannot be blank."
        return ""
    if (
        not isinstance(value, str)
        or len(value.strip()) > EMAIL_LENGTH
        or not _EMAIL.match(value.strip())
    ):
        errors["email"] = "Email is not a valid email address."
        return ""
    return value.strip()


def _subtype(body: dict[str, Any], errors: dict[str, str]) -> str | None:
    value = body.get("subtype")
    if _blank(value):
        return None
    if not isinstance(value, str):
        errors["subtype"] = "Subtype must be a string."
        return None
    if len(value.strip()) > SUBTYPE_LENGTH:
        errors["subtype"] = f"Subtype is too long (maximum is {SUBTYPE_LENGTH} characters)."
        return None
    return value.strip()


def _data(body: dict[str, Any], errors: dict[str, str]) -> dict[str, object]:
    if "data" not in body or body["data"] is None:
        return {}
    value = body["data"]
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    if not isinstance(value, dict) or not value or unstorable_reason(value) is not None:
        errors["data"] = DATA_MESSAGE
        return {}
    return value


def _delays(body: dict[str, Any], errors: dict[str, str]) -> int:
    value = body.get("delays")
    if _blank(value):
        return 0
    if (isinstance(value, str) and _DIGITS.match(value)) or (
        isinstance(value, float) and value.is_integer()
    ):
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        errors["delays"] = "Delays must be an integer."
        return 0
    if value < 0:
        errors["delays"] = "Delays must be no less than 0."
        return 0
    if value > MAX_DELAY_SECONDS:
        errors["delays"] = f"Delays must be no greater than {MAX_DELAY_SECONDS}."
        return 0
    return value


def _test(body: dict[str, Any], errors: dict[str, str]) -> bool:
    value = body.get("test")
    if value is None or value is False or value == "false":
        return False
    if value is True or value == "true":
        return True
    errors["test"] = 'Test must be either "true" or "false".'
    return False


@dataclass(frozen=True)
class AddRequest:
    submission: LeadSubmission
    test: bool


def read_add(body: dict[str, Any], region: str) -> AddRequest | Errors:
    """The submission, or every failing field at once, in the contract's field order."""
    errors: dict[str, str] = {}
    email = _email(body, errors)
    first_name = _text(body, "first_name", errors, NAME_LENGTH)
    surname = _text(body, "surname", errors, NAME_LENGTH)
    mobile = _phone(body, "mobile", region, errors, required=True)
    type_code = _text(body, "type", errors, 255)
    subtype = _subtype(body, errors)
    other_phone = _phone(body, "other_phone", region, errors, required=False)
    data = _data(body, errors)
    delays = _delays(body, errors)
    test = _test(body, errors)
    if errors or mobile is None:
        return error_map(errors)
    return AddRequest(
        LeadSubmission(
            type_code=type_code,
            mobile=mobile,
            email=email,
            first_name=first_name,
            surname=surname,
            subtype=subtype,
            other_phone=other_phone,
            data=data,
            delay_seconds=delays,
        ),
        test=test,
    )


@dataclass(frozen=True)
class CancelRequest:
    type_code: str
    mobile: str


def read_cancel(body: dict[str, Any], region: str) -> CancelRequest | Errors:
    errors: dict[str, str] = {}
    mobile = _phone(body, "mobile", region, errors, required=True)
    type_code = _text(body, "type", errors, 255)
    if errors or mobile is None:
        return error_map(errors)
    return CancelRequest(type_code=type_code, mobile=mobile)
