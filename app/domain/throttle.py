"""Rules that slow down password guessing without letting a stranger keep a user out.

- An account's failures in a row make each next attempt wait longer (30 s, 1 min, 2 min... up to a cap),
  rather than locking it: a guesser gets a handful of tries an hour, and the wait ends by itself.
- During that wait the right password still opens the account from a browser that signed in to it before
  (it carries a device mark signed with the app's secret): knowing someone's e-mail is not enough to keep
  them out of their own account.
- A client address that fails too often is refused for a while, whichever accounts it tries. The address is
  the socket's, or the one a trusted proxy reports, never a header any client could write.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(raw: str) -> tuple[Network, ...]:
    """`10.0.0.1, 172.16.0.0/12` as networks; a word that is no address is left out."""
    networks = []
    for word in raw.replace(";", ",").split(","):
        try:
            networks.append(ipaddress.ip_network(word.strip(), strict=False))
        except ValueError:
            continue
    return tuple(networks)


def _address(raw: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(raw.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None, proxies: Iterable[Network]) -> bool:
    return address is not None and any(address in network for network in proxies)


def client_address(peer: str | None, forwarded_for: str | None, trusted_proxies: Iterable[Network]) -> str:
    """Who is asking. The socket's peer, unless it is a trusted proxy: then the nearest address in its
    X-Forwarded-For that is not a trusted proxy itself (the ones before it were written by the client)."""
    proxies = tuple(trusted_proxies)
    peer_address = _address(peer or "")
    if not _trusted(peer_address, proxies) or not forwarded_for:
        return str(peer_address) if peer_address is not None else (peer or "")[:64]
    for hop in reversed(forwarded_for.split(",")):
        hop_address = _address(hop)
        if hop_address is None:
            break
        if not _trusted(hop_address, proxies):
            return str(hop_address)
    return str(peer_address)


def address_key(address: str) -> str:
    """What an address is counted under: an IPv6 client owns its whole /64, so it counts as one."""
    parsed = _address(address)
    if parsed is None:
        return address[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def account_delay(failures: int, *, free: int, first: timedelta, longest: timedelta) -> timedelta:
    """How long an account waits after its `failures`-th failure in a row: nothing for the first `free - 1`,
    then `first`, doubling with each further failure up to `longest`."""
    if failures < free:
        return timedelta(0)
    doublings = min(failures - free, 30)
    return min(longest, first * (2 ** doublings))


def streak_is_over(now: datetime, last_failure: datetime | None, waiting_until: datetime | None,
                   quiet: timedelta) -> bool:
    """Failures count as a row until the account has been left alone for `quiet` after its last failure
    and after the end of its wait: a guesser who waits out each delay keeps the delays growing."""
    if last_failure is None:
        return True
    calm_since = max(last_failure, waiting_until) if waiting_until is not None else last_failure
    return now - calm_since > quiet


# A browser that signed in to an account before --------------------------------------------------


def _mac(secret: str, user_id: int, nonce: str) -> str:
    return hmac.new(secret.encode(), f"device:{user_id}:{nonce}".encode(), hashlib.sha256).hexdigest()[:32]


def device_mark(secret: str, user_id: int) -> str:
    """What a browser keeps after signing in to the account, to be known again during a wait."""
    nonce = secrets.token_urlsafe(12)
    return f"{user_id}.{nonce}.{_mac(secret, user_id, nonce)}"


def device_knows(secret: str, mark: object, user_id: int) -> bool:
    if not isinstance(mark, str) or len(mark) > 120 or mark.count(".") != 2:
        return False
    owner, nonce, mac = mark.split(".")
    return owner == str(user_id) and hmac.compare_digest(mac, _mac(secret, user_id, nonce))
