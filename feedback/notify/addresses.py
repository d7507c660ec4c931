"""Where a hook may post: http(s) to public addresses only, unless WEBHOOK_ALLOW_PRIVATE.

A hook's URL is typed by a person; without this check it could make the worker post to
the service's own network (a database's HTTP port, a cloud's metadata address). The host
is resolved and every address it has must be public, at creation and again before each
send (a name may point elsewhere later).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from flask_babel import gettext as _


class RefusedAddress(ValueError):
    """The URL may not be posted to; the message says why, for the person who typed it."""


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        # an IPv4 address inside an IPv6 one (mapped, or 6to4) is where the packets go
        address = address.ipv4_mapped or address.sixtofour or address
    # is_global also refuses shared address space (100.64.0.0/10), where clouds such as
    # Alibaba's put their metadata service (100.100.100.200)
    return address.is_global and not (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


def check_peer(address: str) -> None:
    """Raise RefusedAddress unless the address a connection reached is public: the name
    may have resolved differently since check_url (DNS rebinding)."""
    parsed = ipaddress.ip_address(address.split("%", 1)[0])
    if not _is_public(parsed):
        raise RefusedAddress(
            _(
                "%(host)s is a loopback, private or link-local address (%(address)s); "
                "hooks may only post to public addresses.",
                host=address,
                address=str(parsed),
            )
        )


def check_url(url: str, allow_private: bool) -> None:
    """Raise RefusedAddress unless ``url`` is http(s) with a host whose every address is
    public (or ``allow_private``)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise RefusedAddress(_("This is not a valid URL.")) from exc
    if parts.scheme not in ("http", "https") or not host:
        raise RefusedAddress(_("Only http:// and https:// URLs with a host can be used."))
    if "@" in parts.netloc:
        # urllib does not send them (every delivery would fail), and the hook's page and
        # the admins' emails show the URL
        raise RefusedAddress(
            _(
                "A URL with a user name or password cannot be used; put the receiver's "
                "token in its path or query instead."
            )
        )
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise RefusedAddress(_("The host %(host)s cannot be found.", host=host)) from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not _is_public(address):
            raise RefusedAddress(
                _(
                    "%(host)s is a loopback, private or link-local address (%(address)s); "
                    "hooks may only post to public addresses.",
                    host=host,
                    address=str(address),
                )
            )
