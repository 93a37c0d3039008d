"""The short-lived cache of verified dialler keys (no database: it is process memory)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from leadline.adapters.dialler_api.keys import KeyHolder, VerifiedKeys
from leadline.core.security import Keyring

HOLDER = KeyHolder(
    credential_id=1,
    account_id=2,
    phone_region="GB",
    allowed_ips=(),
    allowed_endpoints=(),
    rate_limit_per_second=50,
    rate_limit_burst=100,
    last_used_at=None,
)


def test_a_remembered_key_is_known_only_by_its_exact_token() -> None:
    keys = VerifiedKeys(Keyring("k" * 32))
    keys.remember("abc.secret", HOLDER)
    assert keys.holder("abc.secret") == HOLDER
    assert keys.holder("abc.secrets") is None


def test_a_remembered_key_is_forgotten_after_its_time() -> None:
    keys = VerifiedKeys(Keyring("k" * 32), ttl=0.05)
    keys.remember("abc.secret", HOLDER)
    time.sleep(0.1)
    assert keys.holder("abc.secret") is None


def test_recording_use_updates_the_remembered_last_use() -> None:
    keys = VerifiedKeys(Keyring("k" * 32))
    keys.remember("abc.secret", HOLDER)
    at = datetime(2026, 1, 1, tzinfo=UTC)
    keys.used("abc.secret", at)
    found = keys.holder("abc.secret")
    assert found is not None and found.last_used_at == at
