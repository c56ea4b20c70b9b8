"""Citations on reader pages: numbered superscripts in the text and the numbered list of sources."""

from dataclasses import dataclass

from django import template
from django.contrib.contenttypes.models import ContentType

from references.formatting import format_source
from references.forms import record_key as _record_key
from references.markers import cited_text as _cited_text
from references.markers import render_citations, render_record_text, strip_markers

register = template.Library()


@dataclass(frozen=True)
class NumberedSource:
    number: int
    source: object
    reference: str  # safe HTML, in the site's citation style
    backlinks: list  # ids of the superscripts in the text that cite it


@register.filter
def cite_markers(html, article):
    """
    ``html`` (the article's sanitized text) with its ``[cite:…]`` markers as superscript links to the numbered
    sources. Uses ``article.citations.all()``, so prefetch them (``Article.objects.for_detail()`` does).
    """
    return render_citations(html, article.citations.all()).html


@register.simple_tag
def numbered_sources(citations, text=""):
    """The cited sources, numbered, formatted, each with links back to where ``text`` cites it."""
    citations = list(citations)
    backlinks = render_citations(text, citations).backlinks
    return [
        NumberedSource(number, citation.source, format_source(citation.source), backlinks.get(number, []))
        for number, citation in enumerate(citations, start=1)
    ]


@register.filter
def record_key(record):
    """How the import form names ``record`` as the page to cite the imported sources in."""
    return _record_key(record)


@register.filter
def content_type_id(record):
    return ContentType.objects.get_for_model(record).pk


@register.filter
def cited_text(record):
    """All of ``record``'s text that may carry citation markers (for the sources' back-links)."""
    return _cited_text(record)


@register.simple_tag
def cited_texts(record):
    """``{field: safe HTML}`` for each of ``record``'s texts, with citations as superscripts (prefetch them)."""
    return render_record_text(record, record.citations.all())


@register.filter
def without_markers(text):
    """``text`` with its citation markers removed, where it is shown without its sources (cards, metadata)."""
    return strip_markers(text)
