"""Readers never see what is not published: not on any page, list, search, feed or sitemap."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import (
    ArticleFactory,
    ArticleSideEffectFactory,
    ConditionFactory,
    ContributorFactory,
    ProductApprovalFactory,
    SideEffectFactory,
)

pytestmark = pytest.mark.django_db

READER_URLS = [
    "/",
    "/articles/",
    "/articles/public-guide/",
    "/conditions/",
    "/conditions/itp/",
    "/products/",
    "/products/globulix/",
    "/side-effects/",
    "/side-effects/headache/",
    "/contributors/maren-holt/",
    "/expert-board/",
    "/search/?q=guide",
    "/search/?q=secret",
    "/search/?q=hidden",
    "/feeds/rss/",
    "/feeds/atom/",
    "/conditions/itp/rss/",
    "/conditions/itp/atom/",
    "/sitemap.xml",
]


@pytest.fixture
def site():
    """One published article, and a draft, a scheduled article and a hidden condition that share its links."""
    author = ContributorFactory(name="Maren Holt", slug="maren-holt", on_expert_board=True)
    condition = ConditionFactory(name="Immune thrombocytopenia", slug="itp")
    hidden = ConditionFactory(
        name="Hidden condition", abbreviation="HIDDEN", slug="hidden", draft=True, summary="Secret summary."
    )
    product = ProductApprovalFactory(
        product__brand_name="Globulix", product__slug="globulix", condition=condition
    ).product
    ProductApprovalFactory(product=product, condition=hidden)
    effect = SideEffectFactory(name="Headache", slug="headache")
    public = ArticleFactory(title="Public guide", slug="public-guide", author=author, conditions=[condition])
    draft = ArticleFactory(
        draft=True,
        title="Secret draft guide",
        slug="secret-draft-guide",
        author=author,
        conditions=[condition, hidden],
        products=[product],
    )
    scheduled = ArticleFactory(
        title="Scheduled guide",
        author=author,
        published_at=timezone.now() + datetime.timedelta(days=1),
        conditions=[condition],
        products=[product],
    )
    for article in (public, draft, scheduled):
        ArticleSideEffectFactory(article=article, side_effect=effect)
    public.products.add(product)
    return public


@pytest.mark.parametrize("url", READER_URLS)
def test_drafts_and_scheduled_articles_are_absent(client, site, url):
    response = client.get(url)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Secret draft guide" not in content
    assert "Scheduled guide" not in content


@pytest.mark.parametrize("url", READER_URLS)
def test_unpublished_conditions_are_absent(client, site, url):
    content = client.get(url).content.decode()

    assert "Hidden condition" not in content
    assert "HIDDEN" not in content
    assert "Secret summary." not in content


def test_published_article_is_present_where_the_hidden_ones_are_not(client, site):
    for url in ["/", "/articles/", "/conditions/itp/", "/products/globulix/", "/feeds/rss/", "/sitemap-articles.xml"]:
        assert "public-guide" in client.get(url).content.decode(), url


def test_unpublished_condition_has_no_feed(client, site):
    assert client.get("/conditions/hidden/rss/").status_code == 404


def test_draft_article_has_no_feedback_form(client, site):
    assert client.get("/articles/secret-draft-guide/feedback/").status_code == 404
