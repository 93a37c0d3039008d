"""Domain errors. They carry no HTTP status: each adapter maps them to its own shape."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every rule the domain refuses to break."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.__class__.__doc__ or self.__class__.__name__)
        self.message = message or (self.__class__.__doc__ or self.__class__.__name__).strip()


class NotFound(DomainError):
    """No such record in this account."""

    def __init__(self, kind: str, ident: object) -> None:
        super().__init__(f"{kind} {ident} not found")
        self.kind = kind
        self.ident = ident


class ValidationFailed(DomainError):
    """Input that breaks a rule, field by field: ``{"phone1": ["not a phone number"]}``."""

    def __init__(self, errors: dict[str, list[str]], message: str = "Validation failed") -> None:
        super().__init__(message)
        self.errors = errors

    @classmethod
    def single(cls, field: str, problem: str) -> ValidationFailed:
        return cls({field: [problem]}, message=problem)


class Conflict(DomainError):
    """The change contradicts the current state."""


class DuplicateOpenLead(Conflict):
    """The person already has an open lead in this campaign."""

    def __init__(self, lead_id: int) -> None:
        super().__init__(f"open lead {lead_id}")
        self.lead_id = lead_id


class DuplicateCustomerKey(Conflict):
    """A lead with this customer key already exists in the list."""

    def __init__(self, customer_key: str) -> None:
        super().__init__(f"customer key {customer_key!r} already exists in this list")
        self.customer_key = customer_key


class InvalidPhone(DomainError):
    """Not a valid phone number."""

    def __init__(self, raw: object, reason: str = "not a valid phone number") -> None:
        super().__init__(f"{raw!r}: {reason}")
        self.raw = raw
        self.reason = reason


class AuthenticationFailed(DomainError):
    """Unknown, wrong or revoked credentials."""


class PermissionDenied(DomainError):
    """The credential may not do this."""
