"""Opaque keyset cursors: the filters, the last id seen and the page size, signed with
the installation's key so a client can neither forge nor edit one."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from typing import Any
from urllib.parse import quote

from leadline.core.errors import ValidationFailed
from leadline.core.security import Keyring

_PURPOSE = "platform-cursor"
_SIGNATURE_LENGTH = 32


class Cursor:
    def __init__(self, filters: dict[str, Any], after: int, limit: int) -> None:
        self.filters = filters
        self.after = after
        self.limit = limit


def encode(keyring: Keyring, kind: str, cursor: Cursor) -> str:
    document = {"k": kind, "f": cursor.filters, "a": cursor.after, "l": cursor.limit}
    payload = base64.urlsafe_b64encode(
        json.dumps(document, separators=(",", ":"), sort_keys=True).encode()
    ).decode()
    payload = payload.rstrip("=")
    return f"{payload}.{keyring.hash(payload, purpose=_PURPOSE)[:_SIGNATURE_LENGTH]}"


def decode(keyring: Keyring, kind: str, token: str) -> Cursor:
    invalid = ValidationFailed.single("cursor", "invalid cursor")
    payload, _, signature = token.partition(".")
    expected = keyring.hash(payload, purpose=_PURPOSE)[:_SIGNATURE_LENGTH]
    if not payload or not hmac.compare_digest(signature.encode(), expected.encode()):
        raise invalid
    try:
        document = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (binascii.Error, ValueError):
        raise invalid from None
    if not isinstance(document, dict) or document.get("k") != kind:
        raise invalid
    filters, after, limit = document.get("f"), document.get("a"), document.get("l")
    if not isinstance(filters, dict) or not isinstance(after, int) or not isinstance(limit, int):
        raise invalid
    return Cursor(filters, after, limit)


def next_uri(path: str, token: str) -> str:
    return f"{path}?cursor={quote(token)}"
