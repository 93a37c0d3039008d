"""The portal's JSON bodies, field for field as the portal sends them.

Types are strict (a number is not a string, ``true`` is not ``1``); unknown fields are
ignored here and kept in the raw record. Every length is bounded by the column that
will hold it, so nothing valid here can fail later in the store.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

PortalInt = Annotated[int, Field(ge=0, lt=2**63)]
Outcome = Literal["ANSWER", "ABORTED", "LOST_CALL", "BUSY"]
LeadType = Literal["LEAD", "PRICE_PROPOSAL", "VISIT_REQUEST"]
VisitType = Literal["on-site", "remote"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    agencyEmail: str | None = Field(None, max_length=254)
    agencyExternalId: str | None = Field(None, max_length=100)
    agencyId: PortalInt | None = None
    listingId: PortalInt | None = None
    listingExternalId: str | None = Field(None, max_length=100)
    date: str = Field(max_length=64)
    src: str = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _names_agency_and_listing(self) -> _Body:
        if not self.agencyExternalId and self.agencyId is None:
            raise ValueError("agencyExternalId or agencyId is required")
        if not self.listingExternalId and self.listingId is None:
            raise ValueError("listingExternalId or listingId is required")
        return self


class PhoneCallBody(_Body):
    """``POST …/phone``: one phone call to a listing."""

    callFrom: str = Field(max_length=64)
    callTo: str = Field(max_length=64)
    duration: int = Field(ge=0, le=10_000_000)
    outcome: Outcome
    phoneCallId: PortalInt


class ContactBody(_Body):
    """``POST …/contact``: an e-mail or form lead about a listing."""

    leadUUID: str | None = Field(None, min_length=1, max_length=200)
    leadId: PortalInt | None = None
    email: str | None = Field(None, max_length=254)
    msg: str | None = Field(None, max_length=20_000)
    name: str | None = Field(None, max_length=200)
    referrer: str | None = Field(None, max_length=2_000)
    remote_ip: str | None = Field(None, max_length=64)
    phone: str | PortalInt = Field(union_mode="left_to_right")
    type: LeadType
    priceProposal: float | None = Field(None, ge=0, allow_inf_nan=False)
    visit_type: VisitType | None = None
    atAnyTime: bool | None = None
    asSoonAsPossible: bool | None = None
    visitDays: list[Annotated[str, Field(max_length=10)]] | None = Field(None, max_length=366)
    visitTimetables: list[Annotated[str, Field(max_length=50)]] | None = Field(None, max_length=50)

    @model_validator(mode="after")
    def _has_an_id(self) -> ContactBody:
        if self.leadUUID is None and self.leadId is None:
            raise ValueError("leadUUID or leadId is required")
        return self
