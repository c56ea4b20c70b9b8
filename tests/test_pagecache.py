"""
Readers' pages come from the cache, and every change readers could notice reaches every page at once: publishing,
unpublishing, a scheduled version going live, a record published for later reaching its time. Staff, previews
and pages that set a cookie never enter the cache; conditional GETs get 304.
"""

import datetime
import time

import pytest
from django.core.cache import cache
from django.utils import timezone

from pagecache import generation
from review import workflow
from review.guard import seeding
from review.models import Status
from tests.factories import ArticleFactory, ConditionFactory, ProductFactory

pytestmark = pytest.mark.django_db

READER_PAGES = ["/", "/articles/", "/conditions/itp/", "/products/privigen/", "/feeds/rss/", "/sitemap-articles.xml"]


@pytest.fixture
def site():
    condition = ConditionFactory(name="Immune thrombocytopenia", abbreviation="ITP", slug="itp")
    product = ProductFactory(brand_name="Privigen", slug="privigen")
    article = ArticleFactory(title="Living with ITP", slug="living-with-itp", conditions=[condition])
    article.products.add(product)
    return {"condition": condition, "product": product, "article": article}


def warm(client, urls):
    for url in urls:
        first = client.get(url)
        assert first.status_code == 200, url
        assert client.get(url)["X-Page-Cache"] == "hit", url


def test_a_readers_second_visit_is_served_from_the_cache_without_a_query(client, site, django_assert_num_queries):
    url = site["article"].get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"

    with django_assert_num_queries(0):
        again = client.get(url)

    assert again["X-Page-Cache"] == "hit"
    assert "Living with ITP" in again.content.decode()


def test_publishing_an_article_shows_it_on_every_cached_page_at_once(client, site, publish_through_review):
    warm(client, READER_PAGES)
    draft = ArticleFactory(title="New ITP treatments", slug="new-itp-treatments", draft=True)
    draft.conditions.add(site["condition"])
    draft.products.add(site["product"])
    assert "New ITP treatments" not in client.get("/").content.decode()

    publish_through_review(draft)

    for url in READER_PAGES:
        response = client.get(url)
        assert "new-itp-treatments" in response.content.decode(), url
        assert response["X-Page-Cache"] == "miss", url


def test_unpublishing_takes_an_article_off_every_cached_page_at_once(client, site, reviewer):
    article = site["article"]
    warm(client, [*READER_PAGES, article.get_absolute_url()])

    workflow.perform(article, "unpublish", reviewer, "Withdrawn pending a correction.")

    assert client.get(article.get_absolute_url()).status_code == 404
    for url in READER_PAGES:
        assert "living-with-itp" not in client.get(url).content.decode(), url


def test_a_new_version_of_a_shared_record_reaches_the_pages_that_show_it(client, site, editor, publish_through_review):
    warm(client, [site["article"].get_absolute_url(), "/products/"])
    copy = workflow.start_new_version(site["product"], editor)
    copy.brand_name = "Privigen 10%"
    copy.save()
    assert "Privigen 10%" not in client.get("/products/").content.decode()

    publish_through_review(copy)

    assert "Privigen 10%" in client.get(site["article"].get_absolute_url()).content.decode()
    assert "Privigen 10%" in client.get("/products/").content.decode()


def schedule_new_title(article, title, editor, reviewer):
    """A new version of ``article`` under ``title``, checked and published for two hours from now."""
    copy = workflow.start_new_version(article, editor)
    copy.title = title
    copy.save()
    workflow.perform(copy, "submit", editor)
    workflow.perform(copy, "fact_check", reviewer, "Checked.")
    workflow.perform(copy, "publish", reviewer, at=timezone.now() + datetime.timedelta(hours=2))


def test_a_scheduled_new_version_replaces_the_cached_page_when_it_goes_live(client, site, editor, reviewer):
    article = site["article"]
    schedule_new_title(article, "Living with ITP: the autumn update", editor, reviewer)
    warm(client, [article.get_absolute_url(), "/"])
    assert "autumn update" not in client.get(article.get_absolute_url()).content.decode()

    workflow.publish_due(now=timezone.now() + datetime.timedelta(hours=3))

    assert "autumn update" in client.get(article.get_absolute_url()).content.decode()
    assert "autumn update" in client.get("/").content.decode()


def test_a_scheduled_new_version_goes_live_for_a_reader_whose_page_is_cached(
    client, site, editor, reviewer, monkeypatch, django_assert_num_queries
):
    article = site["article"]
    schedule_new_title(article, "Living with ITP: the winter update", editor, reviewer)
    warm(client, [article.get_absolute_url(), "/"])
    with django_assert_num_queries(0):  # one read of the cache answers: nothing is due yet
        assert "winter update" not in client.get("/").content.decode()

    later = timezone.now() + datetime.timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: later)  # nobody calls publish_due: the reader's request does

    page = client.get(article.get_absolute_url())
    assert page["X-Page-Cache"] == "miss"
    assert "winter update" in page.content.decode()
    assert "winter update" in client.get("/").content.decode()
    article.refresh_from_db()
    assert article.title == "Living with ITP: the winter update"


def test_a_record_published_for_later_appears_on_cached_pages_at_its_time(client, site):
    soon = timezone.now() + datetime.timedelta(seconds=6)
    later = ArticleFactory(title="Arrives shortly", slug="arrives-shortly", published_at=soon)
    with seeding():
        later.conditions.add(site["condition"])
    warm(client, ["/", "/conditions/itp/"])
    assert "arrives-shortly" not in client.get("/").content.decode()

    time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.2)

    assert "arrives-shortly" in client.get("/").content.decode()
    assert "arrives-shortly" in client.get("/conditions/itp/").content.decode()


def test_editing_a_draft_leaves_the_cached_pages_alone(client, site):
    draft = ArticleFactory(draft=True)
    token, _created = generation.current()

    draft.title = "Still a draft"
    draft.save()

    assert generation.current()[0] == token


def test_a_logged_in_editor_never_gets_or_leaves_a_cached_page(client, site, editor):
    url = site["article"].get_absolute_url()
    client.force_login(editor)

    first, second = client.get(url), client.get(url)

    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second
    client.logout()
    assert client.get(url)["X-Page-Cache"] == "miss"


def test_a_staff_preview_of_a_draft_is_never_cached(client, editor):
    draft = ArticleFactory(title="Secret draft", draft=True)
    client.force_login(editor)
    preview = client.get(f"/preview/articles/{draft.pk}/")
    assert preview.status_code == 200
    assert "no-cache" in preview["Cache-Control"]
    client.logout()

    assert not [key for key in cache._cache if "pagecache:page" in key]  # locmem: nothing stored at all
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_reader_pages_set_no_cookie_and_may_be_kept_by_shared_caches(client, site):
    for url in [*READER_PAGES, site["article"].get_absolute_url()]:
        response = client.get(url)
        assert not response.cookies, url
        assert "Cookie" not in response.get("Vary", ""), url
        assert response["Cache-Control"] == "public, max-age=0, must-revalidate", url
        assert response["ETag"] and response["Last-Modified"], url


def test_with_the_page_cache_off_every_visit_is_rendered_and_still_validated(client, site, settings):
    settings.PAGE_CACHE = False
    url = site["article"].get_absolute_url()
    first = client.get(url)
    again = client.get(url)

    assert "X-Page-Cache" not in again
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    settings.PAGE_CACHE = True
    assert client.get(url)["X-Page-Cache"] == "miss"


def test_an_unchanged_page_answers_a_conditional_get_with_304(client, site):
    url = site["article"].get_absolute_url()
    first = client.get(url)

    by_etag = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert by_etag.status_code == 304 and not by_etag.content
    assert by_date.status_code == 304


def test_a_conditional_get_after_an_unpublish_gets_the_404_not_a_304(client, site, reviewer):
    url = site["article"].get_absolute_url()
    etag = client.get(url)["ETag"]

    workflow.perform(site["article"], "unpublish", reviewer, "Withdrawn.")

    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 404


def test_a_changed_page_answers_a_conditional_get_with_the_new_page(client, site, editor, publish_through_review):
    url = site["article"].get_absolute_url()
    etag = client.get(url)["ETag"]
    copy = workflow.start_new_version(site["article"], editor)
    copy.title = "Living well with ITP"
    copy.save()
    publish_through_review(copy)

    response = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert "Living well with ITP" in response.content.decode()


def test_the_thank_you_after_feedback_is_shown_not_the_cached_page(client, site):
    url = site["article"].get_absolute_url()
    client.get(url)

    answered = client.post(f"{url}feedback/", {"helpful": "yes"}, follow=True)

    assert "Thank you" in answered.content.decode()
    assert "Thank you" not in client.get(url).content.decode()


def test_an_evicted_generation_never_brings_old_pages_back(client, site):
    token, _created = generation.current()
    cache.delete(generation.GENERATION_KEY)

    assert generation.current()[0] != token


def test_the_unpublished_state_is_never_cached_for_readers(client, site, reviewer):
    workflow.perform(site["article"], "unpublish", reviewer, "Withdrawn.")
    url = site["article"].get_absolute_url()

    assert client.get(url).status_code == 404
    assert site["article"].__class__.objects.get(pk=site["article"].pk).status == Status.UNPUBLISHED
    assert "X-Page-Cache" not in client.get(url)


def test_a_readers_request_puts_a_due_version_live_before_the_cache_is_asked(client, site, editor, reviewer):
    article = site["article"]
    copy = workflow.start_new_version(article, editor)
    copy.title = "Living with ITP, revised"
    copy.save()
    workflow.perform(copy, "submit", editor)
    workflow.perform(copy, "fact_check", reviewer, "Checked.")
    soon = timezone.now() + datetime.timedelta(seconds=6)
    workflow.perform(copy, "publish", reviewer, at=soon)
    warm(client, [article.get_absolute_url()])

    time.sleep(max(0, (soon - timezone.now()).total_seconds()) + 0.2)
    response = client.get(article.get_absolute_url())

    assert "Living with ITP, revised" in response.content.decode()
    assert response["X-Page-Cache"] == "miss"


def test_a_cached_page_carries_the_same_security_headers_as_the_page_first_served(client, site):
    url = site["article"].get_absolute_url()
    first = client.get(url, secure=True)
    again = client.get(url, secure=True)

    assert (first["X-Page-Cache"], again["X-Page-Cache"]) == ("miss", "hit")
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "Permissions-Policy",
        "Referrer-Policy",
        "X-Content-Type-Options",
        "Cross-Origin-Opener-Policy",
        "Content-Type",
        "Cache-Control",
        "ETag",
        "Last-Modified",
    ):
        assert again.has_header(header), header
        assert again[header] == first[header], header
    # Each response has its own request id, for the logs.
    assert again["X-Request-ID"] != first["X-Request-ID"]
    assert not again.cookies


def test_a_cached_page_is_not_served_to_a_host_the_site_does_not_answer_for(client, site, settings):
    url = site["article"].get_absolute_url()
    settings.ALLOWED_HOSTS = ["testserver", "ivig.example"]
    warm(client, [url])
    settings.ALLOWED_HOSTS = ["ivig.example"]

    assert client.get(url).status_code == 400


def test_a_request_with_a_nul_cookie_is_refused_even_for_a_cached_page(client, site):
    url = site["article"].get_absolute_url()
    warm(client, [url])
    client.cookies["theme"] = "dark\x00"

    assert client.get(url).status_code == 400


def test_a_redirect_or_a_missing_page_never_enters_the_cache(client, site):
    slashless = site["article"].get_absolute_url().rstrip("/")
    for _ in range(2):
        missing = client.get("/articles/no-such-article/")
        redirect = client.get(slashless)

        assert (missing.status_code, redirect.status_code) == (404, 301)
        assert "X-Page-Cache" not in missing and "X-Page-Cache" not in redirect
