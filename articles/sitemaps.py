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


class ReviewedSitemap(Sitemap):
    """Published records of one reviewed model, dated by their last published change."""

    changefreq = "monthly"

    def __init__(self, model, priority):
        self.model, self.priority = model, priority

    def items(self):
        return self.model.objects.published().order_by("pk")

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
    "articles": ArticleSitemap,
    "conditions": ReviewedSitemap(Condition, 0.7),
    "pages": ReviewedSitemap(Page, 0.3),
    "products": ReviewedSitemap(Product, 0.5),
    "side-effects": ReviewedSitemap(SideEffect, 0.5),
    "contributors": ReviewedSitemap(Contributor, 0.4),
    "listings": ListingSitemap,
}
