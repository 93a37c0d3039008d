"""Verified dialler keys, remembered for a few seconds.

Every ``/lead/add`` carries its key; looking the credential and its account up each time
cost two statements per submission. A key that passed is remembered in process memory
(under a keyed hash of the token, never the token itself) for :data:`CACHE_SECONDS`, so a
revoked or rotated key, a changed rule or a deactivated account takes effect within that
time in every server process. Failures are never remembered.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import datetime

from leadline.core.security import Keyring
from leadline.db.models import Account, ApiCredential

CACHE_SECONDS = 5.0
MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class KeyHolder:
    """What a request needs of a verified key and its account."""

    credential_id: int
    account_id: int
    phone_region: str
    allowed_ips: tuple[str, ...]
    allowed_endpoints: tuple[str, ...]
    rate_limit_per_second: int
    rate_limit_burst: int
    last_used_at: datetime | None

    @classmethod
    def of(cls, credential: ApiCredential, account: Account) -> KeyHolder:
        return cls(
            credential_id=credential.id,
            account_id=account.id,
            phone_region=account.phone_region,
            allowed_ips=tuple(credential.allowed_ips),
            allowed_endpoints=tuple(credential.allowed_endpoints),
            rate_limit_per_second=credential.rate_limit_per_second,
            rate_limit_burst=credential.rate_limit_burst,
            last_used_at=credential.last_used_at,
        )


@dataclass(frozen=True)
class _Entry:
    holder: KeyHolder
    expires: float


class VerifiedKeys:
    def __init__(self, keyring: Keyring, ttl: float = CACHE_SECONDS) -> None:
        self._keyring = keyring
        self._ttl = ttl
        self._entries: dict[str, _Entry] = {}

    def _key(self, token: str) -> str:
        return self._keyring.hash(token, purpose="dialler-key")

    def holder(self, token: str) -> KeyHolder | None:
        key = self._key(token)
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires <= time.monotonic():
            self._entries.pop(key, None)
            return None
        return entry.holder

    def remember(self, token: str, holder: KeyHolder) -> None:
        now = time.monotonic()
        if len(self._entries) >= MAX_ENTRIES:
            self._entries = {k: e for k, e in self._entries.items() if e.expires > now}
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.pop(next(iter(self._entries)))
        self._entries[self._key(token)] = _Entry(holder, now + self._ttl)

    def used(self, token: str, at: datetime) -> None:
        """The key's use was recorded at ``at``; keeps the entry's expiry."""
        key = self._key(token)
        entry = self._entries.get(key)
        if entry is not None:
            self._entries[key] = _Entry(replace(entry.holder, last_used_at=at), entry.expires)
