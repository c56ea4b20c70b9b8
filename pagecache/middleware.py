"""
Reader pages served from Django's cache (local memory on a laptop, Redis in production).

A page is cached only for a reader who carries no login and no pending message (no session or messages cookie),
only when the view answered ``200`` to a ``GET`` without setting a cookie, and only for the pages listed in
:data:`CACHED_NAMESPACES` and :data:`CACHED_URL_NAMES` (previews excepted): staff, previews and forms never
enter the cache. Keys include the content generation (:mod:`pagecache.generation`), so a published change
reaches every page at once, and the date, so nothing that depends on the day outlives it.

Every reader page gets an ``ETag`` (a hash of its bytes) and a ``Last-Modified``, and a conditional ``GET``
that still matches gets ``304 Not Modified``. ``Cache-Control: public, max-age=0, must-revalidate`` lets a
shared cache or CDN keep the page but makes it ask us before every reuse: the answer is a cheap ``304`` from
our cache while the page is unchanged, and the new page (or a ``404``) at once after a change or an unpublish,
which a ``max-age`` or ``s-maxage`` of even a minute would not guarantee.
"""

import hashlib
from email.utils import formatdate

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control

from . import generation

CACHED_NAMESPACES = frozenset({"articles", "pages", "search", "references"})
CACHED_URL_NAMES = frozenset({"sitemap", "sitemap_section", "robots"})
PAGE_TIMEOUT = 24 * 60 * 60
KEY_PREFIX = "pagecache:page"
_KEPT_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Content-Disposition",
    "Link",
    "ETag",
    "Last-Modified",
    "Cache-Control",
)


def is_cached_view(match):
    if match is None or match.url_name is None or match.url_name.endswith("_preview"):
        return False
    return match.namespace in CACHED_NAMESPACES or (not match.namespace and match.url_name in CACHED_URL_NAMES)


def reader_without_state(request):
    """A reader whose page cannot depend on who they are: no login session, no message waiting to be shown."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._page_cache_key = None
        response = self.get_response(request)
        key = request._page_cache_key
        if key is not None and self._storable(request, response):
            self._store(key, response)
        if getattr(request, "_page_cache_eligible", False) and response.status_code == 200 and not response.streaming:
            self._add_validators(request, response)
            response = get_conditional_response(
                request, etag=response["ETag"], last_modified=_timestamp(response), response=response
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in ("GET", "HEAD") or not reader_without_state(request):
            return None
        if not is_cached_view(request.resolver_match):
            return None
        request._page_cache_eligible = True
        # Without a session cookie nobody is logged in; saying so spares the session lookup, which would
        # otherwise add "Vary: Cookie" and keep shared caches from storing the page.
        request.user = AnonymousUser()
        if not settings.PAGE_CACHE:
            return None
        token, _created = generation.current()
        key = self._key(request, token)
        entry = cache().get(key)
        if entry is None:
            if request.method == "GET":
                request._page_cache_key = key
            return None
        status, content, headers = entry
        response = HttpResponse(content, status=status, headers=headers)
        response["X-Page-Cache"] = "hit"
        return response

    @staticmethod
    def _key(request, token):
        address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        digest = hashlib.sha256(address.encode()).hexdigest()
        return f"{KEY_PREFIX}:{token}:{timezone.localdate().isoformat()}:{digest}"

    @staticmethod
    def _storable(request, response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        # Cookies set on the way out, below us in the stack: a CSRF token used by the page, a session written.
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return False
        session = getattr(request, "session", None)
        if session is not None and session.modified:
            return False
        control = response.get("Cache-Control", "").lower()
        return not any(word in control for word in ("no-cache", "no-store", "private"))

    def _store(self, key, response):
        self._add_validators(None, response)
        response["X-Page-Cache"] = "miss"
        # Security headers are added again on the way out by the middleware below this one.
        headers = {name: response[name] for name in _KEPT_HEADERS if name in response}
        cache().set(key, (response.status_code, response.content, headers), timeout=PAGE_TIMEOUT)

    @staticmethod
    def _add_validators(request, response):
        if not response.has_header("ETag"):
            response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = formatdate(timezone.now().timestamp(), usegmt=True)
        if "no-cache" not in response.get("Cache-Control", ""):
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)


def _timestamp(response):
    from django.utils.http import parse_http_date_safe

    return parse_http_date_safe(response["Last-Modified"])


def cache():
    from django.core.cache import caches

    return caches["default"]


class AtomicWritesMiddleware:
    """
    One transaction around the view of each request that may write (anything but GET, HEAD and OPTIONS),
    rolled back when the view raises, exactly as ``ATOMIC_REQUESTS`` did. Readers' pages only read and skip
    it: they pay no ``BEGIN``/``COMMIT`` and hold no transaction open while the template renders. Last among
    the middleware with a ``process_view``, so every other one has run when it calls the view.
    """

    SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in self.SAFE_METHODS or getattr(view_func, "_non_atomic_requests", None):
            return None
        with transaction.atomic():
            return view_func(request, *view_args, **view_kwargs)
