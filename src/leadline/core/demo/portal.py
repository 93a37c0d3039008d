"""The demo's portal: agency ``1234`` (portal id 5678) with listing ``ES-RIF-001``
(87654321), and a hook whose call-backs go to the "Call-backs" campaign, so the portal's
own example push answers success."""

from __future__ import annotations

from sqlalchemy import select

from leadline.core.demo.base import CALLBACK_CAMPAIGN
from leadline.core.demo.builder import DemoContext
from leadline.core.portal import directory
from leadline.db.models import PortalHook

DEMO_HOOK_NAME = "Demo portal (immobiliare.it)"
DEMO_AGENCY = "1234"
DEMO_PORTAL_AGENCY_ID = 5678
DEMO_LISTING = "ES-RIF-001"
DEMO_PORTAL_LISTING_ID = 87654321


async def portal(context: DemoContext) -> None:
    session = context.session
    account_id = context.account_id
    callbacks = context.campaigns[CALLBACK_CAMPAIGN]
    token = context.secret("portal-hook")
    hook = await session.scalar(
        select(PortalHook).where(
            PortalHook.account_id == account_id, PortalHook.name == DEMO_HOOK_NAME
        )
    )
    if hook is None:
        await directory.create_hook(
            session,
            context.keyring,
            account_id=account_id,
            name=DEMO_HOOK_NAME,
            callback_campaign_id=callbacks.id,
            token=token,
        )
    else:
        # SECRET_KEY may have changed since the demo was made: keep the printed one working.
        hook.token_hash = context.keyring.hash(token, purpose=directory.HOOK_TOKEN_PURPOSE)
        hook.revoked_at = None
        await directory.update_hook(
            session, context.keyring, hook, callback_campaign_id=callbacks.id
        )
    agency = await directory.agency_by_external_id(session, account_id, DEMO_AGENCY)
    if agency is None:
        agency = await directory.create_agency(
            session,
            account_id=account_id,
            external_id=DEMO_AGENCY,
            portal_agency_id=DEMO_PORTAL_AGENCY_ID,
            name="Demo Estate Agency",
            email="nobody@nowhere.net",
        )
    else:
        await directory.set_agency_enabled(session, agency, True)
    listing = await directory.listing_by_external_id(session, agency.id, DEMO_LISTING)
    if listing is None:
        await directory.create_listing(
            session,
            agency=agency,
            external_id=DEMO_LISTING,
            portal_listing_id=DEMO_PORTAL_LISTING_ID,
            title="Demo flat, Rome",
        )
    else:
        await directory.set_listing_enabled(session, listing, True)
    context.output["portal_hook_token"] = token
