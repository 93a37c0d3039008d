"""The fixed words of the domain: scopes, default status codes, dial statuses, retries."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Scope(StrEnum):
    DIALLER_LEADS = "dialler-leads"
    CALL_COSTS = "call-costs"
    PLATFORM = "platform"
    SOFTPHONE = "softphone"


class LeadStatus(IntEnum):
    NEW = 1
    CALL_BACK = 2
    ABANDONED = 3
    NO_ANSWER = 4
    BUSY = 5
    ANSWERED_INTERESTED = 6
    ANSWERED_NOT_INTERESTED = 7
    DO_NOT_CALL = 8
    CANCELLED = 9
    INVALID_NUMBER = 10


#: (code, description, final) every new account starts with.
DEFAULT_STATUS_CODES: tuple[tuple[int, str, bool], ...] = (
    (LeadStatus.NEW, "New", False),
    (LeadStatus.CALL_BACK, "Call Back", False),
    (LeadStatus.ABANDONED, "Abandoned", False),
    (LeadStatus.NO_ANSWER, "No Answer", False),
    (LeadStatus.BUSY, "Busy", False),
    (LeadStatus.ANSWERED_INTERESTED, "Answered – Interested", True),
    (LeadStatus.ANSWERED_NOT_INTERESTED, "Answered – Not Interested", True),
    (LeadStatus.DO_NOT_CALL, "Do Not Call", True),
    (LeadStatus.CANCELLED, "Cancelled", True),
    (LeadStatus.INVALID_NUMBER, "Invalid Number", True),
)


class DialStatus(IntEnum):
    ANSWERED = 1
    NO_ANSWER = 2
    BUSY = 3
    ABANDONED = 4
    FAILED = 5
    DISCONNECTED = 6
    CANCELLED = 7
    VOICEMAIL = 8


DIAL_STATUS_NAMES: dict[int, str] = {
    DialStatus.ANSWERED: "Answered",
    DialStatus.NO_ANSWER: "No Answer",
    DialStatus.BUSY: "Busy",
    DialStatus.ABANDONED: "Abandoned",
    DialStatus.FAILED: "Failed",
    DialStatus.DISCONNECTED: "Disconnected",
    DialStatus.CANCELLED: "Cancelled",
    DialStatus.VOICEMAIL: "Voicemail",
}

#: Seconds before the next attempt after each dial status, unless a campaign says otherwise.
DEFAULT_RETRY_DELAYS: dict[int, int] = {
    DialStatus.NO_ANSWER: 2 * 3600,
    DialStatus.BUSY: 10 * 60,
    DialStatus.ABANDONED: 5 * 60,
    DialStatus.FAILED: 3600,
    DialStatus.VOICEMAIL: 4 * 3600,
    DialStatus.DISCONNECTED: 3600,
}

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

DEFAULT_CALLING_HOURS: dict[str, list[list[str]]] = {day: [["09:00", "21:00"]] for day in WEEKDAYS}

ROUND_THE_CLOCK: dict[str, list[list[str]]] = {day: [["00:00", "24:00"]] for day in WEEKDAYS}

#: (code, description, status it sets) every new account starts with.
DEFAULT_WRAP_CODES: tuple[tuple[str, str, int], ...] = (
    ("SALE", "Interested – follow up", LeadStatus.ANSWERED_INTERESTED),
    ("NOT-INTERESTED", "Not interested", LeadStatus.ANSWERED_NOT_INTERESTED),
    ("CALL-BACK", "Asked to be called back", LeadStatus.CALL_BACK),
    ("DNC", "Asked not to be called again", LeadStatus.DO_NOT_CALL),
    ("WRONG-NUMBER", "Wrong number", LeadStatus.INVALID_NUMBER),
)

#: Call outcomes as activity statuses.
CALL_ANSWERED = "Answered"
CALL_NO_ANSWER = "No Answer"
CALL_BUSY = "Busy"
CALL_ABANDONED = "Abandoned"
