"""
Labels staff read in the admin say what they mean: an image without a description is named by the file the editor
uploaded, the author choices say which profiles readers cannot see, and every link of the admin home's review queue
leads to a list that shows the records it counted.
"""

import datetime
import json
import re
from html import unescape
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles.models import Article
from review.models import QUEUES, Status
from tests.admin_forms import admin_change_url, change_through_admin
from tests.factories import (
    ArticleFactory,
    ConditionFactory,
    ContributorFactory,
    PageFactory,
    SideEffectFactory,
    SourceFactory,
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


# --- The review queue: every link leads to the records it counts ----------------------------------------------------


@pytest.fixture
def queued(editor):
    """Records of several kinds in every queue: in review, fact-checked, sent back, scheduled, overdue, drafts."""
    today = timezone.localdate()
    later = timezone.now() + datetime.timedelta(days=3)
    for factory in (ArticleFactory, SourceFactory, SideEffectFactory):
        factory(status=Status.IN_REVIEW, published_at=None)
        factory(status=Status.CHANGES_REQUESTED, published_at=None)
        factory(draft=True, created_by=editor)
    ArticleFactory(status=Status.FACT_CHECKED, published_at=None)
    ConditionFactory(status=Status.FACT_CHECKED, published_at=None)
    PageFactory(published_at=later)
    ArticleFactory(published_at=later)
    ConditionFactory(next_review_due=today - datetime.timedelta(days=2))


def queue_rows(page):
    """``[(label, count, link or None, [(kind, count, link), ...]), ...]`` as the admin home shows the queue."""
    table = page[page.index('id="review-queue"') :]
    table = table[: table.index("</table>")]
    rows = []
    for row in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", table, re.DOTALL):
        heading = re.match(r'(?:<a href="([^"]+)">)?([^<]+)', row)
        count = int(re.search(r'<td class="review-count">(\d+)</td>', row).group(1))
        kinds = [
            (name, int(number), unescape(link))
            for link, name, number in re.findall(r'<a href="([^"]+)">([^<:]+): (\d+)</a>', row)
        ]
        link = unescape(heading.group(1)) if heading.group(1) else None
        rows.append((heading.group(2), count, link, kinds))
    return rows


def listed(client, link):
    response = client.get(link)
    assert response.status_code == 200, link
    return response.context["cl"].result_count


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_every_queue_link_lists_the_records_it_counts(client, queued, editor, reviewer, role):
    client.force_login(editor if role == "editor" else reviewer)

    rows = queue_rows(client.get(reverse("admin:index")).content.decode())

    assert [label for label, *_ in rows] == [str(label) for _key, label, _condition, _query in QUEUES]
    assert sum(count for _label, count, _link, _kinds in rows) > 0
    for label, count, link, kinds in rows:
        assert count == sum(number for _kind, number, _url in kinds), label
        for kind, number, url in kinds:
            assert listed(client, url) == number, f"{label}: {kind}"
        if len(kinds) == 1:
            assert link == kinds[0][2], label
        else:  # no list shows records of several kinds, nor an empty queue's
            assert link is None, label
        if link:
            assert listed(client, link) == count, label


def test_a_queue_holding_several_kinds_links_each_kind_to_its_own_list(client, queued, reviewer):
    client.force_login(reviewer)

    rows = {
        label: kinds for label, _count, _link, kinds in queue_rows(client.get(reverse("admin:index")).content.decode())
    }

    awaiting = {kind: url.split("?")[0] for kind, _number, url in rows["Awaiting fact-check"]}
    assert awaiting == {
        "side effects": reverse("admin:articles_sideeffect_changelist"),
        "articles": reverse("admin:articles_article_changelist"),
        "sources": reverse("admin:references_source_changelist"),
    }


def test_the_queue_table_has_headers_for_its_columns(client, reviewer):
    client.force_login(reviewer)

    page = client.get(reverse("admin:index")).content.decode()

    table = page[page.index('id="review-queue"') :]
    head = table[table.index("<thead>") : table.index("</thead>")]
    assert re.findall(r'<th scope="col">([^<]+)</th>', head) == ["Queue", "Records", "By kind"]
    assert "<caption>Review queue</caption>" in table
