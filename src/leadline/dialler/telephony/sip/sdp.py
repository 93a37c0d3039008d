"""SDP steps of third-party call control, on sippy's SDP model (no parsing of our own)."""

from __future__ import annotations

from sippy.MsgBody import MsgBody
from sippy.SdpBody import SdpBody

_DIRECTIONS = ("sendrecv", "sendonly", "recvonly", "inactive")


def held_answer(offer: str) -> str:
    """An answer to ``offer`` that accepts every stream but sends and receives nothing.

    When the agent's 200 OK carried the offer and the customer never answered, the
    ACK must still carry an answer (RFC 3261 §13.2.2.4) before the BYE: a black-hole
    connection address and ``a=inactive`` (RFC 3725 §4.2), so no media flows.
    """
    sdp = SdpBody(offer)
    for section in sdp.sections:
        if section.c_header is not None:
            section.c_header.atype = "IP4"
            section.c_header.addr = "0.0.0.0"  # noqa: S104 - SDP's hold address, nothing is bound
        section.a_headers = [a for a in section.a_headers if a.name not in _DIRECTIONS]
        section.addHeader("a", "inactive")
    return str(sdp)


def held_answer_body(offer: object) -> MsgBody:
    """``held_answer`` of a sippy message body, as a message body."""
    return MsgBody(SdpBody(held_answer(str(offer))))
