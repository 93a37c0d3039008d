"""The platform API's payloads, camelCase as on the wire. Requests refuse unknown
fields; every bound matches the column behind it, so bad input is a 422, never a 5xx."""

from __future__ import annotations

import json
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

MAX_ID = 2**63 - 1
MAX_INT32 = 2**31 - 1
LEAD_DATA_LIMIT = 16 * 1024


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _check_json_object(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    try:
        encoded = json.dumps(value, allow_nan=False)
    except ValueError:
        raise ValueError("numbers must be finite") from None
    if "\\u0000" in encoded:
        raise ValueError("must not contain NUL characters")
    if len(encoded.encode()) > LEAD_DATA_LIMIT:
        raise ValueError(f"at most {LEAD_DATA_LIMIT} bytes of JSON")
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Int32 = Annotated[int, Field(ge=0, le=MAX_INT32)]
Str64 = Annotated[str, StringConstraints(max_length=64), AfterValidator(_no_nul)]
Str200 = Annotated[str, StringConstraints(max_length=200), AfterValidator(_no_nul)]
Name200 = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_no_nul)]
Str500 = Annotated[str, StringConstraints(max_length=500), AfterValidator(_no_nul)]
#: ISO 8601, with or without a UTC offset (none: the account's time zone).
TimestampIn = Annotated[
    str,
    StringConstraints(max_length=64),
    AfterValidator(_no_nul),
    Field(json_schema_extra={"examples": ["2020-07-06T13:55:06+10:00", "2020-07-06T13:55:06"]}),
]
#: ISO 8601 with the account's UTC offset.
Timestamp = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
LeadData = Annotated[dict[str, Any] | None, AfterValidator(_check_json_object)]


class Incoming(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Outgoing(BaseModel):
    pass


# -- Errors and envelopes


class ErrorBody(Outgoing):
    message: str
    errors: dict[str, list[str]] = Field(default_factory=dict)


class Metadata(Outgoing):
    nextUri: str | None


T = TypeVar("T")


class Envelope(Outgoing, Generic[T]):
    metadata: Metadata
    items: list[T]


# -- Activities and dial attempts


class InboundDurations(Outgoing):
    ivr: int
    queue: int
    hold: int
    interaction: int
    wrap: int
    talk: int


class InboundTimestamps(Outgoing):
    created: Timestamp
    joinQueue: Timestamp | None
    answered: Timestamp | None
    hangUp: Timestamp | None
    wrapUp: Timestamp | None


class RecordingMetadata(Outgoing):
    mediaId: int
    mediaUri: str
    duration: int
    deleted: bool


class VoicemailMetadata(Outgoing):
    mediaId: int
    mediaUri: str
    duration: int


class InboundCallData(Outgoing):
    activityId: int
    parentActivityId: int | None
    rootActivityId: int | None
    activityStatusId: int | None
    activityStatusName: str | None
    source: str | None
    destination: str | None
    campaignId: int | None
    campaignName: str | None
    agentInteractionId: int | None
    agentId: int | None
    agentFullName: str | None
    wrapCode: str | None
    wrapDescription: str | None
    recordingStatus: Literal["none", "available", "deleted"]
    recordingMetadata: RecordingMetadata | None
    voicemailMetadata: list[VoicemailMetadata]
    leadId: int | None
    durations: InboundDurations
    timestamps: InboundTimestamps


class OutboundDurations(Outgoing):
    dial: int
    interaction: int


class OutboundTimestamps(Outgoing):
    created: Timestamp
    dialled: Timestamp | None
    answered: Timestamp | None
    hangUp: Timestamp | None
    wrapUp: Timestamp | None


class OutboundCallData(Outgoing):
    activityId: int
    parentActivityId: int | None
    rootActivityId: int | None
    attemptId: int | None
    dialStatusId: int | None
    dialStatusName: str | None
    phoneIndex: int | None
    phoneNumber: str | None
    leadId: int | None
    campaignId: int | None
    campaignName: str | None
    agentId: int | None
    agentFullName: str | None
    wrapCode: str | None
    wrapDescription: str | None
    recordingStatus: Literal["none", "available", "deleted"]
    recordingMetadata: RecordingMetadata | None
    durations: OutboundDurations
    timestamps: OutboundTimestamps


class EventTimestamps(Outgoing):
    created: Timestamp


class EventData(Outgoing):
    """Any other activity (``web.lead``, ``crm.event``, …)."""

    activityId: int
    parentActivityId: int | None
    rootActivityId: int | None
    campaignId: int | None
    campaignName: str | None
    leadId: int | None
    agentId: int | None
    source: str | None
    subject: str | None
    description: str | None
    status: str | None
    details: dict[str, Any]
    timestamps: EventTimestamps


class ActivityOut(Outgoing):
    type: str = Field(examples=["call.inbound", "call.outbound", "web.lead", "crm.event"])
    data: InboundCallData | OutboundCallData | EventData


class AttemptTimestamps(Outgoing):
    dialled: Timestamp
    answered: Timestamp | None
    hangUp: Timestamp | None


class DialAttemptOut(Outgoing):
    attemptId: int
    dialStatusId: int | None
    dialStatusName: str | None
    phoneIndex: int
    phoneNumber: str
    leadId: int | None
    timestamps: AttemptTimestamps
    type: Literal["call.outbound"] = "call.outbound"
    campaignId: int | None
    campaignName: str | None
    activityId: int | None
    parentActivityId: int | None
    rootActivityId: int | None


# -- Campaigns


CallingHours = dict[str, list[list[Annotated[str, StringConstraints(max_length=5)]]]]
RetryDelays = dict[
    Annotated[str, StringConstraints(max_length=3)], Annotated[int, Field(ge=0, le=MAX_INT32)]
]
AbandonRate = Annotated[float, Field(ge=0, le=100)]
CampaignType = Literal["inbound", "outbound"]
DiallingMode = Literal["preview", "progressive", "predictive"]


class CreateCampaign(Incoming):
    campaignName: Name200
    campaignType: CampaignType = "outbound"
    timezone: Str64 | None = None
    diallingMode: DiallingMode = "progressive"
    callingHours: CallingHours | None = None
    maxAttempts: Annotated[int, Field(ge=1, le=100)] = 5
    retryDelays: RetryDelays | None = None
    maxAbandonRate: AbandonRate = 3
    isActive: bool = True


class ChangeCampaign(Incoming):
    campaignName: Name200 | None = None
    campaignType: CampaignType | None = None
    timezone: Str64 | None = None
    diallingMode: DiallingMode | None = None
    callingHours: CallingHours | None = None
    maxAttempts: Annotated[int, Field(ge=1, le=100)] | None = None
    retryDelays: RetryDelays | None = None
    maxAbandonRate: AbandonRate | None = None
    isActive: bool | None = None


class AgentTotals(Outgoing):
    total: int
    loggedIn: int
    available: int


class CampaignList(Outgoing):
    listId: int
    listName: str
    inDialler: bool
    weight: int


class CampaignDetails(Outgoing):
    campaignId: int
    campaignName: str
    campaignType: CampaignType
    agents: AgentTotals
    isActive: bool
    createdDate: Timestamp
    lastUpdated: Timestamp
    lists: list[CampaignList]
    timestamp: Timestamp
    timezone: str
    diallingMode: DiallingMode
    callingHours: dict[str, list[list[str]]]
    maxAttempts: int
    retryDelays: dict[str, int]
    maxAbandonRate: float


class AgentStates(Outgoing):
    loggedIn: int
    available: int
    busy: int
    wrap: int
    unavailable: int


class CampaignStatistics(Outgoing):
    campaignId: int
    campaignName: str
    period: Literal["hour", "day"]
    maxCallWaitingTime: int
    averageWaitingTime: int
    estimatedCallWaitingTime: int
    agents: AgentStates
    callsWaiting: int
    callsReceived: int
    callsAbandonedInWorkflow: int
    callsAbandonedInQueue: int
    callsDialled: int | None = None
    callsAnswered: int | None = None
    callsAbandoned: int | None = None
    abandonRate: float | None = None
    leadsRemaining: int | None = None
    timestamp: Timestamp
    timezone: str


# -- Lists


class CreateList(Incoming):
    listName: Name200
    campaignId: Id


class ListCreated(Outgoing):
    listName: str
    campaignId: int
    listId: int


class ListTimestamps(Outgoing):
    created: Timestamp
    lastUpdated: Timestamp


class ListDetails(Outgoing):
    id: int
    name: str
    campaignId: int
    campaignName: str
    inDialler: bool
    weight: int
    timestamps: ListTimestamps


# -- Leads


class _LeadFields(Incoming):
    customerKey: Str200 | None = None
    timezone: Str64 | None = None
    phone1: Str64 | None = None
    phone2: Str64 | None = None
    phone3: Str64 | None = None
    nextAttemptTimestamp: TimestampIn | None = None
    leadData: LeadData = None
    statusCode: Int32 | None = None
    agentId: Id | None = None


class CreateLead(_LeadFields):
    listId: Id


class ChangeLead(_LeadFields):
    """Only the fields sent change; ``null`` clears phone2/phone3, customerKey, agentId."""

    listId: Id | None = None
    isCompleted: bool | None = None


class LeadCreated(Outgoing):
    leadId: int
    inDialler: bool


class LeadPhoneOut(Outgoing):
    phoneIndex: int
    phoneNumber: str
    attempts: int
    lastDialStatusName: str | None


class OutcomesInfo(Outgoing):
    dialAttempts: int
    lastDialStatusName: str | None
    lastWrapCode: str | None
    lastWrapDescription: str | None


class LeadTimestamps(Outgoing):
    uploaded: Timestamp
    lastAttempt: Timestamp | None
    nextAttempt: Timestamp | None
    completed: Timestamp | None


class LeadDetails(Outgoing):
    leadId: int
    campaignId: int
    campaignName: str
    listId: int
    listName: str
    timezone: str | None
    completed: bool
    inDialler: bool
    customerKey: str | None
    agentId: int | None
    agentFullName: str | None
    dataFields: dict[str, Any]
    lastStatusCode: int
    lastStatusDescription: str | None
    phones: list[LeadPhoneOut]
    outcomeType: DiallingMode
    outcomesInfo: OutcomesInfo
    cost: float
    source: str | None
    timestamps: LeadTimestamps


# -- Users and availability


class UserOut(Outgoing):
    userId: int
    userType: Literal["agent", "user"]
    username: str
    firstName: str
    lastName: str
    fullName: str
    email: str | None
    accountActive: bool
    available: bool


class Availability(Incoming):
    agentId: Id
    available: bool


class AvailabilityOut(Outgoing):
    agentId: int
    available: bool


# -- Administration


class WrapCodeOut(Outgoing):
    wrapCode: str
    wrapDescription: str
    statusCode: int


class WrapCodes(Outgoing):
    items: list[WrapCodeOut]


class CreateDncEntry(Incoming):
    phoneNumber: Str64
    reason: Str500 | None = None


class DncEntryOut(Outgoing):
    phoneNumber: str
    reason: str | None
    addedAt: Timestamp
    addedBy: int | None
    source: str | None


# -- Webhooks

WebhookUrl = Annotated[
    str, StringConstraints(min_length=1, max_length=2000), AfterValidator(_no_nul)
]


class CreateWebhook(Incoming):
    url: WebhookUrl
    events: Annotated[list[Str64], Field(min_length=1, max_length=20)]


class WebhookOut(Outgoing):
    id: int
    url: str
    events: list[str]
    active: bool
    createdAt: Timestamp


class WebhookCreated(WebhookOut):
    #: The HMAC key for ``Leadline-Signature``, shown in this answer only.
    secret: str


# -- Agencies and listings

ExternalId = Annotated[
    str, StringConstraints(min_length=1, max_length=100, pattern=r"\S"), AfterValidator(_no_nul)
]
Email = Annotated[str, StringConstraints(max_length=254), AfterValidator(_no_nul)]
Str300 = Annotated[str, StringConstraints(max_length=300), AfterValidator(_no_nul)]
PortalId = Annotated[int, Field(ge=0, le=MAX_ID)]


class CreateAgency(Incoming):
    externalId: ExternalId
    portalAgencyId: PortalId | None = None
    name: Str200 = ""
    email: Email | None = None
    enabled: bool = True
    callBackCampaignId: Id | None = None


class ChangeAgency(Incoming):
    """Only the fields sent change; ``null`` clears portalAgencyId, email, callBackCampaignId."""

    externalId: ExternalId | None = None
    portalAgencyId: PortalId | None = None
    name: Str200 | None = None
    email: Email | None = None
    enabled: bool | None = None
    callBackCampaignId: Id | None = None


class AgencyOut(Outgoing):
    agencyId: int
    externalId: str
    portalAgencyId: int | None
    name: str
    email: str | None
    enabled: bool
    callBackCampaignId: int | None
    timestamps: ListTimestamps


class CreateListing(Incoming):
    agencyId: Id
    externalId: ExternalId
    portalListingId: PortalId | None = None
    title: Str300 = ""
    enabled: bool = True


class ChangeListing(Incoming):
    """Only the fields sent change; ``null`` clears portalListingId."""

    agencyId: Id | None = None
    externalId: ExternalId | None = None
    portalListingId: PortalId | None = None
    title: Str300 | None = None
    enabled: bool | None = None


class ListingOut(Outgoing):
    listingId: int
    agencyId: int
    externalId: str
    portalListingId: int | None
    title: str
    enabled: bool
    timestamps: ListTimestamps


# -- Agents at work


class WrapUp(Incoming):
    """At least one of statusCode, wrapCode (its status) or callBackAt."""

    statusCode: Int32 | None = None
    wrapCode: Str64 | None = None
    notes: Annotated[str, StringConstraints(max_length=10_000), AfterValidator(_no_nul)] | None = (
        None
    )
    callBackAt: TimestampIn | None = None


class WrappedUp(Outgoing):
    attemptId: int
    wrapCode: str | None
    wrapped: Timestamp
    lead: LeadDetails | None


# -- Bulk lead imports


class BulkLeads(Incoming):
    """``{"leads": [<create lead>, …]}``; each row is checked in the background."""

    leads: list[Any]


class BulkAccepted(Outgoing):
    uuid: str
    status: Literal["pending"]


class BulkLink(Outgoing):
    href: str


class BulkResult(Outgoing):
    total: int
    processed: int
    created: int
    failed: int


class BulkStatus(Outgoing):
    uuid: str
    status: Literal["pending", "processing", "completed", "failed"]
    error_link: BulkLink | None
    result: BulkResult


class BulkErrors(Outgoing):
    pageNo: int
    limit: int
    errorList: dict[str, dict[str, str]]
    totalPages: int
    nextPageLink: str | None


# -- Media


class DeleteMedia(Incoming):
    reason: Annotated[
        str, StringConstraints(min_length=1, max_length=500, pattern=r"\S"), AfterValidator(_no_nul)
    ]


class MediaDetails(Outgoing):
    mediaId: int
    mediaUri: str
    duration: int
    deleted: bool
    deletedTimestamp: Timestamp | None
    deletedBy: int | None
    deletionReason: str | None


# -- Erasure


class ErasedCalls(Outgoing):
    activitiesErased: int
    recordingsDeleted: int


class ErasedEmails(Outgoing):
    contactsErased: int


class ErasedLeads(Outgoing):
    leadsDeleted: int


class Erasure(Outgoing):
    callData: ErasedCalls
    emailData: ErasedEmails
    leadData: ErasedLeads
