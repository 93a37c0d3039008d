"""Who is calling: the client's IP, honouring X-Forwarded-For only from trusted proxies."""

from __future__ import annotations

import ipaddress

from starlette.requests import Request


def client_ip(request: Request, trusted_proxies: list[str]) -> str:
    peer = request.client.host if request.client else ""
    if not trusted_proxies or not peer:
        return peer
    networks = [ipaddress.ip_network(proxy, strict=False) for proxy in trusted_proxies]

    def trusted(address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in networks)

    if not trusted(peer):
        return peer
    forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",")]
    # Walk from the nearest hop back; the first untrusted address is the client.
    for address in reversed([part for part in forwarded if part]):
        if not trusted(address):
            return address
    return peer
