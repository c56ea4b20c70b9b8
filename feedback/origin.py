"""
Same-origin check for the feedback form, in place of a CSRF token.

Readers' pages carry no per-reader token or cookie, so shared caches may keep them (see ``pagecache``). The
form has nothing a forged post could abuse: no login stands behind it, and anyone may answer it directly. What
remains is another site making its visitors' browsers post answers for it; every current browser names the
page's origin in an ``Origin`` header on a cross-site ``POST`` (and usually in ``Referer``), so a post naming
another origin is refused. A client that sends neither is not a browser on another site's page, and like any
client it is throttled.
"""

from urllib.parse import urlsplit

from django.conf import settings


def _origin(url):
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def trusted_origins(request):
    return {f"{request.scheme}://{request.get_host()}".lower(), *(o.lower() for o in settings.CSRF_TRUSTED_ORIGINS)}


def from_another_site(request):
    """True when the request says it comes from a page of another origin (or hides its origin as ``null``)."""
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None:
        return origin.strip().lower() not in trusted_origins(request)
    referer = request.META.get("HTTP_REFERER")
    if referer:
        return _origin(referer) not in trusted_origins(request)
    return False
