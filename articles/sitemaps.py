from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from pages.models import Page

from .models import Article, Condition, Contributor, Product, SideEffect

# URLs per sitemap file; the sitemap index (/sitemap.xml) lists the files, so none grows without bound.
URLS_PER_SITEMAP = 2000
# What a sitemap entry needs of a record: its address and its dates, never its text.
ENTRY_FIELDS = ("pk", "slug", "draft_of_id", "published_at", "last_updated")


class ReviewedSitemap(Sitemap):
    """Published records of one reviewed model, dated by their last published change."""

    changefreq = "monthly"
    limit = URLS_PER_SITEMAP

    def __init__(self, model, priority):
        self.model, self.priority = model, priority

    def items(self):
        return self.model.objects.published().only(*ENTRY_FIELDS).order_by("pk")

    def lastmod(self, record):
        return record.updated_on


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


SITEMAPS = {
    "articles": ReviewedSitemap(Article, 0.8),
    "conditions": ReviewedSitemap(Condition, 0.7),
    "pages": ReviewedSitemap(Page, 0.3),
    "products": ReviewedSitemap(Product, 0.5),
    "side-effects": ReviewedSitemap(SideEffect, 0.5),
    "contributors": ReviewedSitemap(Contributor, 0.4),
    "listings": ListingSitemap,
}
