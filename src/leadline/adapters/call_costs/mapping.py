"""Wire <-> core for call costs: reading a post into a :class:`CostPost`, the success body
with every value typed as TLDialer types it, and the error texts."""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from leadline.adapters.call_costs.wire import Sent
from leadline.core import clock
from leadline.core.costs import inputs
from leadline.core.costs.inputs import BadCostInput, Field, Reason
from leadline.core.costs.service import CostPost, Recorded, fingerprint
from leadline.db.models import Account, ApiCredential

NO_API_ID = "No API ID Provided"
NO_API_KEY = "No API Key Provided"
INVALID_CREDENTIALS = "Invalid API Credentials"
IP_NOT_ALLOWED = "IP Not Allowed"
ENDPOINT_NOT_ALLOWED = "Endpoint Not Allowed"
NOT_ENABLED = "TLDialer Not Enabled"
NO_CALL_LOG = "Advanced Call Log Not Enabled"
TOO_LARGE = "Request Too Large"
TOO_MANY = "Too Many Requests"
CONNECTION_ERROR = "TLDialer Connection Error"

_INPUT_ERRORS: dict[tuple[Field, Reason], str] = {
    (Field.DID, Reason.MISSING): "Missing or Invalid DID",
    (Field.DID, Reason.INVALID): "Invalid DID",
    (Field.CID, Reason.MISSING): "Missing or Invalid CID",
    (Field.CID, Reason.INVALID): "Invalid CID",
    (Field.COST, Reason.MISSING): "Missing or Invalid Cost",
    (Field.COST, Reason.INVALID): "Missing or Invalid Cost",
    (Field.DATE, Reason.MISSING): "Invalid Date",
    (Field.DATE, Reason.INVALID): "Invalid Date",
}

#: The idempotency key column holds 200 characters; longer keys are kept as their hash.
_KEY_LENGTH = 200
_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"

#: Key order of the success body (JSONB does not keep it, so repeats restore it).
_TOP_KEYS = (
    "cid",
    "did",
    "cost",
    "cost_id",
    "inserted",
    "updated",
    "lead",
    "first_contact",
)
_INSERTED_KEYS = (
    "date_billed",
    "cost",
    "method",
    "method_id",
    "ip_address",
    "call_date",
    "call_from",
    "call_to",
    "attributable",
    "attributed",
    "calculatable",
    "notes",
)
_LEAD_KEYS = ("lead_id", "vendor_id", "account_id", "cost")


def input_error(error: BadCostInput) -> str:
    return _INPUT_ERRORS[(error.field, error.reason)]


def _idempotency_key(raw: str | None) -> str | None:
    if raw is None or len(raw) <= _KEY_LENGTH:
        return raw
    return "sha256:" + hashlib.sha256(raw.encode()).hexdigest()


def to_post(sent: Sent, account: Account, credential: ApiCredential, ip_address: str) -> CostPost:
    """Read the values in the table's order: DID, CID, cost, then the dates."""
    call_to = inputs.parse_number(sent.did, account.phone_region, Field.DID)
    call_from = inputs.parse_number(sent.cid, account.phone_region, Field.CID)
    cost = inputs.parse_cost(sent.cost)
    zone = clock.zone(account.timezone)
    now = clock.now()
    return CostPost(
        account_id=account.id,
        credential_id=credential.id,
        call_from=call_from,
        call_to=call_to,
        cost=cost,
        date_billed=inputs.parse_moment(sent.date_billed, zone, now),
        call_date=inputs.parse_moment(sent.call_date, zone, now),
        notes=inputs.clean_notes(sent.notes),
        ip_address=ip_address,
        fingerprint=fingerprint(sent.did, sent.cid, sent.cost, sent.call_date),
        idempotency_key=_idempotency_key(sent.idempotency_key),
    )


def _money(amount: Decimal) -> str:
    return f"{amount:.4f}"


def _moment(value: datetime, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime(_DATE_FORMAT)


def success_body(
    sent: Sent, recorded: Recorded, account: Account, credential: ApiCredential
) -> dict[str, object]:
    zone = clock.zone(account.timezone)
    row = recorded.cost
    lead = recorded.lead
    return {
        "cid": sent.cid or "",
        "did": sent.did or "",
        "cost": sent.cost or "",
        "cost_id": str(row.id),
        "inserted": {
            "date_billed": _moment(row.date_billed, zone),
            "cost": _money(row.cost),
            "method": row.method,
            "method_id": credential.public_id,
            "ip_address": row.ip_address or "",
            "call_date": _moment(row.call_date, zone),
            "call_from": row.call_from or "",
            "call_to": row.call_to or "",
            "attributable": "1",
            "attributed": "1" if row.attributed else "0",
            "calculatable": "0",
            "notes": row.notes or "",
        },
        "updated": 1 if lead is not None else 0,
        "lead": {
            "lead_id": str(lead.id) if lead is not None else "",
            "vendor_id": (lead.source or "") if lead is not None else "",
            "account_id": str(lead.account_id) if lead is not None else "",
            "cost": _money(lead.cost) if lead is not None else "",
        },
        "first_contact": "1" if recorded.first_contact else "0",
    }


def _ordered(document: dict[str, object], keys: tuple[str, ...]) -> dict[str, object]:
    known = {key: document[key] for key in keys if key in document}
    return {**known, **{key: value for key, value in document.items() if key not in known}}


def in_wire_order(body: dict[str, object]) -> dict[str, object]:
    """A stored body with its keys back in the order first sent."""
    result = _ordered(body, _TOP_KEYS)
    for key, keys in (("inserted", _INSERTED_KEYS), ("lead", _LEAD_KEYS)):
        part = result.get(key)
        if isinstance(part, dict):
            result[key] = _ordered(part, keys)
    return result
