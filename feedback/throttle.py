"""A per-client limit on how often something may be done, kept in Django's cache."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def client_key(request, scope):
    # Hashed, so the cache never holds readers' addresses.
    address = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()
    return f"throttle:{scope}:{digest}"


def allow(request, scope, *, limit, period):
    """Count one attempt for this client; ``False`` once it made more than ``limit`` within ``period`` seconds."""
    key = client_key(request, scope)
    cache.add(key, 0, timeout=period)
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=period)
        attempts = 1
    return attempts <= limit
