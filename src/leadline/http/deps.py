"""Reaching the process's shared objects from a request."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from leadline.config import Settings
from leadline.core.security import Keyring
from leadline.db.engine import Database
from leadline.http.client import client_ip
from leadline.http.ratelimit import RateLimiter


@dataclass
class Services:
    settings: Settings
    db: Database
    keyring: Keyring
    rate_limiter: RateLimiter


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def request_ip(request: Request) -> str:
    return client_ip(request, services(request).settings.trusted_proxies)
