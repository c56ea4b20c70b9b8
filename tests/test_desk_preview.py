"""
The reviewer's desk shows a record as readers will see it, in a frame of its own with the site's stylesheet, and
follows the editors' form as they type (the live preview): over HTTP, with real roles. A preview is validated as a
save would be and renders what the form holds, yet leaves nothing behind: no row, no version in the history, no
workflow event, no message, no stale page cache.
"""

import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, ArticleSideEffect
from pagecache import generation
from references.models import Citation
from review import workflow
from review.models import ReviewEvent
from tests.admin_forms import _AdminFormReader, admin_change_url
from tests.factories import ArticleFactory, ArticleSideEffectFactory, CitationFactory, SideEffectFactory, SourceFactory
from tests.people import member_of

pytestmark = pytest.mark.django_db

Status = Article.Status


def reader_url(record):
    return reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_reader", args=[record.pk])


def form_of(client, record):
    """What the browser would post from ``record``'s change form, as ``{name: [values]}``."""
    reader = _AdminFormReader()
    reader.feed(client.get(admin_change_url(record)).content.decode())
    return reader.data


def article_with_sources_and_side_effects(**fields):
    source = SourceFactory(title="Adverse effects of immunoglobulin therapy", citation_key="guo-2018")
    article = ArticleFactory(
        draft=True,
        title="Your infusion day",
        body="<h2>On the day</h2><p>Most people feel tired afterwards [cite:guo-2018].</p>",
        **fields,
    )
    CitationFactory(article=article, source=source, position=1)
    ArticleSideEffectFactory(
        article=article,
        side_effect=SideEffectFactory(name="Anaphylaxis", seriousness="serious"),
        frequency="rare",
        position=1,
    )
    return article


def ids_in(html):
    return re.findall(r'\sid="([^"]+)"', html)


# --- The desk's frame ---------------------------------------------------------------------------------------


def test_the_desk_frames_the_reader_page_drawn_with_the_sites_own_stylesheet(client, editor):
    article = workflow.perform(article_with_sources_and_side_effects(), "submit", editor)
    client.force_login(member_of("Reviewers"))

    page = client.get(admin_change_url(article)).content.decode()
    frame = client.get(reader_url(article))

    desk = page[page.index('id="review-desk"') : page.index("</details>", page.index('id="review-desk"'))]
    assert f'<iframe class="reader-frame" id="reader-frame" src="{reader_url(article)}"' in desk
    assert frame.status_code == 200
    assert frame["X-Frame-Options"] == "SAMEORIGIN"  # the admin page may frame it; other sites may not
    html = frame.content.decode()
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    assert "review-admin.css" not in html and "admin/css" not in html  # the reader's styles only
    assert "<h1>Your infusion day</h1>" in html
    assert '<sup class="citation"><a href="#source-1" id="cite-1-1">1</a></sup>' in html
    assert "Anaphylaxis" in html


def test_the_change_page_holds_the_reader_view_once_and_no_id_twice(client, editor):
    article = workflow.perform(article_with_sources_and_side_effects(), "submit", editor)
    client.force_login(member_of("Reviewers"))

    page = client.get(admin_change_url(article)).content.decode()

    ids = ids_in(page)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    assert page.count('id="cite-1-1"') == 1  # the read-only body; the reader view is in the frame's own page
    assert "Anaphylaxis</a>" not in page[: page.index('id="article_form"')]  # the reader view is not in the page


def test_the_frame_is_shown_to_staff_who_may_view_the_record(client, editor, django_user_model):
    article = workflow.perform(article_with_sources_and_side_effects(), "submit", editor)
    url = reader_url(article)

    assert client.get(url).status_code == 302  # to the admin's login
    for role in ("Editors", "Reviewers", "Medical reviewers"):
        client.force_login(member_of(role, f"{role} member"))
        assert client.get(url).status_code == 200, role
    client.force_login(django_user_model.objects.create_user("visitor", password="pw", is_staff=True))  # no role
    assert client.get(url).status_code == 403


def test_a_record_that_is_not_there_is_a_404_not_an_error(client, editor):
    client.force_login(editor)

    assert client.get(reverse("admin:articles_article_reader", args=[987654])).status_code == 404


def test_a_kind_without_a_reader_page_shows_each_part_under_its_own_heading(client, editor, monkeypatch):
    side_effect = SideEffectFactory(draft=True, name="Chills", description="Shivering for an hour or so.")
    monkeypatch.setattr(admin.site._registry[type(side_effect)], "reader_page_view", None)
    client.force_login(editor)

    html = client.get(reader_url(side_effect)).content.decode()

    assert "<h1>Chills</h1>" in html
    assert "<section><h2>Plain-language description</h2>Shivering for an hour or so.</section>" in html


# --- The live preview ---------------------------------------------------------------------------------------


def traces(article):
    """What a save would leave: the row, its child rows, its history, its events and the readers' cache."""
    article.refresh_from_db()
    return (
        article.title,
        article.body,
        article.lock_version,
        article.modified_at,
        sorted(ArticleSideEffect.objects.filter(article=article).values_list("side_effect__name", "frequency")),
        Citation.objects.count(),
        Version.objects.get_for_object(article).count(),
        ReviewEvent.objects.for_object(article).count(),
        generation.current()[0],
    )


def test_the_preview_shows_what_the_form_holds_and_saves_nothing(client, editor):
    article = article_with_sources_and_side_effects()
    other = SideEffectFactory(name="Headache", seriousness="mild")
    client.force_login(editor)
    data = form_of(client, article)
    before = traces(article)
    data.update(
        title=["Your infusion day, step by step"],
        body=["<h2>On the day</h2><p>Drink plenty of water the day before [cite:guo-2018].</p>"],
        **{"article_side_effects-0-frequency": ["common"], "article_side_effects-1-side_effect": [str(other.pk)]},
    )
    data["article_side_effects-1-position"] = ["2"]
    data["article_side_effects-1-frequency"] = ["common"]

    response = client.post(reader_url(article), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Your infusion day, step by step</h1>" in html
    assert "Drink plenty of water the day before" in html
    assert "Headache" in html  # a new row of the inline, shown before it is saved
    assert "Most people feel tired afterwards" not in html
    assert traces(article) == before
    page = client.get(admin_change_url(article)).content.decode()
    assert 'class="messagelist"' not in page  # what a save would have said stays in the preview


def test_the_preview_is_sanitized_as_a_save_would_be(client, editor):
    article = article_with_sources_and_side_effects()
    client.force_login(editor)
    data = form_of(client, article)
    data["body"] = [
        '<p onclick="steal()">Hello<script>alert(1)</script></p><iframe src="https://example.org"></iframe>'
    ]

    html = client.post(reader_url(article), data).content.decode()

    assert "<p>Hello</p>" in html
    assert "alert(1)" not in html and "onclick" not in html and "example.org" not in html


def test_an_invalid_form_gives_its_errors_in_words_and_the_frame_keeps_the_saved_text(client, editor):
    article = article_with_sources_and_side_effects()
    client.force_login(editor)
    data = form_of(client, article)
    before = traces(article)
    data["title"] = [""]
    data["body"] = ["<p>The text cites [cite:nobody-1999].</p>"]

    response = client.post(reader_url(article), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "The preview waits for" in html
    assert "Title: This field is required." in html
    assert "nobody-1999" in html and "not a source in the library" in html
    assert "Nothing has been saved. Your text is still in the form." in html
    assert traces(article) == before


def test_a_damaged_edit_version_is_explained_not_a_server_error(client, editor):
    article = article_with_sources_and_side_effects()
    client.force_login(editor)
    data = form_of(client, article)
    data["edit_version"] = ["not-a-version"]

    response = client.post(reader_url(article), data)

    assert response.status_code == 400
    assert "edit version has been changed or damaged" in response.content.decode()


def test_a_record_in_review_previews_its_saved_version_whatever_is_posted(client, editor):
    article = workflow.perform(article_with_sources_and_side_effects(), "submit", editor)
    client.force_login(editor)
    data = form_of(client, article)
    before = traces(article)
    data["title"] = ["Changed behind the reviewer's back"]
    data["edit_version"] = ["x"]

    response = client.post(reader_url(article), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Your infusion day</h1>" in html and "behind the reviewer" not in html
    assert traces(article) == before
    assert article.status == Status.IN_REVIEW


def test_only_those_who_may_change_the_record_get_a_preview(client, editor):
    article = article_with_sources_and_side_effects()
    client.force_login(editor)
    data = form_of(client, article)
    data["title"] = ["Previewed by a reviewer"]

    for role in ("Reviewers", "Medical reviewers"):
        client.force_login(member_of(role))
        assert client.post(reader_url(article), data).status_code == 403, role


def test_a_preview_needs_the_forms_csrf_token(editor):
    article = article_with_sources_and_side_effects()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    data = form_of(browser, article)

    assert browser.post(reader_url(article), {**data, "csrfmiddlewaretoken": ["forged"]}).status_code == 403
    assert browser.post(reader_url(article), data).status_code == 200


def test_a_chosen_file_is_not_kept_by_a_preview(client, editor, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.test_uploads import image_bytes

    settings.MEDIA_ROOT = tmp_path
    article = article_with_sources_and_side_effects()
    client.force_login(editor)
    data = {name: values[0] if len(values) == 1 else values for name, values in form_of(client, article).items()}
    data["hero_image"] = SimpleUploadedFile("chair.png", image_bytes(), content_type="image/png")
    data["hero_image_alt"] = "An empty infusion chair"

    response = client.post(reader_url(article), data)

    assert response.status_code == 200
    assert list(tmp_path.rglob("*.png")) == []
    article.refresh_from_db()
    assert not article.hero_image
