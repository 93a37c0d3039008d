"""The console's pages, one module per page (or group of forms). Each module has a
``router``; a new page adds its module to ``PAGES`` and its prefix to ``PREFIXES`` (so
errors under it answer as console pages) and its menu entry to ``web.navigation``."""

from __future__ import annotations

from types import ModuleType

from leadline.web.pages import (
    agent,
    card,
    costs,
    home,
    imports,
    inbox,
    leads,
    media,
    search,
    sign_in,
)
from leadline.web.pages.setup import campaigns as setup_campaigns
from leadline.web.pages.setup import credentials as setup_credentials
from leadline.web.pages.setup import dnc as setup_dnc
from leadline.web.pages.setup import index as setup_index
from leadline.web.pages.setup import lead_types as setup_lead_types
from leadline.web.pages.setup import portal as setup_portal
from leadline.web.pages.setup import users as setup_users
from leadline.web.pages.setup import webhooks as setup_webhooks
from leadline.web.pages.setup import wrap_codes as setup_wrap_codes

PAGES: list[ModuleType] = [sign_in, home, search, card, media, agent, leads, inbox, imports, costs]
PAGES += [setup_index, setup_campaigns, setup_credentials, setup_lead_types, setup_users]
PAGES += [setup_dnc, setup_webhooks, setup_wrap_codes, setup_portal]

#: Paths whose errors answer as console pages (``/`` itself is the home page).
PREFIXES: list[str] = ["/login", "/logout", "/card", "/search", "/console", "/dashboard"]
PREFIXES += ["/agent", "/leads", "/inbox", "/imports", "/costs", "/setup"]
