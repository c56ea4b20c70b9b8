from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from pages.models import Page

from .models import Article, Condition, Contributor, Product, SideEffect


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Article.objects.published().order_by("pk")

    def lastmod(self, article):
        return article.updated_on


class ConditionSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.7

    def items(self):
        return Condition.objects.published().order_by("pk")

    def lastmod(self, condition):
        return condition.modified_at


class PageSitemap(Sitemap):
    changefreq = "yearly"
    priority = 0.3

    def items(self):
        return Page.objects.published().order_by("pk")

    def lastmod(self, page):
        return page.modified_at


class ReferenceSitemap(Sitemap):
    """Products, side effects and contributors: they have no modification date to report."""

    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return [
            *Product.objects.order_by("pk"),
            *SideEffect.objects.order_by("pk"),
            *Contributor.objects.order_by("pk"),
        ]


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
    "articles": ArticleSitemap,
    "conditions": ConditionSitemap,
    "pages": PageSitemap,
    "reference": ReferenceSitemap,
    "listings": ListingSitemap,
}
