"""
Deep pages of article lists: they show exactly the articles a plain OFFSET would, in the same order, and read in
full only the rows they show (the page's ids are picked in a narrow subquery), in as many queries as page 1.
"""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from tests.factories import (
    ArticleFactory,
    ArticleSideEffectFactory,
    ConditionFactory,
    ContributorFactory,
    ProductFactory,
    SideEffectFactory,
)

pytestmark = pytest.mark.django_db

MAX_READER_QUERIES = 8
PUBLISHED = 45  # pages of 20, 20 and 5


@pytest.fixture
def ties():
    """
    45 published articles on one condition, product and side effect, by one author who also fact-checked them,
    in runs that tie on the date cards show and on the publication time (only the id tells them apart); and
    articles readers do not see: a draft and one published for tomorrow.
    """
    author = ContributorFactory(name="Rosa Delgado", slug="rosa-delgado")
    condition = ConditionFactory(name="Immune thrombocytopenia", slug="itp")
    product = ProductFactory(brand_name="Privigen", slug="privigen")
    headache = SideEffectFactory(name="Headache", slug="headache")
    noon = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0) - datetime.timedelta(days=30)
    updated = [None, noon.date() + datetime.timedelta(days=5), None, noon.date() - datetime.timedelta(days=1)]
    for number in range(PUBLISHED):
        article = ArticleFactory(
            author=author,
            fact_checker=author,
            conditions=[condition],
            published_at=noon - datetime.timedelta(days=number % 3),
            last_updated=updated[number % 4],
        )
        article.products.add(product)
        ArticleSideEffectFactory(article=article, side_effect=headache)
    hidden = [
        ArticleFactory(author=author, conditions=[condition], draft=True),
        ArticleFactory(author=author, conditions=[condition], published_at=timezone.now() + datetime.timedelta(days=1)),
    ]
    for article in hidden:
        article.products.add(product)
    call_command("render_published")  # each page's parts stored, as publication through the workflow leaves them


def newest_first():
    """Every published article in the order cards promise (the date they show, then publication time, then id)."""
    articles = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())
    return sorted(articles, key=lambda article: (article.updated_on, article.published_at, article.pk), reverse=True)


def pks(articles):
    return [article.pk for article in articles]


@pytest.mark.parametrize("number", [1, 2, 3])
def test_every_page_of_all_articles_shows_what_an_offset_would(client, ties, number):
    start = (number - 1) * 20
    before = Article.objects.published().for_listing()[start : start + 20]  # the page as read before

    page = client.get(f"/articles/?page={number}").context["page_obj"]

    assert pks(page) == pks(before) == pks(newest_first()[start : start + 20])
    assert page.number == number and page.paginator.num_pages == 3


@pytest.mark.parametrize("url", ["/conditions/itp/", "/products/privigen/", "/side-effects/headache/"])
@pytest.mark.parametrize("number", [1, 2, 3])
def test_every_page_of_a_records_articles_shows_what_an_offset_would(client, ties, url, number):
    start = (number - 1) * 20
    name = "articles_page" if url.startswith("/conditions/") else "articles"

    page = client.get(f"{url}?page={number}").context[name]

    assert pks(page) == pks(newest_first()[start : start + 20])
    assert page.has_next() == (number < 3) and page.has_previous() == (number > 1)


@pytest.mark.parametrize("param,name", [("page", "written"), ("checked", "fact_checked")])
def test_every_page_of_a_contributors_articles_shows_what_an_offset_would(client, ties, param, name):
    for number in (1, 2, 3):
        page = client.get(f"/contributors/rosa-delgado/?{param}={number}").context[name]

        assert pks(page) == pks(newest_first()[(number - 1) * 20 : number * 20])


def test_the_last_page_of_all_articles_ends_the_list(client, ties):
    last = client.get("/articles/?page=3")
    text = last.content.decode()

    assert pks(last.context["page_obj"]) == pks(newest_first()[40:])
    assert text.count('class="card"') == PUBLISHED - 40
    assert "Page 3 of 3" in text and 'rel="prev"' in text and 'rel="next"' not in text
    assert last.context["is_paginated"]
    assert pks(client.get("/articles/?page=last").context["page_obj"]) == pks(last.context["page_obj"])


@pytest.mark.parametrize("page", ["4", "0", "abc"])
def test_a_page_of_all_articles_past_the_end_is_not_found(client, ties, page):
    assert client.get("/articles/", {"page": page}).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/articles/?page=3",
        "/conditions/itp/?page=3",
        "/products/privigen/?page=3",
        "/side-effects/headache/?page=3",
        "/contributors/rosa-delgado/?page=3&checked=3",
    ],
)
def test_a_deep_page_costs_the_queries_of_the_first(client, ties, url, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as first:
        assert client.get(url.split("?")[0]).status_code == 200
    with django_assert_max_num_queries(MAX_READER_QUERIES), CaptureQueriesContext(connection) as deep:
        assert client.get(url).status_code == 200

    assert len(deep) == len(first)
    skipping = [query["sql"] for query in deep.captured_queries if "OFFSET" in query["sql"]]
    assert skipping
    for sql in skipping:  # the offset is taken over ids in a subquery, never over full rows and their joins
        assert sql.count("OFFSET") == 1 and sql.index('IN (SELECT U0."id" AS "pk"') < sql.index("OFFSET")


def test_on_postgresql_a_pages_ids_are_read_from_the_listing_index(ties):
    indexes = connection.introspection.get_constraints(connection.cursor(), Article._meta.db_table)
    if connection.vendor != "postgresql":
        assert "article_listing_idx" not in indexes  # SQLite cannot sort an index NULLS LAST
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # 45 rows: the planner would rather read the table
        cursor.execute("SET LOCAL enable_sort = off")
    plan = Article.objects.published().newest_first().values_list("pk", flat=True)[20:41].explain()

    assert "article_listing_idx" in plan
