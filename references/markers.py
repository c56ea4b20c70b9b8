"""
In-text citations: the ``[cite:…]`` markers editors type in the text of an article or any other page that
cites sources (condition, product and side-effect pages). The text that may carry markers is every
text field of the record's declared reviewed content (:func:`cited_fields`), read in declaration order.

A marker names one or more sources, separated by commas: ``[cite:perez-2017]``,
``[cite:10.1016/j.jaci.2016.09.023]``, ``[cite:pmid:28041678]``, ``[cite:42]`` (a source's number in the
library) or ``[cite:perez-2017, guo-2018]``. Markers are plain text, so the editor and the HTML sanitizer
keep them exactly as typed.

Sources are numbered in the order the text first cites them; sources an article lists but never cites
follow in their stored order. :func:`renumber_citations` writes that order into ``Citation.position``
when an article is saved, so every page, feed and export shows the same numbers. Readers never see a
marker: :func:`render_citations` turns each one into superscript links to the numbered sources.
"""

import re
from dataclasses import dataclass, field
from html import unescape

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.safestring import mark_safe

from ivig_site.numbers import whole_number
from review.content import FIELD, parts

from .identifiers import DOI_PATTERN, normalize_doi
from .models import Source

MARKER = re.compile(r"\[cite:([^\[\]<>]*)\]", re.IGNORECASE)
# "[cite:" left open, or broken up by formatting such as "[cite:<em>perez</em>-2017]".
# What a superscript replaces: the marker and the space typed before it ("helps [cite:x]." → "helps¹.").
_MARKER_AND_SPACE = re.compile(r"(?:\s|&nbsp;|\u00a0)*" + MARKER.pattern, re.IGNORECASE)
_OPENING = re.compile(r"\[cite:", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s*,\s*|\s*;\s+")
_PMID = re.compile(r"^pmid:?\s*([0-9]+)$", re.IGNORECASE)
# A library number has at most 18 digits (a database id); longer digit strings are read as keys and found nowhere.
_LARGEST_ID = 10**18 - 1


@dataclass(frozen=True)
class Key:
    """One source named in a marker: by library number, DOI, PMID or citation key."""

    kind: str
    value: str
    text: str = field(compare=False)

    @classmethod
    def parse(cls, text):
        text = " ".join(unescape(text).split())
        number = whole_number(text, minimum=0, maximum=_LARGEST_ID)
        if number is not None:
            return cls("id", str(number), text)
        pmid = _PMID.match(text)
        if pmid:
            return cls("pmid", pmid.group(1), text)
        doi = normalize_doi(text)
        if DOI_PATTERN.match(doi):
            return cls("doi", doi.lower(), text)
        return cls("key", text.lower(), text)

    def __str__(self):
        return f"[cite:{self.text}]"


def source_keys(source):
    """Every key that names ``source`` in a marker."""
    keys = {Key("id", str(source.pk), "")}
    if source.doi:
        keys.add(Key("doi", source.doi.lower(), ""))
    if source.pmid:
        keys.add(Key("pmid", source.pmid, ""))
    if source.citation_key:
        keys.add(Key("key", source.citation_key.lower(), ""))
    return keys


def marker_keys(inner):
    return [Key.parse(text) for text in _SEPARATOR.split(inner) if text.strip()]


def find_keys(html):
    """The keys the markers in ``html`` name, each once, in order of first appearance."""
    seen = {}
    for match in MARKER.finditer(html or ""):
        for key in marker_keys(match.group(1)):
            seen.setdefault(key, key)
    return list(seen)


def broken_markers(html):
    """Openings of markers that are not closed, or are broken up by formatting, as the editor typed them."""
    closed = {match.start() for match in MARKER.finditer(html or "")}
    return [
        unescape(html[match.start() : match.start() + 40]).split("<")[0]
        for match in _OPENING.finditer(html or "")
        if match.start() not in closed
    ]


def replace_keys(html, old_keys, new_text):
    """``html`` with every marker key in ``old_keys`` written as ``new_text`` (used when sources merge)."""

    def rewrite(match):
        keys = marker_keys(match.group(1))
        if not any(key in old_keys for key in keys):
            return match.group(0)
        texts = list(dict.fromkeys(new_text if key in old_keys else key.text for key in keys))
        return f"[cite:{', '.join(texts)}]"

    return MARKER.sub(rewrite, html or "")


def strip_markers(text):
    """``text`` without its markers, for places that show the text without its sources (snippets, feeds)."""
    return _MARKER_AND_SPACE.sub("", text or "")


def resolve_keys(keys):
    """``{key: source}`` for the keys that name a source in the library, in one query."""
    if not keys:
        return {}
    values = {kind: sorted({key.value for key in keys if key.kind == kind}) for kind in ("id", "doi", "pmid", "key")}
    condition = (
        Q(pk__in=values["id"])
        | Q(doi_lower__in=values["doi"])
        | Q(pmid__in=values["pmid"])
        | Q(key_lower__in=values["key"])
    )
    candidates = (
        Source.objects.originals().annotate(doi_lower=Lower("doi"), key_lower=Lower("citation_key")).filter(condition)
    )
    by_key = {}
    for source in candidates:
        for key in source_keys(source):
            by_key.setdefault(key, source)
    return {key: by_key[key] for key in keys if key in by_key}


@dataclass
class RenderedText:
    html: str
    backlinks: dict  # number → ids of the superscripts that cite it, in reading order


def render_citations(html, citations):
    """
    ``html`` (sanitized on save) with every marker replaced by superscript links to the numbered sources.

    ``citations`` are the article's citations in order, already fetched; nothing is queried. Source ``n`` is
    listed as ``id="source-n"``; its k-th superscript gets ``id="cite-n-k"`` for the way back. Keys that name
    no listed source are dropped: the save checks keep them out, and readers should never see a marker.
    """
    numbers = {}
    for number, citation in enumerate(citations, start=1):
        for key in source_keys(citation.source):
            numbers.setdefault(key, number)
    backlinks = {}

    def replace(match):
        cited = sorted({numbers[key] for key in marker_keys(match.group(1)) if key in numbers})
        links = []
        for number in cited:
            ids = backlinks.setdefault(number, [])
            ids.append(f"cite-{number}-{len(ids) + 1}")
            links.append(f'<a href="#source-{number}" id="{ids[-1]}">{number}</a>')
        return f'<sup class="citation">{",".join(links)}</sup>' if links else ""

    rendered = _MARKER_AND_SPACE.sub(replace, html or "")
    # The text was sanitized on save; the replacements hold only numbers and ids made here.
    return RenderedText(html=mark_safe(rendered), backlinks=backlinks)


def citation_order(body, citations):
    """``citations`` in reading order: by the text's first marker for each, then the uncited in stored order."""
    first_seen = {key: index for index, key in enumerate(find_keys(body))}

    def first_marker(citation):
        places = [first_seen[key] for key in source_keys(citation.source) if key in first_seen]
        return min(places) if places else None

    placed = [(first_marker(citation), index, citation) for index, citation in enumerate(citations)]
    cited = sorted((item for item in placed if item[0] is not None), key=lambda item: item[:2])
    uncited = [item for item in placed if item[0] is None]
    return [citation for _, _, citation in cited + uncited]


def cited_fields(record):
    """
    The names of ``record``'s fields that may carry markers, in reading order: its rich text (an article's
    body, a condition's overview and treatment), or its plain text fields when it has no rich text.
    """
    text = [
        part for part in parts(type(record)) if part.kind == FIELD and part.field.get_internal_type() == "TextField"
    ]
    rich = [part.name for part in text if part.is_rich_text]
    return rich or [part.name for part in text]


_FIELD_BREAK = "\x00"  # never stored (the database refuses NUL), so it cannot clash with the text


def render_record_text(record, citations):
    """
    Every text field of ``record`` that may cite, as ``{name: safe HTML}`` with superscript citations, rendered
    in one pass so that back-link ids stay unique across the page. Plain text fields are escaped first.
    """
    from django.utils.html import escape

    rich = {part.name for part in parts(type(record)) if part.is_rich_text}
    names = cited_fields(record)
    texts = [(getattr(record, name) or "") if name in rich else escape(getattr(record, name) or "") for name in names]
    rendered = render_citations(_FIELD_BREAK.join(texts), citations).html
    return {name: mark_safe(text) for name, text in zip(names, rendered.split(_FIELD_BREAK), strict=True)}


def cited_text(record):
    """All of ``record``'s text that may cite sources, in reading order, as one string."""
    return "\n".join(getattr(record, name) or "" for name in cited_fields(record))


def renumber_citations(record):
    """Store the reading order of ``record``'s sources as positions 1, 2, 3…; returns the citations."""
    citations = list(record.citations.select_related("source").order_by("position", "id"))
    ordered = citation_order(cited_text(record), citations)
    for number, citation in enumerate(ordered, start=1):
        if citation.position != number:
            citation.position = number
            citation.save(update_fields=["position"])
    return ordered


@dataclass
class CitationCheck:
    """What an editor should hear about a record's markers and listed sources after a save."""

    unknown: list = field(default_factory=list)  # keys that name no source in the library
    added: list = field(default_factory=list)  # library sources the text cites, added to the list
    uncited: list = field(default_factory=list)  # listed sources the text never cites
    retracted: list = field(default_factory=list)  # listed sources that were retracted


def unknown_keys(body):
    keys = find_keys(body)
    resolved = resolve_keys(keys)
    return [key for key in keys if key not in resolved]


@transaction.atomic
def sync_citations(record):
    """
    After ``record`` (text and sources) is saved: list every library source its text cites, number the
    sources in reading order, and report what the editor should know.
    """
    keys = find_keys(cited_text(record))
    resolved = resolve_keys(keys)
    listed = {citation.source_id: citation for citation in record.citations.select_related("source")}
    check = CitationCheck(unknown=[key for key in keys if key not in resolved])
    last = max((citation.position for citation in listed.values()), default=0)
    for key in keys:
        source = resolved.get(key)
        if source is not None and source.pk not in listed:
            last += 1
            listed[source.pk] = record.citations.create(source=source, position=last)
            check.added.append(source)
    cited_ids = {source.pk for source in resolved.values()}
    ordered = renumber_citations(record)
    check.uncited = [citation.source for citation in ordered if citation.source_id not in cited_ids]
    check.retracted = [citation.source for citation in ordered if citation.source.is_retracted]
    return check
