"""Core outcomes → the answers suppliers parse."""

from __future__ import annotations

from leadline.core.submissions.service import AddOutcome, CancelOutcome

_ADD_ERRORS = {
    AddOutcome.UNKNOWN_TYPE: "Unknown Type",
    AddOutcome.DNC: "Do Not Call",
    AddOutcome.DUPLICATE: "Another call is already scheduled",
    AddOutcome.EXISTING_CONTACT: "Existing Contact",
}
_CANCEL_WARNINGS = {
    CancelOutcome.UNKNOWN_TYPE: "server error (call group)",
    CancelOutcome.NOT_FOUND: "not found",
    CancelOutcome.ALREADY_PROCESSED: "already processed",
}
SAVE_FAILED_WARNING = "server error (save)"


def add_answer(outcome: AddOutcome) -> dict[str, object]:
    if outcome is AddOutcome.PROCESSED:
        return {"saved": True, "processed": True}
    return {"saved": True, "processed": False, "error": _ADD_ERRORS[outcome]}


def cancel_answer(outcome: CancelOutcome) -> dict[str, object]:
    if outcome is CancelOutcome.CANCELLED:
        return {"cancelled": True}
    return {"cancelled": False, "warning": _CANCEL_WARNINGS[outcome]}


def save_failed_answer() -> dict[str, object]:
    return {"cancelled": False, "warning": SAVE_FAILED_WARNING}
