"""Text a store can keep: PostgreSQL refuses NUL characters in text and JSONB, and no
UTF-8 column can hold a lone surrogate (which JSON's ``\\ud800`` escapes can produce)."""

from __future__ import annotations

from typing import Any


def unstorable_reason(document: Any) -> str | None:
    """Why some string in ``document`` (keys included) cannot be stored; None if all can."""
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return "NUL character in a string"
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return "invalid unicode in a string"
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def storable_payload(raw: bytes) -> str:
    """A raw request body as text for the record: undecodable bytes replaced, NULs escaped."""
    return raw.decode("utf-8", errors="replace").replace("\x00", "\\u0000")
