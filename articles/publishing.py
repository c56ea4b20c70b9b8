"""
The page parts of articles, conditions, products and side effects: rendered once when a record is
published (see :mod:`review.rendering`) and turned back into the template values the reader views use.

Each ``*_parts`` function fetches what its page shows (readers' filters applied: sources, side effects,
conditions and products that are not published are left out) and returns plain JSON data: the text with
heading ids and citation superscripts, the contents list, reading time, the numbered sources in the site's
citation style, the side-effect groups and the JSON-LD with site-relative addresses. :func:`page_context`
gives the views the same names the templates have always used (``outline``, ``reading_minutes``,
``side_effect_groups``, ``sources``, ``text``, ``structured_data``).

Stored parts follow the data and settings of their publication: after changing ``CITATION_STYLE`` or this
module's output, run ``manage.py render_published`` (and raise ``FORMAT`` when the shape changes, so pages
stored in the old shape are rendered on the fly until then).
"""

import datetime
import json
from types import SimpleNamespace

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, override

from references.formatting import format_source
from references.markers import cited_text, render_citations, render_record_text, strip_markers
from references.models import Citation, Source
from review.rendering import build_parts, page_parts, parts_for

from .models import Article, Condition, Product, ProductApproval, SideEffect
from .rendering import Heading, Outline, group_side_effects, reading_minutes
from .structured_data import StructuredData, absolutize

FORMAT = 5  # 5: each side effect says the language it is shown in


def published_citations():
    """
    A record's citations of published sources (in a preview, also of new sources going through review with it),
    with what formatting them needs.
    """
    return Citation.objects.for_display().filter(source__in=Source.objects.shown())


def reviewed_on(article):
    """When readers are told the article was last checked (before the workflow kept dates, its last update)."""
    return article.last_reviewed_on or (article.updated_on if article.fact_checker_id else None)


def breadcrumbs(article, conditions):
    """``[(name, url), ...]``: home, the article's condition if it has just one (else all articles), itself."""
    if len(conditions) == 1:
        parent = (conditions[0].short_name, conditions[0].get_absolute_url())
    else:
        parent = (gettext("Articles"), reverse("articles:article_list"))
    return [(gettext("Home"), reverse("articles:home")), parent, (article.title, article.get_absolute_url())]


# --- Building parts (at publication, or on the fly for a preview) ---------------------------------------------


def _date(value):
    return value.isoformat() if value else None


def _json(data):
    # Kept as text: PostgreSQL's jsonb would reorder the keys, and JSON-LD reads best in the order it is built.
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)


def _sources(citations, text):
    """The numbered source list: each reference formatted, with the ids of the superscripts citing it."""
    backlinks = render_citations(text, citations).backlinks
    entries = []
    for number, citation in enumerate(citations, start=1):
        source = citation.source
        with override(settings.LANGUAGE_CODE):  # a reference is written in the citation style's English
            entries.append(_source_entry(number, source, backlinks))
    return entries


def _source_entry(number, source, backlinks):
    return {
        "number": number,
        "reference": str(format_source(source)),
        "backlinks": backlinks.get(number, []),
        "source": {
            "get_absolute_url": source.get_absolute_url(),
            "is_retracted": source.is_retracted,
            "retracted_on": _date(source.retracted_on),
            "retraction_notice_url": source.retraction_notice_url,
            "pmid": source.pmid,
            "pubmed_url": source.pubmed_url,
        },
    }


def _side_effect_groups(links):
    def link_data(link):
        effect = link.side_effect
        return {
            "get_frequency_display": str(link.get_frequency_display()),
            "side_effect": {
                "pk": effect.pk,
                "lang": getattr(effect, "shown_language", ""),
                "name": effect.name,
                "get_absolute_url": effect.get_absolute_url(),
                "is_serious": effect.is_serious,
                "description": strip_markers(effect.description),
                "risk_factors": strip_markers(effect.risk_factors),
                "what_helps": strip_markers(effect.what_helps),
                "when_to_seek_help": strip_markers(effect.when_to_seek_help),
                "care_level": effect.care_level,
                "get_care_level_display": str(effect.get_care_level_display()),
                "warning_sign_list": [strip_markers(sign) for sign in effect.warning_sign_list],
            },
        }

    return [
        [seriousness.value, [[onset.value, [link_data(link) for link in items]] for onset, items in by_onset]]
        for seriousness, by_onset in group_side_effects(links)
    ]


@page_parts(lambda: Article.objects.for_detail())
def article_parts(article):
    conditions = list(article.conditions.all())
    products = list(article.products.all())
    citations = list(article.citations.all())
    outline = Outline.from_html(article.body)
    return {
        "format": FORMAT,
        "outline": {
            "html": str(render_citations(outline.html, citations).html),
            "headings": [{"id": heading.id, "text": heading.text} for heading in outline.headings],
        },
        "reading_minutes": reading_minutes(*article.reading_texts()),
        "side_effect_groups": _side_effect_groups(article.article_side_effects.all()),
        "sources": _sources(citations, cited_text(article)),
        "structured_data": _json(
            StructuredData().article_page(
                article,
                conditions=conditions,
                products=products,
                breadcrumbs=breadcrumbs(article, conditions),
                reviewed_on=reviewed_on(article),
            )
        ),
    }


def _cited(queryset):
    return queryset.prefetch_related(Prefetch("citations", published_citations()))


def _text_and_sources(record):
    citations = list(record.citations.all())
    text = render_record_text(record, citations)
    return {
        "text": {name: str(html) for name, html in text.items()},
        "sources": _sources(citations, cited_text(record)),
    }


def _approvals():
    return (
        ProductApproval.objects.filter(product__in=Product.objects.published())
        .select_related("product")
        .order_by("product__brand_name", "region")
    )


@page_parts(lambda: _cited(Condition.objects.prefetch_related(Prefetch("approvals", _approvals()), "codes")))
def condition_parts(condition):
    # Approvals name the published condition, not a new version of it.
    approvals = (
        condition.approvals.all()
        if condition.draft_of_id is None
        else _approvals().filter(condition=condition.draft_of_id)
    )
    products = list({approval.product.pk: approval.product for approval in approvals}.values())
    return {
        "format": FORMAT,
        **_text_and_sources(condition),
        "codes": [{"system": code.get_system_display(), "code": code.display_code} for code in condition.codes.all()],
        "icd10_code": condition.icd10_code,
        "structured_data": _json(StructuredData().condition_page(condition, approved_products=products)),
    }


@page_parts(lambda: _cited(Product.objects.for_detail()))
def product_parts(product):
    links = list(product.product_side_effects.all())
    return {
        "format": FORMAT,
        **_text_and_sources(product),
        "side_effect_groups": _side_effect_groups(links),
        "structured_data": _json(
            StructuredData().product_page(
                product, side_effects=[link.side_effect for link in links], approvals=list(product.approvals.all())
            )
        ),
    }


@page_parts(lambda: _cited(SideEffect.objects.all()))
def side_effect_parts(effect):
    return {
        "format": FORMAT,
        **_text_and_sources(effect),
        "structured_data": _json(StructuredData().side_effect_page(effect)),
    }


# --- Reading parts (every request) ----------------------------------------------------------------------------


def _outline(data, request):
    return Outline(html=mark_safe(data["html"]), headings=[Heading(**heading) for heading in data["headings"]])


def _groups(data, request):
    def link(item):
        return SimpleNamespace(
            get_frequency_display=item["get_frequency_display"], side_effect=SimpleNamespace(**item["side_effect"])
        )

    return [
        (
            SideEffect.Seriousness(seriousness),
            [(SideEffect.Onset(onset), [link(item) for item in items]) for onset, items in by_onset],
        )
        for seriousness, by_onset in data
    ]


def _numbered_sources(data, request):
    entries = []
    for entry in data:
        source = dict(entry["source"])
        source["retracted_on"] = datetime.date.fromisoformat(source["retracted_on"]) if source["retracted_on"] else None
        entries.append(
            SimpleNamespace(
                number=entry["number"],
                reference=mark_safe(entry["reference"]),
                backlinks=entry["backlinks"],
                source=SimpleNamespace(**source),
            )
        )
    return entries


def _text(data, request):
    # Rendered from fields sanitized (rich text) or escaped (plain text) when the record was published.
    return {name: mark_safe(html) for name, html in data.items()}


def _structured_data(data, request):
    return absolutize(json.loads(data), request.build_absolute_uri("/").rstrip("/"))


def _as_is(data, request):
    return data


READERS = {
    "codes": _as_is,
    "icd10_code": _as_is,
    "outline": _outline,
    "reading_minutes": _as_is,
    "side_effect_groups": _groups,
    "sources": _numbered_sources,
    "text": _text,
    "structured_data": _structured_data,
}


def page_context(record, request):
    """
    The template values of ``record``'s page for this request: read from what was stored at publication
    for a live record, rendered now for a draft or working copy (a staff preview) or a live record
    without stored parts (just after a deploy, before ``render_published``).
    """
    parts = parts_for(record)
    if parts.get("format") != FORMAT:
        parts = build_parts(record)
    return {name: reader(parts[name], request) for name, reader in READERS.items() if name in parts}
