"""The console's pages, one module per page (or group of forms). Each module has a
``router``; a new page adds its module to ``PAGES`` and its prefix to ``PREFIXES`` (so
errors under it answer as console pages) and its menu entry to ``web.navigation``."""

from __future__ import annotations

from types import ModuleType

from leadline.web.pages import agent, card, home, leads, media, search, sign_in

PAGES: list[ModuleType] = [sign_in, home, search, card, media]
PAGES += [agent, leads]

#: Paths whose errors answer as console pages (``/`` itself is the home page).
PREFIXES: list[str] = ["/login", "/logout", "/card", "/search", "/console"]
PREFIXES += ["/agent", "/leads", "/dashboard"]
