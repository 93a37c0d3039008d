"""Secrets at rest: argon2id for passwords, a keyed hash (HMAC-SHA256) for API secrets.

API secrets are long random strings, so a fast keyed hash is as safe as a slow one and
lets every request be checked cheaply; a stolen table is useless without SECRET_KEY.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_password_hasher = PasswordHasher()  # argon2id with the library's current defaults


def hash_password(password: str) -> str:
    return _password_hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _password_hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    try:
        return _password_hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def new_secret(nbytes: int = 24) -> str:
    """A URL-safe random secret (``nbytes`` of entropy)."""
    return secrets.token_urlsafe(nbytes)


class Keyring:
    """Keyed hashing with the installation's SECRET_KEY."""

    def __init__(self, secret_key: str) -> None:
        if not secret_key:
            raise ValueError("a secret key is required")
        self._key = secret_key.encode()

    def hash(self, value: str, *, purpose: str = "secret") -> str:
        message = f"{purpose}\0{value}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def matches(self, value: str, hashed: str, *, purpose: str = "secret") -> bool:
        return hmac.compare_digest(self.hash(value, purpose=purpose), hashed)

    def derive(self, name: str, nbytes: int = 24) -> str:
        """A stable secret for ``name`` (the demo prints the same working secrets each run)."""
        digest = hmac.new(self._key, f"derive\0{name}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:nbytes]).decode().rstrip("=")
