"""Reader pages: they show what the data says, and nothing that is not published."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from articles.models import SideEffect
from review.guard import seeding
from tests.factories import (
    ArticleFactory,
    ArticleSideEffectFactory,
    CitationFactory,
    ConditionFactory,
    ProductApprovalFactory,
    SideEffectFactory,
    SourceAuthorFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def main_content(response):
    """The page's main landmark, where readers see things in order (the head repeats them as JSON-LD)."""
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


@pytest.fixture
def article():
    condition = ConditionFactory(name="Immune thrombocytopenia", abbreviation="ITP", slug="itp")
    article = ArticleFactory(
        title="IVIG for immune thrombocytopenia",
        author__name="Rosa Delgado",
        author__credentials="PhD",
        fact_checker__name="Tomasz Wren",
        fact_checker__credentials="PharmD",
        last_updated=datetime.date(2025, 7, 16),
        body="<h2>What is IVIG?</h2><p>Pooled antibodies from many donors.</p>",
        conditions=[condition],
    )
    approval = ProductApprovalFactory(product__brand_name="Privigen", condition=condition, region="US", year=2008)
    article.products.add(approval.product)
    return article


def test_article_page_shows_byline_fact_check_and_update_date(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<h1>IVIG for immune thrombocytopenia</h1>" in page
    assert "Rosa Delgado, PhD" in page
    assert re.search(
        r'Fact-checked by <a class="contributor" href="/contributors/[\w-]+/">Tomasz Wren, PharmD</a>', page
    )
    assert 'Last updated <time datetime="2025-07-16">July 16, 2025</time>' in page
    assert '<h2 id="what-is-ivig">What is IVIG?</h2>' in page
    assert "None." in page  # the disclosures


def test_article_page_shows_products_with_approvals(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r'<a class="product-name" href="/products/[\w-]+/">Privigen</a>', page)
    assert "ITP (US, 2008)" in page


def test_article_side_effects_are_grouped_serious_then_mild(client, article):
    ArticleSideEffectFactory(
        article=article,
        side_effect=SideEffectFactory(name="Aseptic meningitis", seriousness=SideEffect.Seriousness.SERIOUS),
        frequency="rare",
    )
    ArticleSideEffectFactory(
        article=article,
        side_effect=SideEffectFactory(name="Headache", what_helps="Drink plenty of water."),
    )
    page = main_content(client.get(article.get_absolute_url()))
    mild, serious = page.index("Common and usually mild"), page.index(">Serious</h3>")
    assert serious < page.index("Aseptic meningitis") < mild < page.index("Headache")
    assert "Drink plenty of water." in page
    assert "Rare" in page


def test_sources_are_numbered_in_order_with_doi_links(client, article):
    later = CitationFactory(article=article, position=2, source__title="Second source")
    first = CitationFactory(article=article, position=1, source__title="First source", source__doi="10.1016/j.x.1")
    SourceAuthorFactory(source=first.source, family_name="Perez", given_names="Elena E.")
    page = main_content(client.get(article.get_absolute_url()))
    assert "Sources (2)" in page
    assert page.index('id="source-1"') < page.index("First source") < page.index('id="source-2"')
    assert page.index('id="source-2"') < page.index(later.source.title)
    assert '<a href="https://doi.org/10.1016/j.x.1">doi:10.1016/j.x.1</a>' in page
    assert "Perez EE." in page


def test_draft_article_is_not_found_for_readers(client):
    draft = ArticleFactory(draft=True)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_scheduled_article_is_hidden_until_its_time(client):
    article = ArticleFactory(published_at=timezone.now() + datetime.timedelta(hours=1))
    assert client.get(article.get_absolute_url()).status_code == 404
    article.published_at = timezone.now() - datetime.timedelta(minutes=1)
    article.save()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_staff_with_view_permission_preview_drafts_uncached(client, django_user_model):
    draft = ArticleFactory(draft=True, title="Work in progress")
    reviewer = django_user_model.objects.create_user("reviewer", password="pw", is_staff=True)
    reviewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(reviewer)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Preview: readers cannot see this page" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]


def test_logged_in_user_without_permission_cannot_see_drafts(client, django_user_model):
    draft = ArticleFactory(draft=True)
    client.force_login(django_user_model.objects.create_user("reader", password="pw"))
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_condition_page_lists_published_articles_only(client, article):
    condition = article.conditions.get()
    ArticleFactory(draft=True, title="Secret draft", conditions=[condition])
    page = client.get(condition.get_absolute_url()).content.decode()
    assert "<h1>Immune thrombocytopenia (ITP)</h1>" in page
    assert "IVIG for immune thrombocytopenia" in page
    assert "Secret draft" not in page
    assert re.search(r'<a class="product-name" href="/products/[\w-]+/">Privigen</a>', page)


def test_unpublished_condition_is_not_found(client):
    condition = ConditionFactory(draft=True)
    assert client.get(condition.get_absolute_url()).status_code == 404


def test_home_lists_published_articles_and_conditions_only(client, article):
    ArticleFactory(draft=True, title="Secret draft")
    ConditionFactory(name="Hidden condition", draft=True)
    page = client.get("/").content.decode()
    assert "IVIG for immune thrombocytopenia" in page
    assert "Immune thrombocytopenia" in page
    assert "Secret draft" not in page
    assert "Hidden condition" not in page


def test_article_page_queries_do_not_grow_with_its_lists(client, article, django_assert_max_num_queries):
    @seeding()
    def add_rows(count):
        for _ in range(count):
            source = SourceFactory()
            SourceAuthorFactory.create_batch(3, source=source)
            CitationFactory(article=article, source=source)
            ArticleSideEffectFactory(article=article)
            article.products.add(ProductApprovalFactory().product)
            article.conditions.add(ConditionFactory())

    add_rows(2)
    with django_assert_max_num_queries(18) as small:
        client.get(article.get_absolute_url())
    add_rows(10)
    with django_assert_max_num_queries(18) as large:
        client.get(article.get_absolute_url())
    assert len(large.captured_queries) == len(small.captured_queries)


def test_condition_page_queries_are_bounded(client, article, django_assert_max_num_queries):
    condition = article.conditions.get()
    for _ in range(8):
        ArticleFactory(conditions=[condition])
        ProductApprovalFactory(condition=condition)
    with django_assert_max_num_queries(10):
        assert client.get(condition.get_absolute_url()).status_code == 200
