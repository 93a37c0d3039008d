"""The two baselines ``bench_dialler_api.py`` compares ``/lead/add`` with.

``statements``: a minimal FastAPI endpoint that validates the same body and runs, with the
same driver (asyncpg) and no ORM, the same SQL statements in the same transaction as
Leadline's ``/lead/add`` does for a new lead: what our layers (middleware, ORM, services)
cost on top of the work itself.

``floor``: an endpoint that reads the JSON and inserts one row: the least any submission
that is kept can cost.

Served by uvicorn as a factory: ``BENCH_MODE`` (statements|floor), ``BENCH_DATABASE_URL``
(plain ``postgresql://``), ``BENCH_SECRET_KEY``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import phonenumbers
from fastapi import FastAPI, Request
from starlette.responses import JSONResponse, Response

CACHE_SECONDS = 5.0  # as leadline.adapters.dialler_api.keys
_EMAIL = re.compile(
    r"^[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?\.)+[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$"
)

CREDENTIAL = (
    "SELECT account_id, user_id, public_id, secret_hash, name, scopes, allowed_ips, "
    "allowed_endpoints, rate_limit_per_second, rate_limit_burst, revoked_at, last_used_at, "
    "id, created_at, updated_at FROM api_credentials WHERE public_id = $1"
)
ACCOUNT = (
    "SELECT name, timezone, phone_region, language, call_cost_ingress, call_log, active, id, "
    "created_at, updated_at FROM accounts WHERE id = $1"
)
ROUTE = (
    "SELECT lead_types.id AS type_id, lead_types.duplicate_window_days, campaigns.id AS "
    "type_campaign, campaigns.timezone, campaigns.calling_hours, lead_lists.id AS "
    "list_id_chosen FROM lead_types JOIN campaigns ON campaigns.id = lead_types.campaign_id "
    "LEFT OUTER JOIN lead_subtype_lists ON lead_subtype_lists.lead_type_id = lead_types.id "
    "AND lead_subtype_lists.subtype = $1 LEFT OUTER JOIN lead_lists ON lead_lists.id = "
    "coalesce(lead_subtype_lists.list_id, lead_types.list_id) OR "
    "coalesce(lead_subtype_lists.list_id, lead_types.list_id) IS NULL AND "
    "lead_lists.campaign_id = campaigns.id AND lead_lists.is_default IS true "
    "WHERE lead_types.account_id = $2 AND lead_types.code = $3"
)
CHECKS = (
    "SELECT EXISTS (SELECT * FROM dnc_entries WHERE dnc_entries.account_id = $1 AND "
    "dnc_entries.number = $2) AS listed, EXISTS (SELECT * FROM webhook_subscriptions WHERE "
    "webhook_subscriptions.account_id = $1 AND webhook_subscriptions.active IS true) AS "
    "listening, leads.id, leads.contact_id, leads.completed_at, pg_advisory_xact_lock($8) AS "
    "pg_advisory_xact_lock_1 FROM (SELECT $3::INTEGER AS one) AS anon_1 LEFT OUTER JOIN leads "
    "ON leads.account_id = $1 AND leads.contact_id IN (SELECT phones.contact_id FROM phones "
    "WHERE phones.account_id = $1 AND phones.number = $2 AND phones.contact_id IS NOT NULL) "
    "AND (leads.completed_at IS NULL AND (leads.lead_type_id = $4 OR leads.campaign_id = $5) "
    "OR leads.lead_type_id = $4 AND leads.completed_at >= $6 AND leads.status_code != $7) "
    "ORDER BY leads.id DESC"
)
TOUCH = "UPDATE api_credentials SET last_used_at = $1, updated_at = $1 WHERE id = $2"
CONTACTS = (
    "SELECT contacts.id, contacts.name, contacts.first_name, contacts.last_name FROM contacts "
    "JOIN phones ON phones.contact_id = contacts.id WHERE phones.account_id = $1 AND "
    "phones.number = $2 ORDER BY contacts.id LIMIT $3"
)
INSERT_CONTACT = (
    "INSERT INTO contacts (account_id, name, first_name, last_name, source, created_at, "
    "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id"
)
INSERT_PHONE = (
    "INSERT INTO phones (account_id, contact_id, number, tail, verified) "
    "VALUES ($1, $2, $3, $4, true) RETURNING id"
)
INSERT_EMAIL = (
    "INSERT INTO contact_emails (account_id, contact_id, address, address_lower) "
    "VALUES ($1, $2, $3, $4) RETURNING id"
)
INSERT_LEAD = (
    "INSERT INTO leads (account_id, campaign_id, list_id, contact_id, customer_key, timezone, "
    "data, status_code, assigned_agent_id, next_attempt_at, dialable_at, priority, attempts, "
    "next_phone_index, cost, source, lead_type_id, subtype, created_at, updated_at) VALUES "
    "($1, $2, $3, $4, NULL, NULL, $5, 1, NULL, $6, $6, 0, 0, 1, 0, $7, $8, $9, $10, $10) "
    "ON CONFLICT (campaign_id, contact_id) WHERE completed_at IS NULL DO NOTHING RETURNING "
    "account_id, campaign_id, list_id, contact_id, customer_key, timezone, data, status_code, "
    "assigned_agent_id, next_attempt_at, dialable_at, priority, attempts, last_attempt_at, "
    "last_dial_status_id, last_wrap_code, next_phone_index, completed_at, cost, source, "
    "lead_type_id, subtype, locked_by, locked_until, reserved_for_agent_id, id, created_at, "
    "updated_at"
)
INSERT_LEAD_PHONE = (
    "INSERT INTO lead_phones (account_id, lead_id, phone_index, number, tail, attempts) "
    "VALUES ($1, $2, $3, $4, $5, 0) RETURNING id"
)
SUBSCRIPTIONS = (
    "SELECT account_id, url, event_types, secret, active, created_at, id FROM "
    "webhook_subscriptions WHERE account_id = $1 AND active IS true ORDER BY id"
)
INSERT_EVENT = (
    "INSERT INTO inbox_events (account_id, source, kind, payload, received_at, source_ip, "
    "credential_id, accepted, status, lead_id, contact_id, phone, email_lower) VALUES "
    "($1, 'dialler-api', 'lead.add', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id"
)


def _lock_id(*parts: object) -> int:
    digest = hashlib.sha256("\0".join(str(part) for part in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _bad(errors: dict[str, str]) -> Response:
    return JSONResponse({name: {"0": text} for name, text in errors.items()}, status_code=400)


def _phone(value: object, region: str) -> str | None:
    try:
        number = phonenumbers.parse(str(value), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _validate(body: dict[str, Any], region: str) -> dict[str, Any] | Response:
    errors: dict[str, str] = {}
    for name, label in (("first_name", "First Name"), ("surname", "Surname"), ("type", "Type")):
        if not isinstance(body.get(name), str) or not body[name].strip():
            errors[name] = f"{label} cannot be blank."
    email = body.get("email")
    if not isinstance(email, str) or not _EMAIL.match(email.strip()):
        errors["email"] = "Email is not a valid email address."
    mobile = _phone(body.get("mobile"), region) if body.get("mobile") else None
    if mobile is None:
        errors["mobile"] = "Mobile is not a valid phone number."
    data: Any = body.get("data") or {}
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            data = None
    if not isinstance(data, dict):
        errors["data"] = "Empty or invalid content of `data` field"
    delays = body.get("delays") or 0
    if isinstance(delays, str) and delays.isdigit():
        delays = int(delays)
    if not isinstance(delays, int) or not 0 <= delays <= 31_536_000:
        errors["delays"] = "Delays must be an integer."
    if errors:
        return _bad(errors)
    return {**body, "mobile": mobile, "data": data, "delays": delays}


def create() -> FastAPI:
    mode = os.environ.get("BENCH_MODE", "statements")
    url = os.environ["BENCH_DATABASE_URL"]
    key = os.environ["BENCH_SECRET_KEY"].encode()
    pools: dict[str, asyncpg.Pool] = {}
    keys: dict[str, tuple[dict[str, Any], dict[str, Any], float]] = {}

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        pools["main"] = await asyncpg.create_pool(url, min_size=2, max_size=20)
        yield
        await pools["main"].close()

    app = FastAPI(lifespan=lifespan)

    @app.post("/lead/add")
    async def add(request: Request) -> Response:
        raw = await request.body()
        try:
            body = json.loads(raw)
        except ValueError:
            return _bad({"request": "Request body must be a JSON object."})
        if not isinstance(body, dict):
            return _bad({"request": "Request body must be a JSON object."})
        pool = pools["main"]
        if mode == "floor":
            async with pool.acquire() as connection:
                await connection.execute(
                    "INSERT INTO inbox_events (account_id, source, kind, payload, received_at, "
                    "accepted, status) VALUES (1, 'dialler-api', 'lead.add', $1, $2, true, "
                    "'processed')",
                    raw.decode(),
                    datetime.now(UTC),
                )
            return JSONResponse({"saved": True, "processed": True})
        token = request.query_params.get("key", "")
        async with pool.acquire() as connection, connection.transaction():
            # Like Leadline: a verified key (credential and account) is remembered for
            # a few seconds; its use is recorded at most once a minute.
            holder = keys.get(token)
            if holder is None or holder[2] <= time.monotonic():
                public_id, _, secret = token.partition(".")
                credential = await connection.fetchrow(CREDENTIAL, public_id)
                expected = hmac.new(key, b"secret\0" + secret.encode(), hashlib.sha256)
                if credential is None or not hmac.compare_digest(
                    expected.hexdigest(), credential["secret_hash"]
                ):
                    return JSONResponse({"key": {"0": "Invalid API key."}}, status_code=401)
                account = await connection.fetchrow(ACCOUNT, credential["account_id"])
                holder = (dict(credential), dict(account), time.monotonic() + CACHE_SECONDS)
                keys[token] = holder
            credential, account, _expires = holder
            now = datetime.now(UTC)
            last_used = credential["last_used_at"]
            if last_used is None or (now - last_used).total_seconds() > 60:
                await connection.execute(TOUCH, now, credential["id"])
                credential["last_used_at"] = now
            checked = _validate(body, account["phone_region"])
            if isinstance(checked, Response):
                return checked
            account_id = account["id"]
            mobile = checked["mobile"]
            route = await connection.fetchrow(
                ROUTE, checked.get("subtype") or "", account_id, checked["type"]
            )
            checks = await connection.fetch(
                CHECKS,
                account_id,
                mobile,
                1,
                route["type_id"],
                route["type_campaign"],
                now - timedelta(days=route["duplicate_window_days"]),
                9,
                _lock_id("contact-phone", account_id, mobile),
            )
            await connection.fetch(CONTACTS, account_id, mobile, 1)
            name = f"{checked['first_name']} {checked['surname']}"
            contact_id = await connection.fetchval(
                INSERT_CONTACT,
                account_id,
                name,
                checked["first_name"],
                checked["surname"],
                "dialler-api",
                now,
            )
            email = checked["email"].strip()
            await connection.fetchval(INSERT_PHONE, account_id, contact_id, mobile, mobile[-9:])
            await connection.fetchval(INSERT_EMAIL, account_id, contact_id, email, email.lower())
            due = now + timedelta(seconds=checked["delays"])
            lead = await connection.fetchrow(
                INSERT_LEAD,
                account_id,
                route["type_campaign"],
                route["list_id_chosen"],
                contact_id,
                json.dumps(checked["data"]),
                due,
                "dialler-api",
                route["type_id"],
                checked.get("subtype"),
                now,
            )
            lead_id = lead["id"]
            await connection.fetchval(
                INSERT_LEAD_PHONE, account_id, lead_id, 1, mobile, mobile[-9:]
            )
            if checks[0]["listening"]:
                await connection.fetch(SUBSCRIPTIONS, account_id)
            await connection.fetchval(
                INSERT_EVENT,
                account_id,
                raw.decode(),
                now,
                request.client.host if request.client else None,
                credential["id"],
                True,
                "processed",
                lead_id,
                contact_id,
                mobile,
                email.lower(),
            )
        return JSONResponse({"saved": True, "processed": True})

    return app
