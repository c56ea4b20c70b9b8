"""
Reader pages served from Django's cache (local memory on a laptop, Redis in production).

A page is cached only for a reader who carries no login and no pending message (no session or messages cookie),
only when the view answered ``200`` to a ``GET`` without setting a cookie, and only for the pages listed in
:data:`CACHED_NAMESPACES` and :data:`CACHED_URL_NAMES` (previews excepted): staff, previews and forms never
enter the cache. Each page is stored with the content generation it was built in (:mod:`pagecache.generation`)
and served only while that generation is in force, so a published change reaches every page at once; its key
includes the date, so nothing that depends on the day outlives it. The generation and the page are read in one
round trip to the cache.

Every reader page gets an ``ETag`` (a hash of its bytes) and a ``Last-Modified``, and a conditional ``GET``
that still matches gets ``304 Not Modified``. ``Cache-Control: public, max-age=0, must-revalidate`` lets a
shared cache or CDN keep the page but makes it ask us before every reuse: the answer is a cheap ``304`` from
our cache while the page is unchanged, and the new page (or a ``404``) at once after a change or an unpublish,
which a ``max-age`` or ``s-maxage`` of even a minute would not guarantee.

The middleware sits near the top of the stack, below only the health check, the request id, the security,
static-file and NUL-byte middleware: a hit is answered there, without the session, CSRF, authentication and the
rest, and without resolving the URL. It puts live any scheduled new version whose time has come before it looks
up a page (the check the scheduled-publication middleware below makes for every other request), reading the
time of the next one in the same round trip as the page. What those layers add to a page (the content
security policy, the frame and permissions policies, the validators) is stored with it when the page leaves the
stack, and replayed. A page is stored only once the whole stack has answered ``200``, so an address the inner
layers refuse (a redirect, a missing page) never enters the cache, and the key holds the scheme and host.
"""

import hashlib
from email.utils import formatdate

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control

from review import workflow

from . import generation

CACHED_NAMESPACES = frozenset({"articles", "pages", "search", "references"})
CACHED_URL_NAMES = frozenset({"sitemap", "sitemap_section", "robots"})
PAGE_TIMEOUT = 24 * 60 * 60
KEY_PREFIX = "pagecache:page"
# Headers that belong to one response, not to the page: set again for every request (or never stored).
_UNSTORED_HEADERS = frozenset({"set-cookie", "x-request-id", "x-page-cache", "date"})


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
        key = self._key(request)
        if key is not None:
            # One round trip: the generation, the next scheduled publication and the page.
            token, found = generation.current_with(key, workflow.NEXT_DUE_KEY)
            if workflow.publish_due(next_due=found.get(workflow.NEXT_DUE_KEY)):
                token, _created = generation.current()  # what just went live started a new generation
            elif (entry := found.get(key)) is not None and entry[0] == token:
                return self._replay(request, entry[1:])
        response = self.get_response(request)
        if not getattr(request, "_page_cache_eligible", False):
            return response
        if key is not None and request.method == "GET" and self._storable(request, response):
            # Under the generation read before the page was built: if a change came in between, it is stale.
            self._store(key, token, response)
        if response.status_code == 200 and not response.streaming:
            self._add_validators(response)
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
        return None

    @staticmethod
    def _key(request):
        """The cache key of this request's page, or None when it may not be answered from the cache."""
        if not settings.PAGE_CACHE or request.method not in ("GET", "HEAD") or not reader_without_state(request):
            return None
        try:
            host = request.get_host()
        except DisallowedHost:
            return None  # the stack below answers 400
        address = f"{request.scheme}://{host}{request.get_full_path()}"
        digest = hashlib.sha256(address.encode()).hexdigest()
        return f"{KEY_PREFIX}:{timezone.localdate().isoformat()}:{digest}"

    @staticmethod
    def _storable(request, response):
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        # Cookies set on the way out: a CSRF token used by the page, a session written.
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return False
        session = getattr(request, "session", None)
        if session is not None and session.modified:
            return False
        control = response.get("Cache-Control", "").lower()
        return not any(word in control for word in ("no-cache", "no-store", "private"))

    def _store(self, key, token, response):
        self._add_validators(response)
        headers = {name: value for name, value in response.items() if name.lower() not in _UNSTORED_HEADERS}
        cache().set(key, (token, response.status_code, response.content, headers), timeout=PAGE_TIMEOUT)
        response["X-Page-Cache"] = "miss"

    @staticmethod
    def _replay(request, entry):
        status, content, headers = entry
        response = HttpResponse(content, status=status, headers=headers)
        response["X-Page-Cache"] = "hit"
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=_timestamp(response), response=response
        )

    @staticmethod
    def _add_validators(response):
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


class TextCompressionMiddleware(GZipMiddleware):
    """
    Django's ``GZipMiddleware`` (with its BREACH mitigation) for text only: pages, feeds, sitemaps, JSON. Images,
    PDF handouts and other uploads are compressed already; gzipping them would cost time and save nothing. It sits
    above the page cache, which stores pages plain, so a page from the cache is compressed like a fresh one, and
    ``Vary: Accept-Encoding`` tells shared caches to keep the two answers apart.
    """

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").partition(";")[0].strip().lower()
        if content_type.startswith("text/") or content_type.endswith(("json", "xml", "javascript")):
            return super().process_response(request, response)
        return response
