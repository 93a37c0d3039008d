"""A message for the page a form redirects to (post/redirect/get): kept in the signed
session, shown once."""

from __future__ import annotations

from starlette.requests import Request

_KEY = "flash"
OK = "ok"
ALERT = "alert"


def push(request: Request, text: str, kind: str = OK) -> None:
    request.session[_KEY] = [text, kind]


def pop(request: Request) -> tuple[str, str]:
    """(message, kind) — empty when nothing waits."""
    found = request.session.pop(_KEY, None)
    if isinstance(found, list) and len(found) == 2 and all(isinstance(x, str) for x in found):
        return found[0], found[1]
    return "", OK
