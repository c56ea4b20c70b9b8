"""Every reader page runs the same small number of queries however long its lists grow."""

import pytest

from review.guard import seeding
from tests.factories import (
    ArticleFactory,
    ArticleSideEffectFactory,
    CitationFactory,
    ConditionFactory,
    ContributorFactory,
    PageFactory,
    ProductApprovalFactory,
    ProductSideEffectFactory,
    SideEffectFactory,
    SourceAuthorFactory,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 18  # the article page; the others need fewer


@pytest.fixture
def world(full_article):
    """Grows every list the reader pages show by ``count`` rows."""
    condition = full_article.conditions.get()
    product = full_article.products.get()
    side_effect = full_article.side_effects.first()
    author = full_article.author
    board_member = ContributorFactory(on_expert_board=True)
    ArticleFactory(title="Unrelated news")  # so the article page always has recent articles too

    @seeding()
    def grow(count):
        for _ in range(count):
            other_condition = ConditionFactory()
            condition.related_conditions.add(other_condition)
            article = ArticleFactory(author=author, fact_checker=board_member, conditions=[condition, other_condition])
            article.products.add(product)
            ArticleSideEffectFactory(article=article, side_effect=side_effect)
            citation = CitationFactory(article=full_article)
            SourceAuthorFactory.create_batch(2, source=citation.source)
            ArticleSideEffectFactory(article=full_article)
            other_product = ProductApprovalFactory(condition=condition).product
            full_article.products.add(other_product)
            ProductSideEffectFactory(product=product)
            ProductSideEffectFactory(product=other_product, side_effect=side_effect)
            ProductApprovalFactory(product=product)
            SideEffectFactory()
            ContributorFactory(on_expert_board=True)
            PageFactory()

    return grow


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/articles/",
        "/articles/ivig-for-itp/",
        "/conditions/",
        "/conditions/itp/",
        "/products/",
        "/products/privigen/",
        "/side-effects/",
        "/side-effects/headache/",
        "/contributors/rosa-delgado/",
        "/expert-board/",
        "/search/?q=guide",
        "/feeds/rss/",
        "/conditions/itp/atom/",
        "/sitemap.xml",
    ],
)
def test_page_queries_do_not_grow_with_its_lists(client, world, url, django_assert_max_num_queries):
    world(2)
    with django_assert_max_num_queries(MAX_QUERIES) as few:
        assert client.get(url).status_code == 200
    world(8)
    with django_assert_max_num_queries(MAX_QUERIES) as many:
        assert client.get(url).status_code == 200

    assert len(many.captured_queries) == len(few.captured_queries)
