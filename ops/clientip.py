"""The address of the reader or editor behind a request, whether or not a reverse proxy is in front."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """
    ``REMOTE_ADDR`` when nothing stands in front of the site; behind ``settings.PROXY_COUNT`` reverse
    proxies, the address the outermost of them saw.

    Each proxy appends the address it received the request from to ``X-Forwarded-For``, so the entry
    ``PROXY_COUNT`` places from the right is the one our own outermost proxy wrote. Entries further
    left come from the client and may be forged; they are never read.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = getattr(settings, "PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote
