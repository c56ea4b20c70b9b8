"""
What wrong passwords on the admin login lock, and for whom. django-axes counts them (one row per username,
address and browser); the settings and this module decide what the count stops:

- **An address.** ``AXES_FAILURE_LIMIT`` wrong passwords from one address, for one username or many, stop every
  login from that address for ``AXES_COOLOFF_TIME`` (brute force from one machine). That includes a username
  guessed at from that address.
- **Never a username everywhere.** Anyone who knows an editor's username could otherwise lock the editor out
  by typing it wrongly five times. Guesses at one username spread over many addresses are slowed down instead
  (:func:`username_wait`): after ``LOGIN_SLOWDOWN_AFTER`` wrong passwords for it within the cool-off, each
  further try waits twice as long as the one before, up to ``LOGIN_SLOWDOWN_MAX_WAIT`` seconds, except from
  an address that username has logged in from before. The owner, from anywhere, waits at most that long.
- A successful login forgets that username's wrong passwords from that address only, so that an account of
  one's own cannot wipe out the count of guesses at others (or the slow-down of one's own name).
"""

import logging
import math
from datetime import timedelta

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

# The longest username axes' tables hold; longer ones (no account has one) are cut to it before axes writes.
USERNAME_MAX_LENGTH = AccessAttempt._meta.get_field("username").max_length


class LockoutBackend(AxesStandaloneBackend):
    """
    django-axes' lockout check, for logins made over HTTP. Every login form passes the request;
    ``authenticate()`` called without one (management commands, the test client's ``login()``) is
    not a login attempt from the network and is left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def attempted_username(request, credentials=None):
    """
    The username a login attempt gave, as axes records it (``AXES_USERNAME_CALLABLE``): the one the login form
    cleaned and passed to ``authenticate()``, else the one posted, cut to what axes' tables hold.
    """
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        username = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    return username[:USERNAME_MAX_LENGTH] if isinstance(username, str) else username


def username_wait(request, credentials=None):
    """
    Seconds before ``username`` may be tried again from this request's address (0: now). A username has a wait
    once it has had LOGIN_SLOWDOWN_AFTER wrong passwords within the cool-off, from any addresses: then each try
    waits twice as long as the last, counted from the latest wrong password. An address the username has
    logged in from before never waits.
    """
    username = get_client_username(request, credentials)
    if not username:
        return 0
    since = get_cool_off_threshold(request)
    failures = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        count=Sum("failures_since_start"), latest=Max("attempt_time")
    )
    beyond = (failures["count"] or 0) - settings.LOGIN_SLOWDOWN_AFTER
    if beyond < 0:
        return 0
    if AccessLog.objects.filter(username=username, ip_address=request.axes_ip_address).exists():
        return 0
    wait = min(2 ** min(beyond, 32), settings.LOGIN_SLOWDOWN_MAX_WAIT)
    remaining = failures["latest"] + timedelta(seconds=wait) - request.axes_attempt_time
    return max(0, math.ceil(remaining.total_seconds()))


class LoginAttempts(AxesDatabaseHandler):
    """django-axes' database handler, with the slow-down per username and the narrower reset described above."""

    def is_locked(self, request, credentials=None):
        if super().is_locked(request, credentials):
            return True
        request.login_wait = username_wait(request, credentials)
        if request.login_wait:
            logger.warning(
                "Slowed down a login for a username with many recent wrong passwords: %d seconds to wait.",
                request.login_wait,
            )
        return request.login_wait > 0

    def reset_user_attempts(self, request, credentials=None):
        username = get_client_username(request, credentials)
        count, _deleted = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return count


def lockout_response(request, original_response=None, credentials=None):
    """The page a refused login gets (``AXES_LOCKOUT_CALLABLE``): 429, saying why and for how long."""
    wait = getattr(request, "login_wait", 0)
    now = timezone.now()
    if wait:
        how_long = ngettext("%(count)d second", "%(count)d seconds", wait) % {"count": wait}
        if wait >= 60:
            how_long = timeuntil(now + timedelta(seconds=wait), now)
    else:
        how_long = timeuntil(now + get_cool_off(request), now)
    context = {"failure_limit": get_failure_limit(request, credentials), "slowed": bool(wait), "how_long": how_long}
    response = render(request, "ops/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
    response["Retry-After"] = str(wait or int(get_cool_off(request).total_seconds()))
    return response
