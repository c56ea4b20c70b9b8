"""
The change form says which new records a page shows go through review with it (sources imported for an article) and
names as "publish them first" only those that will not.
"""

import pytest

from articles.models import Article
from review.models import Status
from tests.admin_forms import admin_change_url
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ProductFactory,
    ProductSideEffectFactory,
    SideEffectFactory,
    SourceFactory,
)
from tests.people import member_of

pytestmark = pytest.mark.django_db

FIRST = "publish them first"


def desk(client, article_status, source_status):
    article = ArticleFactory(status=article_status, published_at=None, kind=Article.Kind.THERAPY_GUIDE)
    source = SourceFactory(status=source_status, published_at=None, title="Headache after IVIG")
    CitationFactory(article=article, source=source)
    client.force_login(member_of("Reviewers", "rory"))
    response = client.get(admin_change_url(article))
    assert response.status_code == 200
    return response.content.decode()


def block(page, marker):
    """The text of the <div> that ``marker`` (an attribute or words inside it) is in."""
    at = page.index(marker)
    return page[page.rindex("<div", 0, at) : page.index("</div>", at)]


@pytest.mark.parametrize(
    ("article_status", "source_status"),
    [
        (Status.DRAFT, Status.DRAFT),
        (Status.DRAFT, Status.IN_REVIEW),
        (Status.IN_REVIEW, Status.IN_REVIEW),
        (Status.IN_REVIEW, Status.FACT_CHECKED),
        (Status.MEDICALLY_REVIEWED, Status.FACT_CHECKED),  # a source needs no clinician: it waits fact-checked
    ],
)
def test_a_new_source_that_goes_through_review_with_the_article_is_said_so(client, article_status, source_status):
    page = desk(client, article_status, source_status)

    along = block(page, 'id="reviewed-along"')
    assert "go through review with this article" in along
    assert "Headache after IVIG" in along
    assert FIRST not in page


@pytest.mark.parametrize(
    ("article_status", "source_status"),
    [(Status.IN_REVIEW, Status.DRAFT), (Status.FACT_CHECKED, Status.IN_REVIEW)],
)
def test_a_new_source_left_behind_must_be_published_first(client, article_status, source_status):
    page = desk(client, article_status, source_status)

    assert 'id="reviewed-along"' not in page
    note = block(page, FIRST)
    assert 'class="errornote"' in note and "Headache after IVIG" in note


def test_a_new_side_effect_a_product_lists_goes_through_review_with_it_too(client):
    """Not only sources: every new record a page shows, on every reviewed kind's change form."""
    product = ProductFactory(status=Status.IN_REVIEW, published_at=None)
    side_effect = SideEffectFactory(status=Status.IN_REVIEW, published_at=None, name="Itchy rash")
    ProductSideEffectFactory(product=product, side_effect=side_effect)
    client.force_login(member_of("Reviewers", "rory"))

    page = client.get(admin_change_url(product)).content.decode()

    along = block(page, 'id="reviewed-along"')
    assert "Itchy rash" in along
    assert FIRST not in page
