"""Who is asking: the client's address behind the trusted reverse proxies.

One answer for everything that counts or locks out by client: the API's rate limit and the admin
login lockout (`AXES_CLIENT_IP_CALLABLE`).
"""

import functools
import ipaddress

from django.conf import settings


@functools.lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """`text` as an IP address, an IPv4-mapped IPv6 one (`::ffff:127.0.0.1`) as IPv4; else None."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_ip(request) -> str | None:
    """The client's address, for the API rate limit and the admin login lockout alike.

    The peer's address, unless the peer is one of `TRUSTED_PROXIES`. Then X-Forwarded-For is
    read from the right: each proxy appends the address it got the request from, so entries
    that are trusted proxies too are skipped and the first other one is the client. Whatever
    stands left of it, and the whole header from any other peer, may be forged by the client.
    """
    remote_addr = request.META.get("REMOTE_ADDR")
    peer = _address(remote_addr or "")
    if peer is None:
        return remote_addr
    proxies = _networks(tuple(settings.TRUSTED_PROXIES))
    client = peer
    if any(peer in network for network in proxies):
        for entry in reversed(request.headers.get("x-forwarded-for", "").split(",")):
            address = _address(entry)
            if address is None:  # not written by one of our proxies: keep the last address that was
                break
            client = address
            if not any(address in network for network in proxies):
                break
    return str(client)
