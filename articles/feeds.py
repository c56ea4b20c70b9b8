"""RSS and Atom feeds of published articles: all of them, and those about one condition."""

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from translations.reading import localize, translated_only

from .models import Article, Condition

FEED_LENGTH = 20


class LatestArticlesFeed(Feed):
    """In each language the articles readers can read in it (its reviewed translations); the feed says its language."""

    translated = True
    description = gettext_lazy("New and updated guides about IVIG and the conditions it treats.")

    def title(self):
        return _("%(site)s: latest articles") % {"site": settings.SITE_NAME}

    def link(self):
        return reverse("articles:article_list")

    def items(self):
        return localize(translated_only(Article.objects.published()).select_related("author")[:FEED_LENGTH])

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        # RSS <description> and Atom <summary type="html"> are read as HTML: the plain-text summary is
        # escaped, so markup typed into it shows as text instead of running in a feed reader.
        return escape(article.dek)

    def item_author_name(self, article):
        return article.author.display_name if article.author.is_live else None

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        updated = article.updated_on
        return datetime.datetime.combine(updated, datetime.time(), tzinfo=datetime.UTC) if updated else None


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description


class ConditionFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        return localize([get_object_or_404(translated_only(Condition.objects.published()), slug=slug)])[0]

    def title(self, condition):
        return f"{settings.SITE_NAME}: {condition.name}"

    def description(self, condition):
        return _("New and updated articles about %(condition)s.") % {"condition": condition.name}

    def link(self, condition):
        return condition.get_absolute_url()

    def items(self, condition):
        articles = translated_only(Article.objects.published()).filter(conditions=condition)
        return localize(articles.select_related("author")[:FEED_LENGTH])


class ConditionAtomFeed(ConditionFeed):
    feed_type = Atom1Feed

    def subtitle(self, condition):
        return self.description(condition)
