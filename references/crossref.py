"""
A work's metadata from Crossref, by DOI: what "Fill from DOI" uses.

The server may have no internet connection; every failure becomes a :class:`CrossrefError` whose message
says in plain words what happened, for the admin to show. Nothing here writes to the database.
"""

import json
from html import unescape
from urllib.error import HTTPError, URLError
from urllib.parse import quote
from urllib.request import Request, urlopen

from django.conf import settings
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from ivig_site.numbers import whole_number

from . import records
from .identifiers import normalize_doi
from .records import Name, Reference, calendar_date, clean_text, normalize_pages

MAX_BYTES = 2 * 1024 * 1024
KINDS = {
    "journal-article": records.JOURNAL_ARTICLE,
    "book": records.BOOK,
    "monograph": records.BOOK,
    "edited-book": records.BOOK,
    "reference-book": records.BOOK,
    "book-chapter": records.BOOK_CHAPTER,
    "book-section": records.BOOK_CHAPTER,
    "book-part": records.BOOK_CHAPTER,
    "report": records.REPORT,
    "report-component": records.REPORT,
    "standard": records.GUIDELINE,
}


class CrossrefError(Exception):
    """Crossref could not be asked or did not answer usefully; ``str()`` is a message for the editor."""


def fetch(doi):
    """The reference Crossref holds for ``doi``."""
    doi = normalize_doi(doi)
    base = settings.CROSSREF_API_URL
    if not base.startswith(("https://", "http://")):
        raise CrossrefError(_("CROSSREF_API_URL must be an http(s) address."))
    headers = {"User-Agent": f"{settings.SITE_NAME} (reference import)", "Accept": "application/json"}
    if settings.CROSSREF_MAILTO:
        headers["User-Agent"] += f" mailto:{settings.CROSSREF_MAILTO}"
    request = Request(base.rstrip("/") + "/" + quote(doi, safe="/"), headers=headers)
    try:
        with urlopen(request, timeout=settings.CROSSREF_TIMEOUT) as response:
            body = response.read(MAX_BYTES)
    except HTTPError as error:
        if error.code == 404:
            raise CrossrefError(
                _("Crossref does not know the DOI %(doi)s. Check it for typos.") % {"doi": doi}
            ) from error
        raise CrossrefError(
            _("Crossref answered with an error (HTTP %(code)d). Try again later, or fill the fields by hand.")
            % {"code": error.code}
        ) from error
    except (URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise CrossrefError(
            _("Could not reach Crossref (%(reason)s). This server may have no internet connection; fill the "
              "fields by hand.") % {"reason": reason}
        ) from error  # fmt: skip
    try:
        message = json.loads(body)["message"]
        return reference_from_crossref(message)
    except (ValueError, KeyError, TypeError, IndexError) as error:
        raise CrossrefError(_("Crossref’s answer could not be read. Fill the fields by hand.")) from error


def _text(value):
    if isinstance(value, list):
        value = value[0] if value else ""
    return clean_text(strip_tags(unescape(str(value or ""))))


def _date(message):
    for name in ("published-print", "published-online", "issued"):
        parts = (message.get(name) or {}).get("date-parts") or [[]]
        parts = [part for part in parts[0] if part is not None]
        if parts:
            # A year out of range is kept, for the source's own check to name it; the date only if it is one.
            return whole_number(parts[0]), calendar_date(*parts[:3]) if len(parts) >= 3 else None
    return None, None


def reference_from_crossref(message):
    """A Crossref ``/works/{doi}`` message as a reference."""
    kind = KINDS.get(message.get("type", ""), records.JOURNAL_ARTICLE)
    reference = Reference(kind=kind, title=_text(message.get("title")))
    for author in message.get("author", []):
        if author.get("family"):
            reference.authors.append(Name(clean_text(author["family"]), clean_text(author.get("given", ""))))
        elif author.get("name"):
            reference.authors.append(Name(clean_text(author["name"])))
    # AMA prints NLM journal abbreviations, which have no full stops ("Front Immunol", not "Front. Immunol.").
    short = _text(message.get("short-container-title")).replace(".", "")
    full = _text(message.get("container-title"))
    reference.publication = short if kind == records.JOURNAL_ARTICLE and short else full
    if kind != records.JOURNAL_ARTICLE:
        reference.publisher = _text(message.get("publisher"))
    reference.year, reference.published_on = _date(message)
    reference.volume = _text(message.get("volume"))
    reference.issue = _text(message.get("issue"))
    reference.pages = normalize_pages(_text(message.get("page")) or _text(message.get("article-number")))
    reference.doi = normalize_doi(_text(message.get("DOI")))
    return reference
