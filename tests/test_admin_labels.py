"""
Labels staff read in the admin say what they mean: an image without a description is named by the file the editor
uploaded, the author choices say which profiles readers cannot see, and every link of the admin home's review queue
leads to a list that shows the records it counted.
"""

import json
import re
from html import unescape
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles.models import Article
from review.models import Status
from tests.admin_forms import admin_change_url, change_through_admin
from tests.factories import (
    ArticleFactory,
    ContributorFactory,
)
from tests.people import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return member_of("Editors")


@pytest.fixture
def reviewer():
    return member_of("Reviewers")


def messages_of(response):
    return [str(message) for message in response.wsgi_request._messages]


# --- An image without a description is named as the editor knows it ---------------------------------------------


def png_named(name):
    buffer = BytesIO()
    Image.new("RGB", (8, 6), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_an_undescribed_image_is_named_by_the_file_the_editor_uploaded(client, editor):
    client.force_login(editor)
    address = client.post(reverse("ckeditor_upload"), {"upload": png_named("Infusion pump.png")}).json()["url"]
    stored_as = address.rsplit("/", 1)[-1]
    assert "pump" not in address.lower()  # readers' address for it still says nothing
    article = ArticleFactory(draft=True, created_by=editor)
    change_through_admin(client, article, body=f'<p>The pump.</p><p><img src="{address}"></p>')

    response = client.post(reverse("admin:articles_article_transition", args=[article.pk, "submit"]))

    said = " ".join(messages_of(response))
    assert "“Infusion pump.png” in body has no description (alt text)" in said
    assert stored_as not in said
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_an_image_without_a_recorded_upload_is_named_by_its_address(editor):
    from review import workflow

    article = ArticleFactory(draft=True, body='<p><img src="/media/uploads/2024/01/ice%20pack.png"></p>')

    with pytest.raises(workflow.WorkflowError, match=r"“ice pack\.png” in body"):
        workflow.perform(article, "submit", editor)


# --- Author choices say which profiles readers cannot see ---------------------------------------------------------


@pytest.fixture
def writers():
    return {
        "live": ContributorFactory(name="Ana Ruiz", credentials="MD"),
        "archived": ContributorFactory(name="Ben Ortiz", credentials="", status=Status.ARCHIVED),
        "draft": ContributorFactory(name="Cleo Diaz", credentials="", draft=True),
        "unpublished": ContributorFactory(name="Dev Rao", credentials="", status=Status.UNPUBLISHED),
    }


def author_choices(client, term=""):
    """What the article form's author box offers after typing ``term``, read from the address the page gives it."""
    page = client.get(reverse("admin:articles_article_add")).content.decode()
    select = re.search(r'<select name="author"[^>]*>', page).group(0)
    url = unescape(re.search(r'data-ajax--url="([^"]+)"', select).group(1))
    query = {"term": term, "app_label": "articles", "model_name": "article", "field_name": "author"}
    response = client.get(url, query)
    assert response.status_code == 200
    return [result["text"] for result in json.loads(response.content)["results"]]


def test_the_author_box_marks_archived_and_unpublished_profiles(client, editor, writers):
    client.force_login(editor)

    offered = author_choices(client)

    assert "Ana Ruiz, MD" in offered
    assert "Ben Ortiz (archived)" in offered
    assert "Cleo Diaz (not published yet)" in offered
    assert "Dev Rao (unpublished)" in offered


def test_the_chosen_author_is_marked_too(client, editor, writers):
    article = ArticleFactory(draft=True, author=writers["archived"])
    client.force_login(editor)

    page = client.get(admin_change_url(article)).content.decode()

    select = page[page.index('<select name="author"') :]
    select = select[: select.index("</select>")]
    assert re.search(rf'<option value="{writers["archived"].pk}" selected>Ben Ortiz \(archived\)</option>', select)


def test_only_staff_who_may_see_articles_are_offered_authors(client, django_user_model, writers):
    client.force_login(django_user_model.objects.create_user("nobody", is_staff=True))
    url = reverse("admin:articles_article_author_autocomplete")

    response = client.get(url, {"app_label": "articles", "model_name": "article", "field_name": "author"})

    assert response.status_code in (302, 403)
