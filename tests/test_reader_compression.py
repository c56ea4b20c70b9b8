"""
Reader pages travel compressed to a browser that accepts gzip, fresh or from the page cache, and plain to one that
does not; shared caches are told the two differ (``Vary: Accept-Encoding``).
"""

import gzip

import pytest

from tests.factories import ArticleFactory, ConditionFactory

pytestmark = pytest.mark.django_db

GZIP = {"accept-encoding": "gzip, deflate, br"}


@pytest.fixture
def article():
    body = "".join(f"<h2>Part {n}</h2><p>What happens on an infusion day, step by step.</p>" for n in range(20))
    return ArticleFactory(title="Your infusion day", body=body)


def vary(response):
    return {value.strip().lower() for value in response.get("Vary", "").split(",")}


def test_a_page_comes_compressed_and_opens_to_the_same_html(client, article):
    plain = client.get(article.get_absolute_url())
    packed = client.get(article.get_absolute_url(), headers=GZIP)

    assert plain.status_code == packed.status_code == 200
    assert packed["Content-Encoding"] == "gzip"
    assert len(packed.content) < len(plain.content) / 2
    assert gzip.decompress(packed.content) == plain.content
    assert b"Your infusion day" in plain.content


def test_without_gzip_the_page_is_plain_and_says_it_varies_by_encoding(client, article):
    response = client.get(article.get_absolute_url())

    assert not response.has_header("Content-Encoding")
    assert response.content.startswith(b"<!DOCTYPE html>")
    assert "accept-encoding" in vary(response)


def test_a_page_from_the_cache_is_compressed_too(client, article):
    first = client.get(article.get_absolute_url(), headers=GZIP)
    again = client.get(article.get_absolute_url(), headers=GZIP)
    plain = client.get(article.get_absolute_url())

    assert (first["X-Page-Cache"], again["X-Page-Cache"], plain["X-Page-Cache"]) == ("miss", "hit", "hit")
    assert first["Content-Encoding"] == again["Content-Encoding"] == "gzip"
    assert "accept-encoding" in vary(again)
    assert gzip.decompress(first.content) == gzip.decompress(again.content) == plain.content


@pytest.mark.parametrize("page", ["/", "/conditions/", "/conditions/itp/", "/search/?q=platelets", "/feeds/rss/"])
def test_every_kind_of_reader_page_is_compressed(client, page):
    ConditionFactory(slug="itp", summary="Platelets fall. " * 30)
    ArticleFactory(dek="Platelets and what they do. " * 20)

    response = client.get(page, headers=GZIP)

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"


def test_an_unchanged_page_is_still_answered_not_modified(client, article):
    packed = client.get(article.get_absolute_url(), headers=GZIP)

    again = client.get(article.get_absolute_url(), headers={**GZIP, "if-none-match": packed["ETag"]})

    assert packed["ETag"].startswith('W/"')  # the compressed bytes differ from the page's, so the tag is weak
    assert again.status_code == 304


def test_a_pdf_handout_is_sent_as_it_is(client, article):
    response = client.get(f"{article.get_absolute_url()}handout.pdf", headers=GZIP)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert not response.has_header("Content-Encoding")
    assert response.content.startswith(b"%PDF")
