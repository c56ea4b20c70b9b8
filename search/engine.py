"""
Site search over what readers may see: published articles, published conditions, products and side effects.

On PostgreSQL it is full-text search over a stored search vector per published record
(``search/indexing.py``) with GIN indexes: records whose title or summary match come first, ranked; then those
that match further down, newest first; then titles spelled like the query (pg_trgm). Snippets come from
``ts_headline``, highlighted. On any other database (SQLite in development) it falls back to matching every
word anywhere, with snippets highlighted in Python. Both return the same :class:`Result` rows.
"""

import re
from dataclasses import dataclass
from functools import cached_property
from html import unescape

from django.db import connection
from django.db.models import F, Q, Value
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from articles.models import Article, Condition, Product, SideEffect
from references.markers import MARKER
from richtext.fields import RichTextField, plain_text
from translations.languages import current_language, source_language
from translations.reading import localize, translated_only

from .indexing import config

MAX_QUERY_LENGTH = 200
MAX_RESULTS = 30
# Word similarity (0-1) between the query and a title above which a misspelled title still matches.
TRIGRAM_THRESHOLD = 0.4
SNIPPET_WORDS = 30

# Marks ts_headline puts around matches; private-use characters that never occur in content.
_START, _STOP = "\ue000", "\ue001"
ELLIPSIS = "…"
FRAGMENT_DELIMITER = f" {ELLIPSIS} "
# A snippet starts at the start of the sentence holding its first word when that is at most this many characters
# before it (else after "…"), and runs on to the end of its last sentence when that is this near (else "…"). The
# fallback picks its first word near the first match; ts_headline's fragments need only their stop words back.
SENTENCE_LEAD = 120
WORD_LEAD = 60
HEADLINE_REACH = 40
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
# A sentence ends with its mark and any closing quotes or brackets, before a space and what can open the next one.
_SENTENCE_CLOSE = re.compile(r"[.!?…][\"'”’)\]]*(?=\s|$)")
_SENTENCE_BREAK = re.compile(r"[.!?…][\"'”’)\]]*\s+(?=[A-Z0-9\"“‘'(\[])")


@dataclass(frozen=True)
class Result:
    kind: str
    title: str
    url: str
    snippet: SafeString
    rank: float


def search(query, language=None):
    """
    The best matches for ``query`` across articles, conditions and products, best first, among the pages readers
    can read in ``language`` (the current one), with that language's stemming.
    """
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    language = language or current_language()
    if not query:
        return []
    if connection.vendor == "postgresql":
        return _indexed(query, language)
    results = [result for source in SOURCES for result in _fallback(source, query, language)]
    return sorted(results, key=lambda result: -result.rank)[:MAX_RESULTS]


@dataclass(frozen=True)
class _Source:
    kind: str
    model: type
    queryset: callable
    weighted_fields: dict  # field → weight, "A" (highest) to "C"; rich-text fields are stripped of tags
    snippet_fields: tuple

    @cached_property
    def rich_fields(self):
        """The weighted fields holding HTML, which search reads as words."""
        return frozenset(
            field for field in self.weighted_fields if isinstance(self.model._meta.get_field(field), RichTextField)
        )


SOURCES = [
    _Source(
        kind=gettext_lazy("Condition"),
        model=Condition,
        queryset=lambda: Condition.objects.published(),
        weighted_fields={
            "name": "A",
            "abbreviation": "A",
            "summary": "B",
            "overview": "C",
            "treatment": "C",
            "immediate_signs": "C",
            "urgent_signs": "C",
        },
        snippet_fields=("summary", "overview", "treatment"),
    ),
    _Source(
        kind=gettext_lazy("Product"),
        model=Product,
        queryset=lambda: Product.objects.published(),
        weighted_fields={"brand_name": "A", "nonproprietary_name": "B", "manufacturer": "B", "notes": "C"},
        snippet_fields=("nonproprietary_name", "manufacturer", "notes"),
    ),
    _Source(
        kind=gettext_lazy("Side effect"),
        model=SideEffect,
        queryset=lambda: SideEffect.objects.published(),
        weighted_fields={
            "name": "A",
            "description": "B",
            "risk_factors": "C",
            "what_helps": "C",
            "warning_signs": "C",
            "when_to_seek_help": "C",
        },
        snippet_fields=("description", "when_to_seek_help"),
    ),
    _Source(
        kind=gettext_lazy("Article"),
        model=Article,
        queryset=lambda: Article.objects.published(),
        weighted_fields={"title": "A", "dek": "B", "key_takeaways": "B", "body": "C"},
        snippet_fields=("dek", "key_takeaways", "body"),
    ),
]


# --- PostgreSQL ---------------------------------------------------------------------------------------------


def _indexed(query, language):
    """
    Two queries over the stored, GIN-indexed search documents (``search.models.Document``): the best
    ``MAX_RESULTS`` matches, then the snippets of those alone. Matches come in three tiers, each read through an
    index, so a word in thousands of records costs about what a rare one does (no tier ranks full vectors):

    1. records whose title or summary hold every word, ranked on those words (``head``, a small vector);
    2. records that hold them only further down, newest first;
    3. records whose title is spelled like the query (typo tolerance through pg_trgm), most alike first.
    """
    from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
    from django.contrib.postgres.search import TrigramWordSimilarity as Similarity

    from .models import Document

    terms = SearchQuery(query, search_type="websearch", config=config(language))
    live = Document.objects.filter(published_at__lte=timezone.now(), language=language).order_by()
    tiers = [
        live.filter(head=terms).annotate(tier=Value(1), rank=SearchRank(F("head"), terms)),
        live.filter(vector=terms).exclude(head=terms).annotate(tier=Value(2), rank=Value(0.0)),
        # "%>" is word similarity above pg_trgm.word_similarity_threshold (TRIGRAM_THRESHOLD, set per connection).
        live.filter(title_words__trigram_word_similar=query)
        .exclude(vector=terms)
        .annotate(tier=Value(3), rank=Similarity(query, "title_words")),
    ]
    order = ("tier", "-rank", "-published_at", "-pk")  # total, so equal ranks come in the same order every time
    best = [tier.order_by(*order).values("pk", "tier", "rank", "published_at")[:MAX_RESULTS] for tier in tiers]
    chosen = list(best[0].union(*best[1:], all=True).order_by(*order)[:MAX_RESULTS])
    headline = SearchHeadline(
        "snippet_text",
        terms,
        config=config(language),
        start_sel=_START,
        stop_sel=_STOP,
        max_words=SNIPPET_WORDS,
        min_words=SNIPPET_WORDS // 2,
        max_fragments=2,
        fragment_delimiter=FRAGMENT_DELIMITER,
    )
    rows = Document.objects.filter(pk__in=[row["pk"] for row in chosen])
    rows = rows.values("kind", "title", "url", "pk", "snippet_text").annotate(headline=headline)
    found = {row["pk"]: row for row in rows}
    ordered = [found[row["pk"]] for row in chosen if row["pk"] in found]
    return [
        # The order is the ranking; rank says it as a number, higher first, like the fallback's.
        Result(
            row["kind"],
            row["title"],
            row["url"],
            _highlighted_headline(row["headline"], row["snippet_text"]),
            rank=len(ordered) - position,
        )
        for position, row in enumerate(ordered)
    ]


def _highlighted_headline(headline, text):
    """
    ``ts_headline``'s fragments of ``text``, highlighted and framed as :func:`_framed` frames a passage: the words
    it leaves off at either end of a nearly whole sentence put back, an ellipsis where a sentence is cut.
    """
    headline, text = (headline or "").strip(), text or ""
    fragments = [
        fragment.replace(_START, "").replace(_STOP, "").strip() for fragment in headline.split(FRAGMENT_DELIMITER)
    ]
    first, last = text.find(fragments[0]), text.find(fragments[-1])
    if first < 0 or last < 0:  # not found as stored: say it may be cut
        headline = f"{ELLIPSIS} {headline} {ELLIPSIS}"
    else:
        before, after = _framed(text, first, last + len(fragments[-1]), HEADLINE_REACH)
        headline = f"{before}{headline}{after}"
    # Rich text arrives with its entities (&amp;); plain fields as typed. Either way: unescape, escape once.
    escaped = escape(unescape(headline))
    return mark_safe(escaped.replace(_START, "<mark>").replace(_STOP, "</mark>"))


def _framed(text, start, end, reach):
    """
    ``(before, after)``: what to put before and after the passage ``text[start:end]`` so that it reads from the start
    of a sentence and to the end of one: the rest of the sentence when at most ``reach`` characters are missing,
    else "…" (nothing at the start or end of ``text``).
    """
    breaks = [found.end() for found in _SENTENCE_BREAK.finditer(text, max(0, start - reach - 4), start + 1)]
    openings = [at for at in breaks if start - reach <= at <= start] + ([0] if start <= reach else [])
    before = text[max(openings) : start] if openings else f"{ELLIPSIS} "
    rest = text[end:].rstrip()
    if not rest or _SENTENCE_END.search(text[start:end]):
        return before, ""
    closing = _SENTENCE_CLOSE.search(rest[: reach + 2])
    if closing and closing.end() <= reach:
        return before, rest[: closing.end()]
    return before, rest if len(rest) <= reach else f" {ELLIPSIS}"


# --- Fallback (SQLite) --------------------------------------------------------------------------------------


def _fallback(source, query, language):
    words = query.split()[:8]
    rows = source.queryset()
    if language != source_language():  # the translations' words: matched here, there are few
        rows = [row for row in localize(translated_only(rows, language), language) if _has_words(source, row, words)]
    for word in words if language == source_language() else ():
        rows = rows.filter(Q.create([(f"{field}__icontains", word) for field in source.weighted_fields], "OR"))
    weights = {"A": 3, "B": 2, "C": 1}
    results = []
    for row in rows[: MAX_RESULTS * 2]:
        texts = {field: _plain(source, row, field) for field in source.weighted_fields}
        rank = sum(
            weights[weight] * texts[field].lower().count(word.lower())
            for field, weight in source.weighted_fields.items()
            for word in words
        )
        snippet_text = " ".join(texts[field] for field in source.snippet_fields)
        results.append(_result(source, row, highlight(_excerpt(snippet_text, words), words), rank))
    return results


def _has_words(source, row, words):
    text = " ".join(_plain(source, row, field) for field in source.weighted_fields).lower()
    return all(word.lower() in text for word in words)


def _plain(source, row, field):
    value = getattr(row, field) or ""
    return unescape(plain_text(MARKER.sub(" ", value))) if field in source.rich_fields else value


def _excerpt(text, words):
    """
    About ``SNIPPET_WORDS`` words of ``text`` from a little before the first match, framed by :func:`_framed`: from
    the start of the sentence when it is near, to the end of the last one when it is near, "…" where cut.
    """
    lowered = text.lower()
    positions = [lowered.find(word.lower()) for word in words if word.lower() in lowered]
    match = min(positions) if positions else 0
    sentences = [found.end() for found in _SENTENCE_BREAK.finditer(text, max(0, match - SENTENCE_LEAD), match + 1)]
    start = max([at for at in sentences if at <= match], default=0)
    if match - start > SENTENCE_LEAD:
        start = text.rfind(" ", 0, match - WORD_LEAD) + 1
    passage = list(re.finditer(r"\S+", text[start:]))[:SNIPPET_WORDS]
    end = start + passage[-1].end() if passage else start
    before, after = _framed(text, start, end, HEADLINE_REACH)
    return f"{before}{text[start:end]}{after}"


def highlight(text, words):
    """``text`` escaped, with each of ``words`` wrapped in ``<mark>``."""
    escaped = escape(text)
    words = sorted({escape(word) for word in words if word}, key=len, reverse=True)
    if not words:
        return mark_safe(escaped)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    # Matching inside an entity such as "&amp;" would break it; skip matches that start inside one.
    entities = [match.span() for match in re.finditer(r"&[#\w]+;", escaped)]

    def mark(match):
        if any(start < match.start() < end for start, end in entities):
            return match.group(0)
        return f"<mark>{match.group(0)}</mark>"

    return mark_safe(pattern.sub(mark, escaped))


def _result(source, row, snippet, rank):
    return Result(kind=source.kind, title=str(row), url=row.get_absolute_url(), snippet=snippet, rank=rank)
