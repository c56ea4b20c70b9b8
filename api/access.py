"""
Who is asking, and how often they may: partners with an API key, everyone else as an anonymous client.

Both limits count in the shared cache (Redis in production), so every worker and machine counts together.
Anonymous clients are told apart by their real address (:func:`ops.clientip.client_ip`), which is hashed
before it becomes a cache key; partners by their key. Every request made with a key is counted on the key.
"""

import hashlib
import math

from django.conf import settings
from rest_framework import authentication, exceptions, throttling
from rest_framework_api_key.permissions import KeyParser

from ops.clientip import client_ip

from .models import PartnerKey


class PartnerKeyAuthentication(authentication.BaseAuthentication):
    """``Authorization: Api-Key <key>``. No header: anonymous. A wrong, revoked or expired key: 401."""

    keyword = "Api-Key"
    # For callers that cannot send headers (an HL7 Infobutton URL): the query parameter that may carry the key.
    query_parameter = None

    def authenticate(self, request):
        key = KeyParser().get(request._request)
        if not key and self.query_parameter:
            key = request._request.GET.get(self.query_parameter, "").strip()
        if not key:
            return None
        try:
            partner = PartnerKey.objects.get_from_key(key)
        except PartnerKey.DoesNotExist:
            partner = None
        if partner is None or partner.has_expired or partner.revoked:
            raise exceptions.AuthenticationFailed("This API key is not valid: it is unknown, revoked or expired.")
        return (None, partner)

    def authenticate_header(self, request):
        return self.keyword


class _RateThrottle(throttling.SimpleRateThrottle):
    """A throttle whose rate is read from the settings at request time (so tests and admins can change it)."""

    setting = None

    def __init__(self):
        pass  # the rate depends on the request, see allow_request

    def allow_request(self, request, view):
        self.rate = self.rate_for(request)
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def rate_for(self, request):
        return getattr(settings, self.setting)


# A view's ``anonymous_budget`` → the setting with its rate. Each budget counts apart, so a client reading the
# documentation does not use up its API requests, nor an EHR's Infobutton requests those of the API.
ANONYMOUS_BUDGETS = {
    "api": "API_ANONYMOUS_RATE",
    "infobutton": "INFOBUTTON_ANONYMOUS_RATE",
    "docs": "API_DOCS_ANONYMOUS_RATE",
}


class AnonymousRateThrottle(_RateThrottle):
    scope = "anonymous"

    def allow_request(self, request, view):
        self.budget = getattr(view, "anonymous_budget", "api")
        return super().allow_request(request, view)

    def rate_for(self, request):
        if isinstance(request.auth, PartnerKey):
            return None
        return getattr(settings, ANONYMOUS_BUDGETS[self.budget])

    def get_cache_key(self, request, view):
        address = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
        prefix = "api:throttle:anonymous" if self.budget == "api" else f"api:throttle:anonymous:{self.budget}"
        return f"{prefix}:{address}"


class PartnerKeyRateThrottle(_RateThrottle):
    scope = "partner"
    setting = "API_KEY_RATE"

    def rate_for(self, request):
        partner = request.auth
        if not isinstance(partner, PartnerKey):
            return None
        return f"{partner.rate_limit}/hour" if partner.rate_limit else super().rate_for(request)

    def get_cache_key(self, request, view):
        return f"api:throttle:key:{request.auth.pk}"

    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)
        if isinstance(request.auth, PartnerKey):
            request.auth.count_request(refused=not allowed)
        return allowed


def exception_handler(exc, context):
    """
    DRF's error answers (``detail``, ``Retry-After``, ``WWW-Authenticate``) without its rollback of the request's
    transaction: the API only reads and runs outside one, and a key's count of refused requests must stay.
    """
    from django.core.exceptions import PermissionDenied
    from django.http import Http404
    from rest_framework.response import Response

    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(math.ceil(exc.wait))
    if isinstance(exc.detail, dict):  # a parameter's problem: said once in words, and by name
        said = "; ".join(f"{name}: {' '.join(map(str, problems))}" for name, problems in exc.detail.items())
        data = {"detail": said, **exc.detail}
    elif isinstance(exc.detail, list):
        data = {"detail": " ".join(map(str, exc.detail))}
    else:
        data = {"detail": exc.detail}
    return Response(data, status=exc.status_code, headers=headers)
