"""Settings, read once from the environment (prefix ``LEADLINE_``)."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def to_async_url(url: str) -> str:
    """Turn a plain database URL into one naming the async driver we ship.

    ``sqlite:///path`` → ``sqlite+aiosqlite:///path``;
    ``postgresql://…`` / ``postgres://…`` → ``postgresql+asyncpg://…``.
    URLs that already name a driver are kept as they are.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError(f"not a database URL: {url!r}")
    if "+" in scheme:
        return url
    if scheme == "sqlite":
        return f"sqlite+aiosqlite://{rest}"
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+asyncpg://{rest}"
    raise ValueError(f"unsupported database scheme {scheme!r}: use sqlite:// or postgresql://")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEADLINE_", extra="ignore")

    var_dir: Path = Path("var")
    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    media_dir: Path | None = None
    secret_key: str = ""
    log_level: str = "INFO"
    log_format: Literal["json", "console"] = "json"
    dialler: Literal["on", "off"] = "on"
    # Run the background worker inside `leadline serve` (off for web-only nodes).
    run_worker: bool = True
    telephony_backend: str = "simulated"
    # The sip telephony backend (docs/dialler.md): where customers' calls go (the
    # trunk or PBX, host[:port]), its digest credentials, the agents' SIP addresses by
    # user id (JSON: {"12": "sip:anna@10.0.0.5:5060"}), our own UDP address, and how
    # long the customer's and the agent's phones may ring.
    sip_trunk: str = ""
    sip_trunk_username: str = ""
    sip_trunk_password: SecretStr = SecretStr("")
    sip_agents: dict[str, str] = Field(default_factory=dict)
    sip_bind_address: str = "127.0.0.1"
    sip_bind_port: int = 5060
    sip_ring_timeout_seconds: float = 30.0
    sip_agent_timeout_seconds: float = 20.0
    sip_caller_id: str = ""
    trusted_proxies: list[str] = Field(default_factory=list)
    public_url: str = "http://127.0.0.1:8000"
    media_retention_days: int = 0
    sqlite_busy_timeout_ms: int = 30_000
    db_pool_size: int = 10
    # The cycle collector's first threshold in server, worker and import processes
    # (leadline.runtime.tune_gc); 0 keeps Python's default (700).
    gc_threshold: int = 50_000
    # Rate limit of credentials that do not set their own (requests per second, burst).
    default_rate_limit: int = 50
    default_rate_burst: int = 100
    # Agency e-mail notifications go out through this SMTP server (none sent while the
    # host is empty). The password is a SecretStr: it never shows in a repr or a log.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_tls: Literal["none", "starttls", "tls"] = "starttls"
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_from: str = "Leadline <leadline@localhost>"
    smtp_timeout_seconds: float = 10.0
    # A PEM bundle to trust for the server's certificate (else the system's).
    smtp_ca_file: Path | None = None

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _sip_needs_a_trunk(self) -> Settings:
        # Refused when the settings are read, not at the first call.
        if self.telephony_backend == "sip" and not self.sip_trunk:
            raise ValueError("the sip telephony backend needs LEADLINE_SIP_TRUNK (host[:port])")
        return self

    @property
    def async_database_url(self) -> str:
        return to_async_url(self.database_url or self.default_database_url)

    @property
    def default_database_url(self) -> str:
        return f"sqlite:///{(self.var_dir / 'leadline.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.async_database_url.startswith("sqlite")

    @property
    def resolved_media_dir(self) -> Path:
        return self.media_dir or self.var_dir / "media"

    def resolved_secret_key(self) -> str:
        """The configured secret, or one generated once into ``var/secret_key``."""
        if self.secret_key:
            return self.secret_key
        path = self.var_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.var_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        # O_EXCL: two processes starting at once agree on one key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings_cache() -> None:
    get_settings.cache_clear()
