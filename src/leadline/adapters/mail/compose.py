"""A stored message turned into an e-mail: a plain-text and an HTML part from jinja2
templates (the HTML autoescaped: every fact in it came from a portal push)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from leadline.core import clock
from leadline.core.mail.service import MISSED_CALL
from leadline.db.models import MailMessage

_TEMPLATES = Path(__file__).parent / "templates"
_SUBJECT_LENGTH = 200

_environment = Environment(
    loader=FileSystemLoader(_TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


def card_link(public_url: str, contact_id: object) -> str:
    """The console's contact card of the caller."""
    query = urlencode({"id": contact_id, "typecont": "contact"})
    return f"{public_url.rstrip('/')}/card?{query}"


def _local_time(at: object, timezone: object) -> str:
    if not isinstance(at, str):
        return ""
    moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    zone = str(timezone or "UTC")
    if clock.is_valid_zone(zone):
        moment = moment.astimezone(clock.zone(zone))
    return f"{moment:%Y-%m-%d %H:%M} ({zone})"


def _one_line(text: str) -> str:
    """No line breaks (a header must not hold any) and no more than a subject needs."""
    return " ".join(text.split())[:_SUBJECT_LENGTH]


def _subject(kind: str, facts: dict[str, Any]) -> str:
    listing = facts["listing"]["externalId"]
    if kind == MISSED_CALL:
        return _one_line(f"Missed call about {listing} from {facts['caller']}")
    who = facts.get("name") or facts["caller"]
    return _one_line(f"New e-mail lead about {listing} from {who}")


@dataclass(frozen=True)
class Composer:
    public_url: str
    sender: str

    def __call__(self, stored: MailMessage) -> EmailMessage:
        facts: dict[str, Any] = dict(stored.payload)
        context = {
            **facts,
            "kind": stored.kind,
            "when": _local_time(facts.get("at"), facts.get("timezone")),
            "link": card_link(self.public_url, facts.get("contactId")),
        }
        message = EmailMessage()
        message["Subject"] = _subject(stored.kind, facts)
        message["From"] = self.sender
        message["To"] = stored.recipient
        # A domain of our own: without one, make_msgid asks the resolver for this host's name.
        domain = urlsplit(self.public_url).hostname or "leadline.invalid"
        message["Message-ID"] = make_msgid(idstring=stored.uuid, domain=domain)
        message["X-Leadline-Message-Id"] = stored.uuid
        message.set_content(_environment.get_template(f"{stored.kind}.txt").render(context))
        message.add_alternative(
            _environment.get_template(f"{stored.kind}.html").render(context), subtype="html"
        )
        return message
