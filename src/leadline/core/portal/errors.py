"""Why a portal push about an agency or a listing is refused (no HTTP status here)."""

from __future__ import annotations

from leadline.core.errors import Conflict, DomainError, ValidationFailed


class AgencyNotFound(DomainError):
    """No agency of the account matches the push."""


class AgencyDisabled(DomainError):
    """The agency is known but not enabled."""


class ListingNotFound(DomainError):
    """No listing of the agency matches the push."""


class ListingDisabled(DomainError):
    """The listing is known but not enabled."""


class DuplicateEntry(Conflict, ValidationFailed):
    """An agency or listing with this external id exists already (a conflict, and still
    a field error for the callers that report it as one)."""
