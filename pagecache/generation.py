"""
The content generation: one small value in the shared cache that every cached reader page's key includes.

Any change readers could notice replaces it with a new random token, so every page cached before the change
is unreachable at once, in every process that shares the cache. A token is never reused (an evicted key gets a
fresh one, not a counter starting again at 1), so an old page can never come back.

The value also says until when it holds: the earliest publication time still in the future of any published
record. When that moment passes, the record appears to readers without anyone touching the database, so the
generation is renewed then too.
"""

import time
import uuid

from django.core.cache import cache

from review.content import reviewed_models
from review.models import Status

GENERATION_KEY = "pagecache:generation"


def current():
    """``(token, created)`` of the generation in force now, starting a new one when the last was forgotten or a
    scheduled record has come due (one small query then, none otherwise)."""
    return _in_force(cache.get(GENERATION_KEY))


def current_with(*keys):
    """``(token, values)``: the generation's token and the cache entries under ``keys`` (a dict holding those
    found), read in one round trip."""
    found = cache.get_many([GENERATION_KEY, *keys])
    token, _created = _in_force(found.pop(GENERATION_KEY, None))
    return token, found


def _in_force(value):
    if value is None or value["until"] <= time.time():
        fresh = _fresh(_next_release())
        if value is None:
            # Several processes may start one at once: the first one's token wins, the others read it.
            if not cache.add(GENERATION_KEY, fresh, timeout=None):
                fresh = cache.get(GENERATION_KEY) or fresh
        else:
            cache.set(GENERATION_KEY, fresh, timeout=None)
        value = fresh
    return value["token"], value["created"]


def bump(release=None):
    """
    Make every cached reader page stale, in every process, with no query: the new generation holds until the
    old one's next release or ``release`` (a datetime: the changed record's future publication), the earlier.
    """
    value = cache.get(GENERATION_KEY)
    if value is None:
        refresh()  # the writer pays the query, not the next reader
        return
    until = value["until"]
    if release is not None:
        until = min(until, release.timestamp())
    cache.set(GENERATION_KEY, _fresh(until), timeout=None)


def refresh():
    """A new generation with its next release read from the database (after a commit, when the rows are final)."""
    cache.set(GENERATION_KEY, _fresh(_next_release()), timeout=None)


def _fresh(until):
    return {"token": uuid.uuid4().hex, "created": time.time(), "until": until}


def _next_release():
    """The earliest future publication time of a published record, as a timestamp (infinity when none)."""
    from django.utils import timezone

    now = timezone.now()
    querysets = [
        model.objects.filter(status=Status.PUBLISHED, published_at__gt=now)
        .values_list("published_at", flat=True)
        .order_by()
        for model in reviewed_models()
    ]
    times = list(querysets[0].union(*querysets[1:], all=True)) if querysets else []
    return min((moment.timestamp() for moment in times), default=float("inf"))
