"""“Was this page helpful?”: stored, validated, plain text, CSRF-protected, throttled, and listed for editors."""

import pytest
from django.test import Client

from feedback.models import Feedback
from tests.factories import ArticleFactory, FeedbackFactory
from tests.html import main_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(slug="ivig-at-home")


def send(client, article, **data):
    return client.post(f"/articles/{article.slug}/feedback/", data)


def test_yes_is_stored_and_thanked_on_the_article(client, article):
    response = send(client, article, helpful="yes")

    assert response.status_code == 302
    assert response["Location"] == "/articles/ivig-at-home/#feedback"
    feedback = Feedback.objects.get()
    assert (feedback.article, feedback.helpful, feedback.reason) == (article, True, "")
    page = main_content(client.get(response["Location"]))
    assert "Thank you. Your feedback helps us keep this page clear and correct." in page
    assert "Send feedback" not in page


def test_no_is_stored_with_the_reason_and_comment(client, article):
    send(client, article, helpful="no", reason="error", comment="The dose in paragraph two is wrong.")

    feedback = Feedback.objects.get()
    assert (feedback.helpful, feedback.reason, feedback.comment) == (
        False,
        Feedback.Reason.ERROR,
        "The dose in paragraph two is wrong.",
    )


def test_no_without_a_reason_asks_for_one(client, article):
    response = send(client, article, helpful="no")

    assert response.status_code == 200
    assert "Choose what was wrong, so we know what to fix." in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_reason_sent_with_yes_is_dropped(client, article):
    send(client, article, helpful="yes", reason="unclear")

    assert Feedback.objects.get().reason == ""


def test_an_answer_is_required(client, article):
    response = send(client, article, comment="Hello")

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Feedback.objects.exists()


def test_unknown_reasons_are_refused(client, article):
    response = send(client, article, helpful="no", reason="spam")

    assert response.status_code == 200
    assert not Feedback.objects.exists()


def test_html_in_a_comment_is_not_kept(client, article):
    send(client, article, helpful="no", reason="other", comment='<a href="http://spam.example">Buy</a> <b>now</b>')

    assert Feedback.objects.get().comment == "Buy now"


def test_comments_are_limited_to_a_thousand_characters(client, article):
    response = send(client, article, helpful="no", reason="other", comment="x" * 1001)

    assert response.status_code == 200
    assert "Ensure this value has at most 1000 characters" in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_post_from_another_site_is_refused(article):
    client = Client(enforce_csrf_checks=True)

    response = send_from(client, article, "https://attacker.example", helpful="no", reason="other")

    assert response.status_code == 403
    assert not Feedback.objects.exists()


def test_a_post_whose_referer_is_another_site_is_refused(article):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        f"/articles/{article.slug}/feedback/", {"helpful": "yes"}, HTTP_REFERER="https://attacker.example/page"
    )

    assert response.status_code == 403
    assert not Feedback.objects.exists()


def test_a_post_from_a_hidden_origin_is_refused(article):
    response = send_from(Client(), article, "null", helpful="yes")

    assert response.status_code == 403
    assert not Feedback.objects.exists()


def test_the_form_on_the_article_posts_from_our_own_pages_without_a_token(article):
    client = Client(enforce_csrf_checks=True)
    page = client.get(article.get_absolute_url())
    assert "csrfmiddlewaretoken" not in page.content.decode()
    assert not page.cookies

    response = client.post(
        f"/articles/{article.slug}/feedback/",
        {"helpful": "yes"},
        HTTP_ORIGIN="http://testserver",
        HTTP_REFERER=f"http://testserver{article.get_absolute_url()}",
    )

    assert response.status_code == 302
    assert Feedback.objects.count() == 1


def test_refused_posts_from_another_site_do_not_use_up_the_readers_allowance(client, article, settings):
    settings.FEEDBACK_RATE_LIMIT = 1
    send_from(client, article, "https://attacker.example", helpful="yes")

    assert send(client, article, helpful="yes").status_code == 302


def send_from(client, article, origin, **data):
    return client.post(f"/articles/{article.slug}/feedback/", data, HTTP_ORIGIN=origin)


def test_each_client_is_throttled_after_the_limit(client, article, settings):
    settings.FEEDBACK_RATE_LIMIT = 2

    statuses = [send(client, article, helpful="yes").status_code for _ in range(3)]

    assert statuses == [302, 302, 429]
    assert Feedback.objects.count() == 2


def test_throttling_tells_the_reader_why(client, article, settings):
    settings.FEEDBACK_RATE_LIMIT = 0

    response = send(client, article, helpful="yes")

    assert response.status_code == 429
    assert "we accept only a few answers from each connection per hour" in response.content.decode()


def test_throttling_counts_each_client_address_separately(client, article, settings):
    settings.FEEDBACK_RATE_LIMIT = 1
    send(client, article, helpful="yes")

    other = client.post(f"/articles/{article.slug}/feedback/", {"helpful": "yes"}, REMOTE_ADDR="203.0.113.9")

    assert other.status_code == 302
    assert Feedback.objects.count() == 2


def test_feedback_on_a_draft_is_not_found(client):
    draft = ArticleFactory(draft=True)

    assert send(client, draft, helpful="yes").status_code == 404


def test_the_form_works_on_its_own_page_without_javascript(client, article):
    page = main_content(client.get(f"/articles/{article.slug}/feedback/"))

    assert 'method="post"' in page
    assert '<input type="radio" name="helpful" value="no"' in page
    assert '<label for="id_comment">Tell us more (optional)</label>' in page


# --- Admin -------------------------------------------------------------------------------------------------------


def test_editors_list_feedback_filtered_by_article(admin_client, article):
    FeedbackFactory(article=article, comment="Typo in the dosing table.")
    FeedbackFactory(comment="About another article.")

    page = admin_client.get(f"/admin/feedback/feedback/?article__id__exact={article.pk}").content.decode()

    assert "Typo in the dosing table." in page
    assert "About another article." not in page


def test_editors_filter_feedback_by_answer_and_reason(admin_client, article):
    FeedbackFactory(article=article, reason=Feedback.Reason.UNCLEAR, comment="Too many long words.")
    FeedbackFactory(article=article, helpful=True, reason="", comment="Great.")

    page = admin_client.get("/admin/feedback/feedback/?helpful__exact=0&reason__exact=unclear").content.decode()

    assert "Too many long words." in page
    assert "Great." not in page


def test_editors_mark_feedback_as_dealt_with(admin_client, article):
    feedback = FeedbackFactory(article=article)

    admin_client.post(
        "/admin/feedback/feedback/", {"action": "mark_resolved", "_selected_action": [feedback.pk], "index": 0}
    )

    feedback.refresh_from_db()
    assert feedback.is_resolved


def test_feedback_cannot_be_added_in_the_admin(admin_client):
    assert admin_client.get("/admin/feedback/feedback/add/").status_code == 403


def test_feedback_change_page_shows_the_comment_read_only(admin_client, article):
    feedback = FeedbackFactory(article=article, comment="<b>not bold</b>")

    page = admin_client.get(f"/admin/feedback/feedback/{feedback.pk}/change/").content.decode()

    assert "&lt;b&gt;not bold&lt;/b&gt;" in page
    assert 'name="comment"' not in page
