"""Pure functions between the wire and the core: timestamps in the account's zone, and
each record as the API shows it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from leadline.adapters.platform import wire
from leadline.core.activities.queries import CallContext
from leadline.core.activities.service import CALL_INBOUND, CALL_OUTBOUND
from leadline.core.campaigns.queries import AgentCounts
from leadline.core.errors import ValidationFailed
from leadline.core.leads.queries import LeadContext
from leadline.core.statistics.service import CampaignStatistics
from leadline.core.vocabulary import DIAL_STATUS_NAMES
from leadline.db.models import (
    Activity,
    Agency,
    Campaign,
    DialAttempt,
    DncEntry,
    Lead,
    LeadList,
    Listing,
    Media,
    User,
    WebhookSubscription,
    WrapCode,
)

BASE_PATH = "/platform-api/v3.0"
_STATUS_IDS = {name: status_id for status_id, name in DIAL_STATUS_NAMES.items()}


def stamp(moment: datetime, zone: ZoneInfo) -> str:
    """ISO 8601 in ``zone`` with its UTC offset, to the second: ``2020-07-06T13:55:06+10:00``."""
    return moment.astimezone(zone).replace(microsecond=0).isoformat()


def maybe_stamp(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return None if moment is None else stamp(moment, zone)


def parse_timestamp(raw: str, zone: ZoneInfo, field: str) -> datetime:
    """ISO 8601 with or without an offset; without one it is read in ``zone``."""
    text = raw.strip()
    if text.endswith(("z", "Z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        # Out-of-range moments (year 1 with a positive offset…) fail here, not in the store.
        moment.astimezone(ZoneInfo("UTC")).replace(tzinfo=None).isoformat()
        return moment
    except (ValueError, OverflowError):
        raise ValidationFailed.single(field, "not an ISO 8601 timestamp") from None


def maybe_parse(raw: str | None, zone: ZoneInfo, field: str) -> datetime | None:
    return None if raw is None else parse_timestamp(raw, zone, field)


def media_uri(media_id: int) -> str:
    return f"{BASE_PATH}/media/{media_id}"


def _recording(media: Sequence[Media]) -> tuple[str, wire.RecordingMetadata | None]:
    recordings = [item for item in media if item.kind == "recording"]
    if not recordings:
        return "none", None
    latest = recordings[-1]
    deleted = latest.deleted_at is not None
    return "deleted" if deleted else "available", wire.RecordingMetadata(
        mediaId=latest.id,
        mediaUri=media_uri(latest.id),
        duration=latest.duration_seconds,
        deleted=deleted,
    )


def _seconds(durations: dict[str, int], key: str) -> int:
    value = (durations or {}).get(key, 0)
    return int(value) if isinstance(value, int | float) else 0


def activity_out(activity: Activity, context: CallContext, zone: ZoneInfo) -> wire.ActivityOut:
    media = context.media.get(activity.id, [])
    recording_status, recording = _recording(media)
    campaign_name = context.campaigns.get(activity.campaign_id or 0)
    agent_name = context.agents.get(activity.agent_id or 0)
    wrap_description = context.wrap_codes.get(activity.wrap_code or "")
    durations = activity.durations or {}
    data: wire.InboundCallData | wire.OutboundCallData | wire.EventData
    if activity.activity_type == CALL_INBOUND:
        data = wire.InboundCallData(
            activityId=activity.id,
            parentActivityId=activity.parent_id,
            rootActivityId=activity.root_id,
            activityStatusId=_STATUS_IDS.get(activity.status or ""),
            activityStatusName=activity.status,
            source=activity.from_number,
            destination=activity.to_number,
            campaignId=activity.campaign_id,
            campaignName=campaign_name,
            agentInteractionId=activity.id if activity.agent_id else None,
            agentId=activity.agent_id,
            agentFullName=agent_name,
            wrapCode=activity.wrap_code,
            wrapDescription=wrap_description,
            recordingStatus=recording_status,  # type: ignore[arg-type]
            recordingMetadata=recording,
            voicemailMetadata=[
                wire.VoicemailMetadata(
                    mediaId=item.id, mediaUri=media_uri(item.id), duration=item.duration_seconds
                )
                for item in media
                if item.kind == "voicemail" and item.deleted_at is None
            ],
            leadId=activity.lead_id,
            durations=wire.InboundDurations(
                **{k: _seconds(durations, k) for k in ("ivr", "queue", "hold", "interaction")},
                wrap=_seconds(durations, "wrap"),
                talk=_seconds(durations, "talk"),
            ),
            timestamps=wire.InboundTimestamps(
                created=stamp(activity.started_at, zone),
                joinQueue=None,
                answered=maybe_stamp(activity.answered_at, zone),
                hangUp=maybe_stamp(activity.ended_at, zone),
                wrapUp=maybe_stamp(activity.wrapped_at, zone),
            ),
        )
    elif activity.activity_type == CALL_OUTBOUND:
        attempt = context.attempts.get(activity.id)
        data = wire.OutboundCallData(
            activityId=activity.id,
            parentActivityId=activity.parent_id,
            rootActivityId=activity.root_id,
            attemptId=attempt.id if attempt else None,
            dialStatusId=attempt.dial_status_id
            if attempt
            else _STATUS_IDS.get(activity.status or ""),
            dialStatusName=(
                DIAL_STATUS_NAMES.get(attempt.dial_status_id or 0) if attempt else activity.status
            ),
            phoneIndex=attempt.phone_index if attempt else None,
            phoneNumber=attempt.phone_number if attempt else activity.to_number,
            leadId=activity.lead_id,
            campaignId=activity.campaign_id,
            campaignName=campaign_name,
            agentId=activity.agent_id,
            agentFullName=agent_name,
            wrapCode=activity.wrap_code,
            wrapDescription=wrap_description,
            recordingStatus=recording_status,  # type: ignore[arg-type]
            recordingMetadata=recording,
            durations=wire.OutboundDurations(
                dial=_seconds(durations, "dial"), interaction=_seconds(durations, "interaction")
            ),
            timestamps=wire.OutboundTimestamps(
                created=stamp(activity.started_at, zone),
                dialled=maybe_stamp(attempt.dialled_at if attempt else activity.started_at, zone),
                answered=maybe_stamp(activity.answered_at, zone),
                hangUp=maybe_stamp(activity.ended_at, zone),
                wrapUp=maybe_stamp(activity.wrapped_at, zone),
            ),
        )
    else:
        data = wire.EventData(
            activityId=activity.id,
            parentActivityId=activity.parent_id,
            rootActivityId=activity.root_id,
            campaignId=activity.campaign_id,
            campaignName=campaign_name,
            leadId=activity.lead_id,
            agentId=activity.agent_id,
            source=activity.source,
            subject=activity.subject,
            description=activity.description,
            status=activity.status,
            details=dict(activity.data or {}),
            timestamps=wire.EventTimestamps(created=stamp(activity.started_at, zone)),
        )
    return wire.ActivityOut(type=activity.activity_type, data=data)


def attempt_out(attempt: DialAttempt, context: CallContext, zone: ZoneInfo) -> wire.DialAttemptOut:
    activity = context.activities.get(attempt.activity_id or 0)
    return wire.DialAttemptOut(
        attemptId=attempt.id,
        dialStatusId=attempt.dial_status_id,
        dialStatusName=DIAL_STATUS_NAMES.get(attempt.dial_status_id or 0),
        phoneIndex=attempt.phone_index,
        phoneNumber=attempt.phone_number,
        leadId=attempt.lead_id,
        timestamps=wire.AttemptTimestamps(
            dialled=stamp(attempt.dialled_at, zone),
            answered=maybe_stamp(attempt.answered_at, zone),
            hangUp=maybe_stamp(attempt.hangup_at, zone),
        ),
        campaignId=attempt.campaign_id,
        campaignName=context.campaigns.get(attempt.campaign_id or 0),
        activityId=attempt.activity_id,
        parentActivityId=activity.parent_id if activity else None,
        rootActivityId=activity.root_id if activity else None,
    )


def campaign_out(
    campaign: Campaign,
    lists: Sequence[LeadList],
    agents: AgentCounts,
    zone: ZoneInfo,
    at: datetime,
) -> wire.CampaignDetails:
    return wire.CampaignDetails(
        campaignId=campaign.id,
        campaignName=campaign.name,
        campaignType=campaign.campaign_type,  # type: ignore[arg-type]
        agents=wire.AgentTotals(
            total=agents.total, loggedIn=agents.logged_in, available=agents.available
        ),
        isActive=campaign.is_active,
        createdDate=stamp(campaign.created_at, zone),
        lastUpdated=stamp(campaign.updated_at, zone),
        lists=[
            wire.CampaignList(
                listId=item.id, listName=item.name, inDialler=item.in_dialler, weight=item.weight
            )
            for item in lists
        ],
        timestamp=stamp(at, zone),
        timezone=campaign.timezone,
        diallingMode=campaign.dialling_mode,  # type: ignore[arg-type]
        callingHours=campaign.calling_hours or {},
        maxAttempts=campaign.max_attempts,
        retryDelays={key: int(value) for key, value in (campaign.retry_delays or {}).items()},
        maxAbandonRate=float(campaign.max_abandon_rate),
    )


def statistics_out(
    campaign: Campaign, figures: CampaignStatistics, period: str, zone: ZoneInfo
) -> wire.CampaignStatistics:
    outbound = campaign.campaign_type == "outbound"
    agents = figures.agents
    return wire.CampaignStatistics(
        campaignId=campaign.id,
        campaignName=campaign.name,
        period=period,  # type: ignore[arg-type]
        maxCallWaitingTime=figures.max_call_waiting_seconds,
        averageWaitingTime=figures.average_waiting_seconds,
        estimatedCallWaitingTime=figures.estimated_waiting_seconds,
        agents=wire.AgentStates(
            loggedIn=agents.logged_in,
            available=agents.available,
            busy=agents.busy,
            wrap=agents.wrap,
            unavailable=agents.unavailable,
        ),
        callsWaiting=figures.calls_waiting,
        callsReceived=figures.calls_received,
        callsAbandonedInWorkflow=figures.calls_abandoned_in_workflow,
        callsAbandonedInQueue=figures.calls_abandoned_in_queue,
        callsDialled=figures.calls_dialled if outbound else None,
        callsAnswered=figures.calls_answered if outbound else None,
        callsAbandoned=figures.calls_abandoned if outbound else None,
        abandonRate=float(figures.abandon_rate) if outbound else None,
        leadsRemaining=figures.leads_remaining if outbound else None,
        timestamp=stamp(figures.at, zone),
        timezone=campaign.timezone,
    )


def list_out(lead_list: LeadList, campaign_name: str, zone: ZoneInfo) -> wire.ListDetails:
    return wire.ListDetails(
        id=lead_list.id,
        name=lead_list.name,
        campaignId=lead_list.campaign_id,
        campaignName=campaign_name,
        inDialler=lead_list.in_dialler,
        weight=lead_list.weight,
        timestamps=wire.ListTimestamps(
            created=stamp(lead_list.created_at, zone),
            lastUpdated=stamp(lead_list.updated_at, zone),
        ),
    )


def in_dialler(lead: Lead, lead_list: LeadList | None, campaign: Campaign | None) -> bool:
    """In the dialler: its list is, its campaign is active, and it is open."""
    return bool(
        lead.completed_at is None
        and lead_list is not None
        and lead_list.in_dialler
        and campaign is not None
        and campaign.is_active
    )


def lead_out(lead: Lead, context: LeadContext, zone: ZoneInfo) -> wire.LeadDetails:
    campaign = context.campaigns.get(lead.campaign_id)
    lead_list = context.lists.get(lead.list_id)
    agent = context.agents.get(lead.assigned_agent_id or 0)
    last_dial = DIAL_STATUS_NAMES.get(lead.last_dial_status_id or 0)
    return wire.LeadDetails(
        leadId=lead.id,
        campaignId=lead.campaign_id,
        campaignName=campaign.name if campaign else "",
        listId=lead.list_id,
        listName=lead_list.name if lead_list else "",
        timezone=lead.timezone,
        completed=lead.completed_at is not None,
        inDialler=in_dialler(lead, lead_list, campaign),
        customerKey=lead.customer_key,
        agentId=lead.assigned_agent_id,
        agentFullName=agent.full_name if agent else None,
        dataFields=dict(lead.data or {}),
        lastStatusCode=lead.status_code,
        lastStatusDescription=context.statuses.get(lead.status_code),
        phones=[
            wire.LeadPhoneOut(
                phoneIndex=phone.phone_index,
                phoneNumber=phone.number,
                attempts=phone.attempts,
                lastDialStatusName=DIAL_STATUS_NAMES.get(phone.last_dial_status_id or 0),
            )
            for phone in context.phones.get(lead.id, [])
        ],
        outcomeType=(campaign.dialling_mode if campaign else "preview"),  # type: ignore[arg-type]
        outcomesInfo=wire.OutcomesInfo(
            dialAttempts=lead.attempts,
            lastDialStatusName=last_dial,
            lastWrapCode=lead.last_wrap_code,
            lastWrapDescription=context.wrap_codes.get(lead.last_wrap_code or ""),
        ),
        cost=float(lead.cost or 0),
        source=lead.source,
        timestamps=wire.LeadTimestamps(
            uploaded=stamp(lead.created_at, zone),
            lastAttempt=maybe_stamp(lead.last_attempt_at, zone),
            nextAttempt=maybe_stamp(lead.next_attempt_at, zone)
            if lead.completed_at is None
            else None,
            completed=maybe_stamp(lead.completed_at, zone),
        ),
    )


def user_out(user: User) -> wire.UserOut:
    return wire.UserOut(
        userId=user.id,
        userType=user.user_type,  # type: ignore[arg-type]
        username=user.login,
        firstName=user.first_name,
        lastName=user.last_name,
        fullName=user.full_name,
        email=user.email,
        accountActive=user.active,
        available=user.available,
    )


def wrap_code_out(code: WrapCode) -> wire.WrapCodeOut:
    return wire.WrapCodeOut(
        wrapCode=code.code, wrapDescription=code.description, statusCode=code.status_code
    )


def dnc_out(entry: DncEntry, zone: ZoneInfo) -> wire.DncEntryOut:
    return wire.DncEntryOut(
        phoneNumber=entry.number,
        reason=entry.reason,
        addedAt=stamp(entry.added_at, zone),
        addedBy=entry.added_by_user_id,
        source=entry.source,
    )


def webhook_out(subscription: WebhookSubscription, zone: ZoneInfo) -> wire.WebhookOut:
    return wire.WebhookOut(
        id=subscription.id,
        url=subscription.url,
        events=list(subscription.event_types),
        active=subscription.active,
        createdAt=stamp(subscription.created_at, zone),
    )


def agency_out(agency: Agency, zone: ZoneInfo) -> wire.AgencyOut:
    return wire.AgencyOut(
        agencyId=agency.id,
        externalId=agency.external_id,
        portalAgencyId=agency.portal_agency_id,
        name=agency.name,
        email=agency.email,
        enabled=agency.enabled,
        callBackCampaignId=agency.callback_campaign_id,
        timestamps=wire.ListTimestamps(
            created=stamp(agency.created_at, zone), lastUpdated=stamp(agency.updated_at, zone)
        ),
    )


def listing_out(listing: Listing, zone: ZoneInfo) -> wire.ListingOut:
    return wire.ListingOut(
        listingId=listing.id,
        agencyId=listing.agency_id,
        externalId=listing.external_id,
        portalListingId=listing.portal_listing_id,
        title=listing.title,
        enabled=listing.enabled,
        timestamps=wire.ListTimestamps(
            created=stamp(listing.created_at, zone), lastUpdated=stamp(listing.updated_at, zone)
        ),
    )


def media_out(media: Media, zone: ZoneInfo) -> wire.MediaDetails:
    return wire.MediaDetails(
        mediaId=media.id,
        mediaUri=media_uri(media.id),
        duration=media.duration_seconds,
        deleted=media.deleted_at is not None,
        deletedTimestamp=maybe_stamp(media.deleted_at, zone),
        deletedBy=media.deleted_by_user_id,
        deletionReason=media.deletion_reason,
    )


def voicemail_out(media: Media) -> wire.VoicemailMetadata:
    return wire.VoicemailMetadata(
        mediaId=media.id, mediaUri=media_uri(media.id), duration=media.duration_seconds
    )


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The one byte range (first, last, inclusive) a ``Range`` header asks of ``size``
    bytes; None to send the whole file (no header, or one this does not serve: several
    ranges, another unit, bad syntax — ignoring it is what RFC 9110 allows). Raises
    :class:`UnsatisfiableRange` when the range lies wholly past the end."""
    if header is None:
        return None
    unit, _, spec = header.strip().partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first_text, dash, last_text = spec.strip().partition("-")
    first_text, last_text = first_text.strip(), last_text.strip()
    if not dash or not (first_text.isdigit() or first_text == ""):
        return None
    if not (last_text.isdigit() or last_text == "") or (first_text == last_text == ""):
        return None
    if first_text == "":
        suffix = int(last_text)
        if suffix == 0 or size == 0:
            raise UnsatisfiableRange()
        return max(size - suffix, 0), size - 1
    first = int(first_text)
    if last_text and int(last_text) < first:
        return None
    if first >= size:
        raise UnsatisfiableRange()
    last = int(last_text) if last_text else size - 1
    return first, min(last, size - 1)


class UnsatisfiableRange(Exception):
    pass
