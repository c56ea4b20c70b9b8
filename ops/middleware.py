"""Request-level guards and headers that apply to every page, the admin included."""

import logging
import re
import uuid

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpResponseBadRequest

from . import health
from .logs import request_id_var

logger = logging.getLogger("ops.requests")

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class HealthCheckMiddleware:
    """
    ``/healthz`` for a load balancer, answered before host validation and the HTTPS redirect: a load
    balancer asks over plain HTTP, by address, and needs only a status code.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            return health.healthz(request)
        return self.get_response(request)


class RequestIdMiddleware:
    """
    Give every request an id, put it in every log line written while serving it and in the
    ``X-Request-ID`` response header. Behind our proxy (``PROXY_COUNT`` > 0) the proxy's id is kept, so
    one id follows a request through the proxy's and the application's logs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "") if settings.PROXY_COUNT > 0 else ""
        request.id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request.id
        return response


def _has_nul(values):
    return any("\x00" in value for value in values)


class RejectNulBytesMiddleware:
    """
    Answer 400 to a request whose address, query, form fields or cookies contain a NUL character.

    No reader or editor types one; PostgreSQL cannot store or even compare text holding one, so
    without this guard such a request would reach a query and end in a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._is_hostile(request):
            logger.warning("Refused a request with a NUL character: %s %s", request.method, request.path_info[:200])
            return HttpResponseBadRequest(
                "Bad request: the address or the form contained a character that is not allowed.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)

    def _is_hostile(self, request):
        if "\x00" in request.path_info:
            return True
        if _has_nul(request.GET.keys()) or _has_nul(value for _, values in request.GET.lists() for value in values):
            return True
        if _has_nul(request.COOKIES.keys()) or _has_nul(request.COOKIES.values()):
            return True
        if request.method == "POST" and request.content_type in {
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        }:
            fields = request.POST
            return _has_nul(fields.keys()) or _has_nul(value for _, values in fields.lists() for value in values)
        return False


class PermissionsPolicyMiddleware:
    """Tell browsers that no page of ours uses the camera, microphone, location, payments and the like."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """
    django-csp's middleware with two policies: ``CONTENT_SECURITY_POLICY`` (our own origin only, no inline
    script) for readers' pages, and ``ADMIN_CONTENT_SECURITY_POLICY`` for the staff-only admin, where Django's
    admin templates and CKEditor 4 need inline scripts and styles.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only or parts.config is not None:
            return parts
        if request.path_info.startswith(settings.ADMIN_URL_PREFIX):
            return PolicyParts(
                settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"], parts.update, parts.replace, parts.nonce
            )
        return parts
