"""The console's main navigation. Each page module adds its entry here (one line); the
menu shown to a viewer holds the entries their role may open."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from leadline.web.auth import Viewer


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str
    admin_only: bool = False


#: In the order shown. A page's entry lives here only once the page exists.
MENU: list[NavItem] = [
    NavItem("/", "Dashboard"),
    NavItem("/agent", "Agent"),
    NavItem("/leads", "Leads"),
    NavItem("/search", "Phone search"),
    NavItem("/inbox", "Inbox", admin_only=True),
    NavItem("/imports", "Imports", admin_only=True),
    NavItem("/costs", "Costs", admin_only=True),
    NavItem("/setup", "Setup", admin_only=True),
]


def menu_for(viewer: Viewer | None) -> list[NavItem]:
    if viewer is None:
        return []
    is_admin = viewer.user.role == "admin"
    return [item for item in MENU if is_admin or not item.admin_only]
