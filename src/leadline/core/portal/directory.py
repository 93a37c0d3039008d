"""Portal hooks, agencies and listings: create, change, list, enable and disable.

One module for every caller (the CLI, the Platform API's admin endpoints, the console),
so the rules about them live in one place.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import phonenumbers
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from leadline.core import clock
from leadline.core.campaigns import service as campaigns
from leadline.core.credentials.service import ip_in_rules, normalise_ip_rules
from leadline.core.errors import AuthenticationFailed, NotFound, ValidationFailed
from leadline.core.mail.service import check_address
from leadline.core.pagination import Page, keyset_page, where_given
from leadline.core.portal.errors import (
    AgencyDisabled,
    AgencyNotFound,
    DuplicateEntry,
    ListingDisabled,
    ListingNotFound,
)
from leadline.core.security import Keyring, new_secret
from leadline.db.models import Agency, Listing, PortalHook

HOOK_TOKEN_PURPOSE = "portal-hook"  # noqa: S105 - a hashing purpose, not a secret
BASIC_PASSWORD_PURPOSE = "portal-basic"  # noqa: S105 - a hashing purpose, not a secret
#: 24 random bytes: 192 bits, above the 128 the contract asks for.
HOOK_TOKEN_BYTES = 24
MIN_TOKEN_LENGTH = 22  # 128 bits in URL-safe base64

_UNSET: Any = object()


# -- Hooks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedHook:
    hook: PortalHook
    #: Shown once when the hook is made (or its token rotated); only its hash is stored.
    token: str


def _check_region(region: str) -> str:
    region = region.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationFailed.single("phoneRegion", f"unknown phone region {region!r}")
    return region


def _check_token(token: str) -> str:
    if len(token) < MIN_TOKEN_LENGTH or not all(c.isalnum() or c in "-_" for c in token):
        raise ValidationFailed.single(
            "token", f"at least {MIN_TOKEN_LENGTH} URL-safe characters (128 bits)"
        )
    return token


async def _check_campaign(session: AsyncSession, account_id: int, campaign_id: int | None) -> None:
    if campaign_id is not None:
        await campaigns.get_campaign(session, account_id, campaign_id)


def _set_basic_auth(
    hook: PortalHook, keyring: Keyring, user: str | None, password: str | None
) -> None:
    """Both or neither: a user without a password would let anyone in under that name."""
    if (user is None) != (password is None) or (user is not None and not (user and password)):
        raise ValidationFailed.single("basicAuth", "give both a user and a password, or neither")
    hook.basic_user = user
    hook.basic_password_hash = (
        None if password is None else keyring.hash(password, purpose=BASIC_PASSWORD_PURPOSE)
    )


def _notify_address(address: str | None) -> str | None:
    """A notification address checked, or None (no e-mails)."""
    return None if address is None else check_address(address)


async def create_hook(
    session: AsyncSession,
    keyring: Keyring,
    *,
    account_id: int,
    name: str = "",
    timezone: str = "Europe/Rome",
    phone_region: str = "IT",
    basic_user: str | None = None,
    basic_password: str | None = None,
    allowed_ips: Iterable[str] = (),
    callback_campaign_id: int | None = None,
    auto_register_listings: bool = False,
    notify_email: str | None = None,
    token: str | None = None,
) -> IssuedHook:
    """A new hook with a random URL token (returned once, stored as a keyed hash)."""
    clock.zone(timezone)
    await _check_campaign(session, account_id, callback_campaign_id)
    token = _check_token(token) if token is not None else new_secret(HOOK_TOKEN_BYTES)
    hook = PortalHook(
        account_id=account_id,
        name=name.strip(),
        token_hash=keyring.hash(token, purpose=HOOK_TOKEN_PURPOSE),
        timezone=timezone,
        phone_region=_check_region(phone_region),
        allowed_ips=normalise_ip_rules(allowed_ips),
        callback_campaign_id=callback_campaign_id,
        auto_register_listings=auto_register_listings,
        notify_email=_notify_address(notify_email),
    )
    _set_basic_auth(hook, keyring, basic_user, basic_password)
    session.add(hook)
    await session.flush()
    return IssuedHook(hook, token)


async def update_hook(
    session: AsyncSession,
    keyring: Keyring,
    hook: PortalHook,
    *,
    name: str | None = None,
    timezone: str | None = None,
    phone_region: str | None = None,
    basic_auth: tuple[str, str] | None = _UNSET,
    allowed_ips: Iterable[str] | None = None,
    callback_campaign_id: int | None = _UNSET,
    auto_register_listings: bool | None = None,
    notify_email: str | None = _UNSET,
) -> PortalHook:
    """Change what is given; ``basic_auth=None`` / ``callback_campaign_id=None`` clear."""
    if name is not None:
        hook.name = name.strip()
    if timezone is not None:
        clock.zone(timezone)
        hook.timezone = timezone
    if phone_region is not None:
        hook.phone_region = _check_region(phone_region)
    if basic_auth is not _UNSET:
        user, password = basic_auth if basic_auth is not None else (None, None)
        _set_basic_auth(hook, keyring, user, password)
    if allowed_ips is not None:
        hook.allowed_ips = normalise_ip_rules(allowed_ips)
    if callback_campaign_id is not _UNSET:
        await _check_campaign(session, hook.account_id, callback_campaign_id)
        hook.callback_campaign_id = callback_campaign_id
    if auto_register_listings is not None:
        hook.auto_register_listings = auto_register_listings
    if notify_email is not _UNSET:
        hook.notify_email = _notify_address(notify_email)
    await session.flush()
    return hook


async def rotate_hook_token(session: AsyncSession, keyring: Keyring, hook: PortalHook) -> str:
    """A new token for the hook; the old URL stops working at once."""
    token = new_secret(HOOK_TOKEN_BYTES)
    hook.token_hash = keyring.hash(token, purpose=HOOK_TOKEN_PURPOSE)
    hook.revoked_at = None
    await session.flush()
    return token


async def revoke_hook(session: AsyncSession, hook: PortalHook) -> PortalHook:
    if hook.revoked_at is None:
        hook.revoked_at = clock.now()
        await session.flush()
    return hook


async def get_hook(session: AsyncSession, account_id: int, hook_id: int) -> PortalHook:
    hook = await session.get(PortalHook, hook_id)
    if hook is None or hook.account_id != account_id:
        raise NotFound("portal hook", hook_id)
    return hook


async def list_hooks(session: AsyncSession, account_id: int) -> list[PortalHook]:
    return list(
        await session.scalars(
            select(PortalHook).where(PortalHook.account_id == account_id).order_by(PortalHook.id)
        )
    )


async def authenticate_hook(
    session: AsyncSession,
    keyring: Keyring,
    token: str,
    *,
    ip: str,
    basic: tuple[str, str] | None,
) -> PortalHook:
    """The live hook of this URL token, when the caller's IP and Basic credentials suit it;
    else :class:`AuthenticationFailed` (one answer for every reason: it tells nothing)."""
    hook = await session.scalar(
        select(PortalHook).where(
            PortalHook.token_hash == keyring.hash(token, purpose=HOOK_TOKEN_PURPOSE)
        )
    )
    if hook is None or hook.revoked_at is not None or not ip_in_rules(hook.allowed_ips, ip):
        raise AuthenticationFailed()
    if hook.basic_user is not None and hook.basic_password_hash is not None:
        if basic is None:
            raise AuthenticationFailed()
        user, password = basic
        user_ok = hmac.compare_digest(user.encode(), hook.basic_user.encode())
        password_ok = keyring.matches(
            password, hook.basic_password_hash, purpose=BASIC_PASSWORD_PURPOSE
        )
        if not (user_ok and password_ok):
            raise AuthenticationFailed()
    return hook


# -- Agencies ---------------------------------------------------------------------------


def _check_external_id(value: str, field: str) -> str:
    value = value.strip()
    if not value or len(value) > 100:
        raise ValidationFailed.single(field, "from 1 to 100 characters")
    return value


def _check_portal_id(value: int | None, field: str) -> int | None:
    if value is not None and not 0 <= value < 2**63:
        raise ValidationFailed.single(field, "a whole number ≥ 0")
    return value


async def create_agency(
    session: AsyncSession,
    *,
    account_id: int,
    external_id: str,
    portal_agency_id: int | None = None,
    name: str = "",
    email: str | None = None,
    enabled: bool = True,
    callback_campaign_id: int | None = None,
    notify_email: str | None = None,
) -> Agency:
    external_id = _check_external_id(external_id, "agencyExternalId")
    await _check_campaign(session, account_id, callback_campaign_id)
    agency = Agency(
        account_id=account_id,
        external_id=external_id,
        portal_agency_id=_check_portal_id(portal_agency_id, "agencyId"),
        name=name.strip(),
        email=email,
        enabled=enabled,
        callback_campaign_id=callback_campaign_id,
        notify_email=_notify_address(notify_email),
    )
    await _save(
        session,
        lambda: session.add(agency),
        "agencyExternalId",
        f"agency {external_id!r} already exists",
    )
    return agency


async def _save(
    session: AsyncSession, change: Callable[[], object], field: str, problem: str
) -> None:
    """Apply ``change`` and flush it in a savepoint: a clash with a unique external id is
    a :class:`DuplicateEntry` and leaves the transaction usable. (``begin_nested`` flushes
    what is pending first, so the change is made inside it.)"""
    try:
        async with session.begin_nested():
            change()
    except IntegrityError:
        raise DuplicateEntry({field: [problem]}, message=problem) from None


async def update_agency(
    session: AsyncSession,
    agency: Agency,
    *,
    external_id: str | None = None,
    enabled: bool | None = None,
    portal_agency_id: int | None = _UNSET,
    name: str | None = None,
    email: str | None = _UNSET,
    callback_campaign_id: int | None = _UNSET,
    notify_email: str | None = _UNSET,
) -> Agency:
    if portal_agency_id is not _UNSET:
        agency.portal_agency_id = _check_portal_id(portal_agency_id, "agencyId")
    if name is not None:
        agency.name = name.strip()
    if email is not _UNSET:
        agency.email = email
    if callback_campaign_id is not _UNSET:
        await _check_campaign(session, agency.account_id, callback_campaign_id)
        agency.callback_campaign_id = callback_campaign_id
    if notify_email is not _UNSET:
        agency.notify_email = _notify_address(notify_email)
    if enabled is not None:
        agency.enabled = enabled
    if external_id is not None:
        wanted = _check_external_id(external_id, "agencyExternalId")
        await _save(
            session,
            lambda: setattr(agency, "external_id", wanted),
            "agencyExternalId",
            f"agency {wanted!r} already exists",
        )
    await session.flush()
    return agency


async def set_agency_enabled(session: AsyncSession, agency: Agency, enabled: bool) -> Agency:
    agency.enabled = enabled
    await session.flush()
    return agency


async def get_agency(session: AsyncSession, account_id: int, agency_id: int) -> Agency:
    agency = await session.get(Agency, agency_id)
    if agency is None or agency.account_id != account_id:
        raise NotFound("agency", agency_id)
    return agency


async def agency_by_external_id(
    session: AsyncSession, account_id: int, external_id: str
) -> Agency | None:
    return await session.scalar(
        select(Agency).where(Agency.account_id == account_id, Agency.external_id == external_id)
    )


async def list_agencies(session: AsyncSession, account_id: int) -> list[Agency]:
    return list(
        await session.scalars(
            select(Agency).where(Agency.account_id == account_id).order_by(Agency.id)
        )
    )


async def page_agencies(
    session: AsyncSession, account_id: int, *, after: int | None, limit: int
) -> Page[Agency]:
    statement = select(Agency).where(Agency.account_id == account_id)
    return await keyset_page(session, statement, Agency.id, after=after, limit=limit)


async def find_agency(
    session: AsyncSession, account_id: int, *, external_id: str | None, portal_id: int | None
) -> Agency:
    """The agency a push names: by our external id first, then by the portal's id.
    Raises :class:`AgencyNotFound` or :class:`AgencyDisabled`."""
    agency = None
    if external_id:
        agency = await agency_by_external_id(session, account_id, external_id)
    if agency is None and portal_id is not None:
        agency = await session.scalar(
            select(Agency)
            .where(Agency.account_id == account_id, Agency.portal_agency_id == portal_id)
            .order_by(Agency.id)
            .limit(1)
        )
    if agency is None:
        raise AgencyNotFound()
    if not agency.enabled:
        raise AgencyDisabled()
    return agency


# -- Listings ---------------------------------------------------------------------------


async def create_listing(
    session: AsyncSession,
    *,
    agency: Agency,
    external_id: str,
    portal_listing_id: int | None = None,
    title: str = "",
    enabled: bool = True,
) -> Listing:
    external_id = _check_external_id(external_id, "listingExternalId")
    listing = Listing(
        account_id=agency.account_id,
        agency_id=agency.id,
        external_id=external_id,
        portal_listing_id=_check_portal_id(portal_listing_id, "listingId"),
        title=title.strip()[:300],
        enabled=enabled,
    )
    await _save(
        session, lambda: session.add(listing), "listingExternalId", _listing_exists(external_id)
    )
    return listing


def _listing_exists(external_id: str) -> str:
    return f"listing {external_id!r} already exists in this agency"


async def update_listing(
    session: AsyncSession,
    listing: Listing,
    *,
    portal_listing_id: int | None = _UNSET,
    title: str | None = None,
    enabled: bool | None = None,
    external_id: str | None = None,
    agency: Agency | None = None,
) -> Listing:
    """Change what is given; ``agency`` (of the listing's account) moves it there."""
    if portal_listing_id is not _UNSET:
        listing.portal_listing_id = _check_portal_id(portal_listing_id, "listingId")
    if title is not None:
        listing.title = title.strip()[:300]
    if enabled is not None:
        listing.enabled = enabled
    if external_id is not None or agency is not None:
        wanted = (
            _check_external_id(external_id, "listingExternalId")
            if external_id is not None
            else listing.external_id
        )
        if agency is not None and agency.account_id != listing.account_id:
            raise NotFound("agency", agency.id)
        agency_id = agency.id if agency is not None else listing.agency_id

        def move() -> None:
            listing.external_id = wanted
            listing.agency_id = agency_id

        await _save(session, move, "listingExternalId", _listing_exists(wanted))
    await session.flush()
    return listing


async def set_listing_enabled(session: AsyncSession, listing: Listing, enabled: bool) -> Listing:
    return await update_listing(session, listing, enabled=enabled)


async def get_listing(session: AsyncSession, account_id: int, listing_id: int) -> Listing:
    listing = await session.get(Listing, listing_id)
    if listing is None or listing.account_id != account_id:
        raise NotFound("listing", listing_id)
    return listing


async def listing_by_external_id(
    session: AsyncSession, agency_id: int, external_id: str
) -> Listing | None:
    return await session.scalar(
        select(Listing).where(Listing.agency_id == agency_id, Listing.external_id == external_id)
    )


async def list_listings(
    session: AsyncSession, account_id: int, *, agency_id: int | None = None
) -> list[Listing]:
    query = select(Listing).where(Listing.account_id == account_id)
    if agency_id is not None:
        query = query.where(Listing.agency_id == agency_id)
    return list(await session.scalars(query.order_by(Listing.id)))


async def page_listings(
    session: AsyncSession,
    account_id: int,
    *,
    after: int | None,
    limit: int,
    agency_id: int | None = None,
) -> Page[Listing]:
    statement = where_given(
        select(Listing).where(Listing.account_id == account_id), (Listing.agency_id, agency_id)
    )
    return await keyset_page(session, statement, Listing.id, after=after, limit=limit)


async def find_listing(
    session: AsyncSession,
    agency: Agency,
    *,
    external_id: str | None,
    portal_id: int | None,
    auto_register: bool = False,
) -> Listing:
    """The listing a push names within ``agency``: by our reference first, then by the
    portal's id. Unknown and ``auto_register``: created enabled (concurrent pushes for one
    new listing make one). Raises :class:`ListingNotFound` or :class:`ListingDisabled`."""
    listing = None
    if external_id:
        listing = await listing_by_external_id(session, agency.id, external_id)
    if listing is None and portal_id is not None:
        listing = await session.scalar(
            select(Listing)
            .where(Listing.agency_id == agency.id, Listing.portal_listing_id == portal_id)
            .order_by(Listing.id)
            .limit(1)
        )
    if listing is None and auto_register:
        reference = external_id or (str(portal_id) if portal_id is not None else "")
        if reference:
            try:
                listing = await create_listing(
                    session, agency=agency, external_id=reference, portal_listing_id=portal_id
                )
            except ValidationFailed:
                # Registered meanwhile by a concurrent push: use that one.
                listing = await listing_by_external_id(session, agency.id, reference)
    if listing is None:
        raise ListingNotFound()
    if not listing.enabled:
        raise ListingDisabled()
    return listing


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] | None = None


def _flag(value: str | None, default: bool = True) -> bool:
    if value is None or not value.strip():
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "y", "on", "enabled"):
        return True
    if lowered in ("0", "false", "no", "n", "off", "disabled"):
        return False
    raise ValueError(f"not a yes/no value: {value!r}")


def _optional_int(value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    return int(value.strip())


async def import_listings(
    session: AsyncSession, account_id: int, rows: Iterable[Mapping[str, str | None]]
) -> ImportResult:
    """Create or update listings from rows with ``agency`` (the agency's external id),
    ``reference`` (the listing's), and optional ``portal_id``, ``title``, ``enabled``.
    Bad rows are reported by line and skipped; the rest are applied."""
    result = ImportResult(errors=[])
    assert result.errors is not None
    agencies: dict[str, Agency | None] = {}
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        try:
            agency_ref = (row.get("agency") or "").strip()
            reference = (row.get("reference") or "").strip()
            if not agency_ref or not reference:
                raise ValueError("agency and reference are required")
            if agency_ref not in agencies:
                agencies[agency_ref] = await agency_by_external_id(session, account_id, agency_ref)
            agency = agencies[agency_ref]
            if agency is None:
                raise ValueError(f"unknown agency {agency_ref!r}")
            portal_id = _optional_int(row.get("portal_id"))
            enabled = _flag(row.get("enabled"))
            title = row.get("title")
            listing = await listing_by_external_id(session, agency.id, reference)
            if listing is None:
                await create_listing(
                    session,
                    agency=agency,
                    external_id=reference,
                    portal_listing_id=portal_id,
                    title=title or "",
                    enabled=enabled,
                )
                result.created += 1
            else:
                await update_listing(
                    session,
                    listing,
                    portal_listing_id=portal_id if portal_id is not None else _UNSET,
                    title=title if title else None,
                    enabled=enabled,
                )
                result.updated += 1
        except ValidationFailed as exc:
            result.errors.append(f"line {line}: {exc.message}")
        except ValueError as exc:
            result.errors.append(f"line {line}: {exc}")
    return result
