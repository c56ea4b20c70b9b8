"""
Flat at scale: every reader page runs a bounded number of queries however much content the site holds, lists
are paginated, the sitemap is an index, and the admin opens in the same number of queries at 20 and 60 rows
(a query per row would show as 40 more).
"""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from review import workflow
from review.guard import seeding
from review.rendering import render_published
from tests.factories import (
    ArticleFactory,
    ArticleSideEffectFactory,
    CitationFactory,
    ConditionFactory,
    ContributorFactory,
    ProductApprovalFactory,
    ProductFactory,
    ProductSideEffectFactory,
    SideEffectFactory,
    SourceAuthorFactory,
    SourceFactory,
)
from tests.shared_rows import capture, put_back

pytestmark = pytest.mark.django_db

MAX_READER_QUERIES = 8

READER_PAGES = [
    "/",
    "/articles/",
    "/articles/?page=3",
    "/articles/the-guide/",
    "/conditions/",
    "/conditions/itp/",
    "/conditions/itp/?page=3",
    "/products/",
    "/products/privigen/",
    "/side-effects/",
    "/side-effects/headache/",
    "/contributors/rosa-delgado/",
    "/expert-board/",
    "/search/?q=platelet",
    "/feeds/rss/",
    "/conditions/itp/atom/",
    "/sitemap.xml",
    "/sitemap-articles.xml",
]


@seeding()  # a session fixture's setup is not inside conftest's hook (it belongs to no folder)
def build_big_site():
    """60 published articles on one condition, naming one product and side effect; the guide cites 200 sources."""
    author = ContributorFactory(name="Rosa Delgado", slug="rosa-delgado", on_expert_board=True)
    condition = ConditionFactory(name="Immune thrombocytopenia", abbreviation="ITP", slug="itp")
    product = ProductFactory(brand_name="Privigen", slug="privigen")
    ProductApprovalFactory(product=product, condition=condition)
    headache = SideEffectFactory(name="Headache", slug="headache")
    guide = ArticleFactory(
        title="The guide", slug="the-guide", author=author, conditions=[condition], body="<p>Low platelet counts.</p>"
    )
    guide.products.add(product)
    for _ in range(200):
        SourceAuthorFactory.create_batch(2, source=CitationFactory(article=guide).source)
    for _ in range(30):
        effect = SideEffectFactory()
        ArticleSideEffectFactory(article=guide, side_effect=effect)
        ProductSideEffectFactory(product=product, side_effect=effect)
    for number in range(60):
        article = ArticleFactory(
            author=author, conditions=[condition], body=f"<p>Platelet story {number}.</p>", fact_checker=author
        )
        article.products.add(product)
        ArticleSideEffectFactory(article=article, side_effect=headache)
        ContributorFactory(on_expert_board=True)
    render_published()  # as publishing each of them would have stored their pages' parts


@pytest.fixture(scope="session")
def _big_site_rows(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        return capture(build_big_site, tmp_path_factory.mktemp("big-site-media"))


@pytest.fixture
def big_site(db, _big_site_rows, settings):
    """The big site, built once per test process and put back for each test."""
    put_back(_big_site_rows, settings.MEDIA_ROOT)


@pytest.mark.parametrize("url", READER_PAGES)
def test_reader_pages_stay_within_the_query_budget_with_many_records(
    client, big_site, url, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MAX_READER_QUERIES):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("url", [page for page in READER_PAGES if isinstance(page, str)] + ["/articles/the-guide/"])
def test_a_cached_reader_page_costs_no_query(client, big_site, url, django_assert_num_queries):
    client.get(url)
    with django_assert_num_queries(0):
        assert client.get(url)["X-Page-Cache"] == "hit"


def test_a_condition_with_many_articles_shows_them_a_page_at_a_time(client, big_site):
    first = client.get("/conditions/itp/").content.decode()
    last = client.get("/conditions/itp/?page=4").content.decode()

    assert first.count("the-guide/") + first.count("ivig-guide-") >= 20
    assert 'href="?page=2#articles-heading" rel="next"' in first
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert "Page 4" in last


@pytest.mark.parametrize("url", ["/products/privigen/", "/side-effects/headache/", "/contributors/rosa-delgado/"])
def test_other_pages_with_many_articles_paginate_them(client, big_site, url):
    page = client.get(url).content.decode()
    second = client.get(f"{url}?page=2").content.decode()

    assert 'href="?page=2#' in page
    assert "Page 2" in second


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999", "2\x00"])
def test_a_page_number_that_is_not_one_shows_the_first_page(client, big_site, page):
    response = client.get("/conditions/itp/", {"page": page})

    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert "Page 1" in response.content.decode()


def test_the_sitemap_is_an_index_of_sections_that_list_every_published_page(client, big_site, monkeypatch):
    from articles.sitemaps import ArticleSitemap

    monkeypatch.setattr(ArticleSitemap, "limit", 25)
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    index = ET.fromstring(client.get("/sitemap.xml").content)
    sections = [loc.text.removeprefix("http://testserver") for loc in index.iter(f"{ns}loc")]
    urls = [loc.text for section in sections for loc in ET.fromstring(client.get(section).content).iter(f"{ns}loc")]

    assert "/sitemap-articles.xml?p=3" in sections
    assert len({url for url in urls if url.startswith("http://testserver/articles/") and url.count("/") == 5}) == 61
    assert "http://testserver/conditions/itp/" in urls
    assert "http://testserver/side-effects/headache/" in urls
    assert "http://testserver/contributors/rosa-delgado/" in urls


def test_sitemap_entries_never_load_article_text(client, big_site):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/sitemap-articles.xml").status_code == 200

    assert queries.captured_queries
    assert not [query for query in queries.captured_queries if "body" in query["sql"]]


def admin_query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("page", ["changelist", "change", "read-only", "new version"])
def test_the_admin_opens_articles_in_the_same_number_of_queries_at_20_and_60(client, editor, page):
    """The list, a draft, a published article (read-only: its body with numbered sources) and a new version."""
    client.force_login(editor)
    condition = ConditionFactory()
    product = ProductFactory()
    article = ArticleFactory(conditions=[condition], draft=page in ("changelist", "change"))
    cited = [article]

    @seeding()
    def grow(count):
        for _ in range(count):
            other = ArticleFactory(conditions=[condition])
            other.products.add(product)
            for record in cited:
                SourceAuthorFactory(source=CitationFactory(record=record).source)
                ArticleSideEffectFactory(article=record)

    grow(19)
    if page == "new version":  # with a change, so the desk asks the pages that show the article what it changes
        cited.append(workflow.start_new_version(article, editor))
        cited[-1].title = "A new title for the new version"
        cited[-1].save()
    url = (
        reverse("admin:articles_article_changelist")
        if page == "changelist"
        else reverse("admin:articles_article_change", args=[cited[-1].pk])
    )
    admin_query_count(client, url)  # content types and permissions cached, as in a running process
    few = admin_query_count(client, url)
    grow(40)
    many = admin_query_count(client, url)

    assert many == few


@pytest.mark.parametrize("model", ["condition", "product", "sideeffect", "source"])
def test_the_admin_opens_cited_records_in_the_same_number_of_queries_at_20_and_60(client, editor, model):
    """Their sources (and a product's approvals and side effects, a source's authors and citing articles)."""
    client.force_login(editor)
    factory = {
        "condition": ConditionFactory,
        "product": ProductFactory,
        "sideeffect": SideEffectFactory,
        "source": SourceFactory,
    }[model]
    record = factory(draft=True)

    @seeding()
    def grow(count):
        for _ in range(count):
            if model == "source":
                SourceAuthorFactory(source=record)
                CitationFactory(record=ArticleFactory(), source=record)
                continue
            SourceAuthorFactory(source=CitationFactory(record=record).source)
            if model == "product":
                ProductApprovalFactory(product=record)
                ProductSideEffectFactory(product=record)

    app = "references" if model == "source" else "articles"
    url = reverse(f"admin:{app}_{model}_change", args=[record.pk])
    grow(20)
    admin_query_count(client, url)
    few = admin_query_count(client, url)
    grow(40)
    many = admin_query_count(client, url)

    assert many == few
