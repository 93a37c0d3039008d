"""What a SIP final response to the customer's INVITE means for the dial attempt."""

from __future__ import annotations

from leadline.core.vocabulary import DialStatus

#: Responses whose meaning is settled by the code alone (RFC 3261 §21).
_BY_CODE: dict[int, DialStatus] = {
    486: DialStatus.BUSY,  # Busy Here
    600: DialStatus.BUSY,  # Busy Everywhere
    480: DialStatus.NO_ANSWER,  # Temporarily Unavailable
    408: DialStatus.NO_ANSWER,  # Request Timeout (also our own ring timeout)
    404: DialStatus.DISCONNECTED,  # Not Found: the number does not exist
    484: DialStatus.DISCONNECTED,  # Address Incomplete
    604: DialStatus.DISCONNECTED,  # Does Not Exist Anywhere
    487: DialStatus.CANCELLED,  # Request Terminated: the INVITE was cancelled
}


def dial_status_for(code: int) -> DialStatus:
    """The dial status of a call whose customer leg ended with ``code`` before talking.

    2xx is an answered call; the codes above are busy, no answer, invalid number or
    cancelled; any other failure (other 4xx, 5xx, 6xx, or a code we cannot read) failed.
    """
    if 200 <= code < 300:
        return DialStatus.ANSWERED
    return _BY_CODE.get(code, DialStatus.FAILED)
