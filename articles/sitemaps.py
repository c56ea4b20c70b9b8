"""
/sitemap.xml is a sitemap index; each section is paginated (``?p=2``) at :data:`URLS_PER_SITEMAP` addresses and
reads only what an entry needs (address and dates, never text), so the sitemap stays fast at any size and the
index costs one count per section.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import CharField, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from pages.models import Page
from translations.languages import translated_languages
from translations.models import translatable_models
from translations.reading import translated_only

from .models import Article, Condition, Contributor, Product, SideEffect

URLS_PER_SITEMAP = 2000


def entries(model, kind):
    """``(kind, slug, published_at, last_updated)`` of ``model``'s published records."""
    return (
        model.objects.published()
        .annotate(sitemap_kind=Value(kind, output_field=CharField()))
        .values_list("sitemap_kind", "slug", "published_at", "last_updated")
        .order_by()
    )


def lastmod(entry):
    _kind, _slug, published_at, last_updated = entry
    return last_updated or timezone.localdate(published_at)


class PagedSitemap(Sitemap):
    limit = URLS_PER_SITEMAP

    def get_latest_lastmod(self):
        return None  # the index would otherwise read every entry of the section to find it


class ArticleSitemap(PagedSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return entries(Article, "article").order_by("slug")

    def location(self, entry):
        return reverse("articles:article_detail", kwargs={"slug": entry[1]})

    def lastmod(self, entry):
        return lastmod(entry)


class TopicSitemap(PagedSitemap):
    """Conditions, products, side effects, contributors and site pages: one section, one query per file."""

    changefreq = "monthly"
    KINDS = {
        "condition": (Condition, "articles:condition_detail", 0.7),
        "product": (Product, "articles:product_detail", 0.5),
        "side-effect": (SideEffect, "articles:side_effect_detail", 0.5),
        "contributor": (Contributor, "articles:contributor_detail", 0.4),
        "page": (Page, "pages:page_detail", 0.3),
    }

    def items(self):
        first, *others = [entries(model, kind) for kind, (model, _name, _priority) in self.KINDS.items()]
        return first.union(*others, all=True).order_by("sitemap_kind", "slug")

    def location(self, entry):
        return reverse(self.KINDS[entry[0]][1], kwargs={"slug": entry[1]})

    def priority(self, entry):
        return self.KINDS[entry[0]][2]

    def lastmod(self, entry):
        return lastmod(entry)


class ListingSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return [
            "articles:home",
            "articles:article_list",
            "articles:condition_list",
            "articles:product_list",
            "articles:side_effect_list",
            "articles:expert_board",
        ]

    def location(self, name):
        return reverse(name)


class TranslatedSitemap(PagedSitemap):
    """The pages readers can read in ``language`` (reviewed translations) and its listings: one section per language."""

    changefreq = "monthly"
    language = None
    LISTINGS = ["articles:home", "articles:article_list", "articles:condition_list"]

    def items(self):
        found = [("listing", name, None) for name in self.LISTINGS]
        for model in translatable_models():
            translated = translated_only(model.objects.published(), self.language)
            found += [
                (model, slug, entry) for slug, *entry in translated.values_list("slug", "published_at", "last_updated")
            ]
        return found

    def location(self, item):
        kind, name, _entry = item
        with override(self.language):
            return reverse(name) if kind == "listing" else kind(slug=name).get_absolute_url()

    def lastmod(self, item):
        return lastmod((None, None, *item[2])) if item[2] else None


SITEMAPS = {
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
    "listings": ListingSitemap,
    **{
        code: type(f"{code.capitalize()}Sitemap", (TranslatedSitemap,), {"language": code})
        for code, _name in translated_languages()
    },
}
