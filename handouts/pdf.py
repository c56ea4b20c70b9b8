"""
HTML to an accessible PDF with WeasyPrint: tagged (PDF/UA-1), with the document's language and title, and
made from our own files only. A handout may print text an editor wrote, so nothing it names is fetched from
the network: stylesheets and images come from our static files or uploads, everything else is refused.
"""

import hashlib
import mimetypes
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.core.files.storage import default_storage
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

PDF_VARIANT = "pdf/ua-1"
# Readers' handouts are kept in the shared cache this long, keyed by their HTML (see cached_pdf).
CACHE_SECONDS = 24 * 60 * 60
CACHE_KEY_PREFIX = "handout:"


class RefusedURL(ValueError):
    """A handout named something that is not one of our static files or uploads."""


def _prefix(url_setting):
    return urlsplit(url_setting).path.rstrip("/") + "/"


def _relative_name(path, prefix):
    """``path`` below ``prefix``, or ``None`` if it is not below it or tries to climb out."""
    if not path.startswith(prefix):
        return None
    name = PurePosixPath(unquote(path.removeprefix(prefix)))
    if not name.parts or name.is_absolute() or ".." in name.parts:
        return None
    return str(name)


class LocalFilesFetcher(URLFetcher):
    """Serves WeasyPrint our static files and uploads, read from disk or storage; refuses any other URL."""

    def __init__(self, origin, **kwargs):
        super().__init__(**kwargs)
        self.origin = origin

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            raise RefusedURL(f"A handout loads nothing from other sites: {url}")
        content = self._static(parts.path) or self._upload(parts.path)
        if content is None:
            raise RefusedURL(f"Not one of our static files or uploads: {url}")
        content_type = mimetypes.guess_type(parts.path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, content, headers={"Content-Type": content_type})

    @staticmethod
    def _static(path):
        name = _relative_name(path, _prefix(settings.STATIC_URL))
        if name is None:
            return None
        # The files in the source tree, else collectstatic's output (where production's hashed names are).
        found = finders.find(name)
        if found:
            with open(found, "rb") as file:
                return file.read()
        if staticfiles_storage.exists(name):
            with staticfiles_storage.open(name) as file:
                return file.read()
        return None

    @staticmethod
    def _upload(path):
        name = _relative_name(path, _prefix(settings.MEDIA_URL))
        if name is None or not default_storage.exists(name):
            return None
        with default_storage.open(name) as file:
            return file.read()


def render_pdf(html, base_url):
    """
    ``html`` (a whole document with ``lang`` and ``<title>``) as tagged PDF bytes. Relative addresses are
    resolved against ``base_url`` (the page's own address, so links in the PDF lead to the site).
    """
    parts = urlsplit(base_url)
    fetcher = LocalFilesFetcher(origin=f"{parts.scheme}://{parts.netloc}")
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT)


def cached_pdf(html, base_url):
    """
    :func:`render_pdf` through the shared cache. The key is a hash of the HTML itself, so any change to what
    the handout prints (an edit published, a source unpublished, the date) makes a new one: a cached PDF can
    never show what the page no longer shows. It spares the CPU of a second rendering of the same handout.
    """
    key = CACHE_KEY_PREFIX + hashlib.sha256(f"{PDF_VARIANT}\n{base_url}\n{html}".encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_pdf(html, base_url)
        cache.set(key, pdf, CACHE_SECONDS)
    return pdf
