"""
Sources printed the way medical publishers print them.

AMA (AMA Manual of Style, 11th edition) is the default; Vancouver (NLM's *Citing Medicine*) is chosen with
``CITATION_STYLE = "vancouver"``. :func:`format_source` gives safe HTML (journal and book titles in
``<cite>``, the DOI or address as a link) or, with ``html=False``, the same reference as plain text.

AMA, in short: up to 6 authors as "Surname AB"; more than 6 as the first 3 and "et al". The title as
entered (sentence case). Journal abbreviation in italics; ``year;volume(issue):pages``; ``doi:…``. Web
pages and guidelines: author, title, site, "Published …", "Accessed Month D, YYYY", address.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import override

from . import records
from .identifiers import doi_url
from .records import Reference, abbreviate_pages

AMA, VANCOUVER = "ama", "vancouver"
STYLES = (AMA, VANCOUVER)


@dataclass(frozen=True)
class Italic:
    text: str


@dataclass(frozen=True)
class Link:
    text: str
    href: str


def format_source(source, style=None, html=True):
    """``source`` (a saved Source) as a reference in ``style``; its authors should be prefetched."""
    return format_reference(Reference.from_source(source), style=style, html=html)


def format_reference(reference, style=None, html=True):
    style = style or settings.CITATION_STYLE
    with override(settings.LANGUAGE_CODE):  # the styles are English ("Accessed April 10, 2025") on every page
        elements = {AMA: _ama, VANCOUVER: _vancouver}[style](reference)
    pieces = []
    for element in (element for element in elements if element):
        if pieces:
            pieces.append(" ")
        pieces.extend(element)
    return _as_html(pieces) if html else "".join(getattr(piece, "text", piece) for piece in pieces)


def _as_html(pieces):
    parts = []
    for piece in pieces:
        if isinstance(piece, Italic):
            parts.append(format_html("<cite>{}</cite>", piece.text))
        elif isinstance(piece, Link) and piece.href.startswith(("https://", "http://")):
            parts.append(format_html('<a href="{}">{}</a>', piece.href, piece.text))
        else:
            parts.append(format_html("{}", getattr(piece, "text", piece)))
    return mark_safe("".join(parts))


# --- Building blocks ---------------------------------------------------------------------------------------


def _sentence(*pieces):
    """The pieces as one element of a reference, ending with a full stop unless it ends with ? or !."""
    pieces = [piece for piece in pieces if piece]
    if not pieces:
        return []
    last = getattr(pieces[-1], "text", pieces[-1])
    return [*pieces, ""] if last.endswith((".", "?", "!")) else [*pieces, "."]


def _authors(reference, show_all_up_to, shown_when_more):
    names = [name.short() for name in reference.authors]
    if not names:
        return []
    if reference.has_more_authors or len(names) > show_all_up_to:
        names = [*names[:shown_when_more], "et al"]
    return _sentence(", ".join(names))


def _long_date(date):
    return format_date(date, "F j, Y")


def _short_date(date):
    return format_date(date, "Y M j")


def _doi_or_address(reference, accessed_label=None):
    """The DOI as a link; without one, the web address (after the accessed date, when the style gives it)."""
    if reference.doi:
        return [[Link(f"doi:{reference.doi}", doi_url(reference.doi))]]
    if not reference.url:
        return []
    accessed = _sentence(accessed_label(reference.accessed_on)) if accessed_label and reference.accessed_on else []
    return [accessed, [Link(reference.url, reference.url)]]


# --- AMA, 11th edition -------------------------------------------------------------------------------------


def _ama(reference):
    build = {
        records.WEB_PAGE: _ama_web,
        records.GUIDELINE: _ama_web,
        records.BOOK: _ama_book,
        records.REPORT: _ama_book,
        records.BOOK_CHAPTER: _ama_chapter,
    }.get(reference.kind, _ama_journal)
    return build(reference)


def _ama_accessed(date):
    return f"Accessed {_long_date(date)}"


def _ama_journal(reference):
    issue = reference.issue
    if issue.lower().startswith("suppl"):
        issue = "suppl" + issue[5:]
    volume = f"{reference.volume}({issue})" if issue else reference.volume
    details = ";".join(str(part) for part in (reference.first_year, volume) if part)
    if reference.pages:
        details = f"{details}:{reference.pages}" if details else reference.pages
    return [
        _authors(reference, show_all_up_to=6, shown_when_more=3),
        _sentence(reference.title),
        _sentence(Italic(reference.publication) if reference.publication else ""),
        _sentence(details),
        *_doi_or_address(reference, _ama_accessed),
    ]


def _ama_web(reference):
    group_only = len(reference.authors) == 1 and reference.authors[0].is_group
    site = reference.publication
    if group_only and site.casefold() == reference.authors[0].family.casefold():
        site = ""  # "CDC. … CDC." says the same thing twice
    if reference.published_on:
        published = f"Published {_long_date(reference.published_on)}"
    else:
        published = f"Published {reference.year}" if reference.year else ""
    accessed = _ama_accessed(reference.accessed_on) if reference.accessed_on else ""
    if reference.url:
        address = [Link(reference.url, reference.url)]
    else:
        address = [Link(f"doi:{reference.doi}", doi_url(reference.doi))] if reference.doi else []
    return [
        _authors(reference, show_all_up_to=6, shown_when_more=3),
        _sentence(reference.title),
        _sentence(site),
        _sentence(published),
        _sentence(accessed),
        address,
    ]


def _publisher_and_year(reference, pages=""):
    text = "; ".join(str(part) for part in (reference.publisher, reference.first_year) if part)
    return f"{text}:{pages}" if pages and text else text or pages


def _ama_book(reference):
    return [
        _authors(reference, show_all_up_to=6, shown_when_more=3),
        _sentence(Italic(reference.title)),
        _sentence(_publisher_and_year(reference)),
        *_doi_or_address(reference, _ama_accessed),
    ]


def _ama_chapter(reference):
    return [
        _authors(reference, show_all_up_to=6, shown_when_more=3),
        _sentence(reference.title),
        _sentence("In: ", Italic(reference.publication)) if reference.publication else [],
        _sentence(_publisher_and_year(reference, reference.pages)),
        *_doi_or_address(reference, _ama_accessed),
    ]


# --- Vancouver (NLM Citing Medicine) -----------------------------------------------------------------------


def _vancouver(reference):
    build = {
        records.WEB_PAGE: _vancouver_web,
        records.GUIDELINE: _vancouver_web,
        records.BOOK: _vancouver_book,
        records.REPORT: _vancouver_book,
        records.BOOK_CHAPTER: _vancouver_chapter,
    }.get(reference.kind, _vancouver_journal)
    return build(reference)


def _available_from(reference):
    if reference.doi:
        return [[Link(f"doi:{reference.doi}", doi_url(reference.doi))]]
    if reference.url:
        return [["Available from: ", Link(reference.url, reference.url)]]
    return []


def _vancouver_journal(reference):
    volume = f"{reference.volume}({reference.issue})" if reference.issue else reference.volume
    details = ";".join(str(part) for part in (reference.first_year, volume) if part)
    if reference.pages:
        pages = abbreviate_pages(reference.pages)
        details = f"{details}:{pages}" if details else pages
    return [
        _authors(reference, show_all_up_to=6, shown_when_more=6),
        _sentence(reference.title),
        _sentence(reference.publication),
        _sentence(details),
        *_available_from(reference),
    ]


def _vancouver_web(reference):
    date = _short_date(reference.published_on) if reference.published_on else str(reference.year or "")
    published = "; ".join(part for part in (reference.publisher, date) if part)
    cited = f"[cited {_short_date(reference.accessed_on)}]" if reference.accessed_on else ""
    return [
        _authors(reference, show_all_up_to=6, shown_when_more=6),
        _sentence(f"{reference.title} [Internet]"),
        _sentence(reference.publication),
        _sentence(" ".join(part for part in (published, cited) if part)),
        *_available_from(reference),
    ]


def _vancouver_book(reference):
    return [
        _authors(reference, show_all_up_to=6, shown_when_more=6),
        _sentence(reference.title),
        _sentence(_publisher_and_year(reference)),
        *_available_from(reference),
    ]


def _vancouver_chapter(reference):
    return [
        _authors(reference, show_all_up_to=6, shown_when_more=6),
        _sentence(reference.title),
        _sentence(f"In: {reference.publication}") if reference.publication else [],
        _sentence(_publisher_and_year(reference)),
        _sentence(f"p. {abbreviate_pages(reference.pages)}") if reference.pages else [],
        *_available_from(reference),
    ]
