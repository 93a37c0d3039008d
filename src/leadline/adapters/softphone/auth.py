"""The softphone sends its login and password with every request. A verified pair is
remembered in process memory for ten minutes under a keyed hash of login + password (never
the password itself), so the slow password hash runs once per pair, not once per call."""

from __future__ import annotations

import time
from dataclasses import dataclass

from leadline.core.security import Keyring

CACHE_SECONDS = 600.0
MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class _Entry:
    user_id: int
    expires: float


class VerifiedLogins:
    def __init__(self, keyring: Keyring, ttl: float = CACHE_SECONDS) -> None:
        self._keyring = keyring
        self._ttl = ttl
        self._entries: dict[str, _Entry] = {}

    def _key(self, login: str, password: str) -> str:
        # Length-prefixed, so ("ab", "c") and ("a", "bc") never share a key.
        return self._keyring.hash(f"{len(login)}:{login}:{password}", purpose="softphone-login")

    def user_id(self, login: str, password: str) -> int | None:
        key = self._key(login, password)
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires <= time.monotonic():
            self._entries.pop(key, None)
            return None
        return entry.user_id

    def remember(self, login: str, password: str, user_id: int) -> None:
        now = time.monotonic()
        if len(self._entries) >= MAX_ENTRIES:
            self._entries = {k: e for k, e in self._entries.items() if e.expires > now}
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.pop(next(iter(self._entries)))
        self._entries[self._key(login, password)] = _Entry(user_id, now + self._ttl)

    def forget(self, login: str, password: str) -> None:
        self._entries.pop(self._key(login, password), None)
