"""Handing messages to the SMTP server of the settings (aiosmtplib), and reading its
answer as an outbox outcome: 2xx sent; 5xx refused for good; anything else (4xx, no
connection, a time-out) tried again. So are the 5xx that say our settings are wrong
(sign-in or TLS needed, sign-in refused): an operator can fix those and the message go.

The password is read from its SecretStr only when signing in, and no error text carries
it, so neither a log line nor ``last_error`` can show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

import aiosmtplib
from pydantic import SecretStr

from leadline.config import Settings
from leadline.core.outbox import Outcome

_ERROR_LENGTH = 500
#: Authentication / encryption required, credentials invalid, mechanism too weak.
_SETTINGS_CODES = frozenset({530, 534, 535, 538})
_NO_PASSWORD = SecretStr("")


@dataclass(frozen=True)
class SmtpTransport:
    host: str
    port: int
    tls: str = "starttls"
    username: str = ""
    password: SecretStr = _NO_PASSWORD
    timeout_seconds: float = 10.0
    ca_file: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpTransport:
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            tls=settings.smtp_tls,
            username=settings.smtp_username,
            password=settings.smtp_password,
            timeout_seconds=settings.smtp_timeout_seconds,
            ca_file=str(settings.smtp_ca_file) if settings.smtp_ca_file else None,
        )

    async def send(self, message: EmailMessage) -> Outcome:
        try:
            await aiosmtplib.send(
                message,
                hostname=self.host,
                port=self.port,
                use_tls=self.tls == "tls",
                start_tls=self.tls == "starttls",
                username=self.username or None,
                password=self.password.get_secret_value() if self.username else None,
                timeout=self.timeout_seconds,
                cert_bundle=self.ca_file,
            )
        except aiosmtplib.SMTPRecipientsRefused as refused:
            first = refused.recipients[0]
            return _answer(first.code, first.message)
        except aiosmtplib.SMTPResponseException as exc:
            return _answer(exc.code, exc.message)
        except (aiosmtplib.SMTPException, OSError) as exc:
            return Outcome(None, _clip(f"{type(exc).__name__}: {exc}"), delivered=False)
        return Outcome(250, None, delivered=True)


def _clip(text: str) -> str:
    return text[:_ERROR_LENGTH]


def _answer(code: int, text: str) -> Outcome:
    permanent = 500 <= code < 600 and code not in _SETTINGS_CODES
    return Outcome(code, _clip(f"{code} {text}"), delivered=False, permanent=permanent)
