"""
A per-client limit on how often something may be done, counted in Django's cache.

The cache is shared by every worker and machine in production (Redis, see ``CACHE_URL``), so a limit
holds however many processes serve the site; the client is its real address behind our proxy.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

from ops.clientip import client_ip


def client_key(request, scope):
    # Hashed, so the cache never holds readers' addresses.
    address = client_ip(request)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()
    return f"throttle:{scope}:{digest}"


def allow(request, scope, *, limit, period):
    """Count one attempt for this client; ``False`` once it made more than ``limit`` within ``period`` seconds."""
    # One counter per client and fixed window of ``period`` seconds. It lives for two windows, so it cannot
    # expire between add() and incr() while its window lasts (an expired key would make incr() fail, or on
    # Redis restart the count without an expiry).
    window = int(time.time() // period)
    key = f"{client_key(request, scope)}:{window}"
    cache.add(key, 0, timeout=2 * period)
    try:
        attempts = cache.incr(key)
    except ValueError:  # evicted between add() and incr()
        cache.add(key, 1, timeout=2 * period)
        attempts = 1
    return attempts <= limit
