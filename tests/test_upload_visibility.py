"""
Images uploaded into drafts stay private until a record using them is published: readers get a 404 (the same as for
a file that does not exist), staff who may view the record get the image, never kept by any cache. Unpublishing the
last record that uses an image makes it private again.
"""

import datetime
import re
from io import BytesIO

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles.models import Article
from review import workflow
from richtext.models import Upload, UploadUse
from tests.admin_forms import change_through_admin
from tests.factories import ArticleFactory, ConditionFactory, ContributorFactory, PageFactory

pytestmark = pytest.mark.django_db

PUBLIC = "public, max-age=2592000, immutable"
PRIVATE = "private, no-store"


def png(colour="teal"):
    buffer = BytesIO()
    Image.new("RGB", (8, 6), colour).save(buffer, format="PNG")
    return SimpleUploadedFile("chart.png", buffer.getvalue(), content_type="image/png")


def upload_through_the_editor(client):
    response = client.post(reverse("ckeditor_upload"), {"upload": png()})
    assert response.status_code == 200
    return response.json()["url"]


def body_showing(url, alt="A bar chart of platelet counts"):
    return f'<h2>Results</h2><p>Counts rose.</p><p><img src="{url}" alt="{alt}"></p>'


@pytest.fixture
def stored_image(settings):
    """An image stored under uploads/, as the editor's upload leaves it; returns its address."""
    folder = settings.MEDIA_ROOT / "uploads" / "2025" / "03"
    folder.mkdir(parents=True)
    (folder / "5f0c2a9e4b7d4c1e8a3b6d9f0e1c2b3a.png").write_bytes(png().read())
    return "/media/uploads/2025/03/5f0c2a9e4b7d4c1e8a3b6d9f0e1c2b3a.png"


@pytest.fixture
def outsider(django_user_model):
    """A staff login that may handle readers' feedback but not view any content."""
    user = django_user_model.objects.create_user("outsider", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_feedback", "change_feedback"]))
    return user


def get(client, url, user=None):
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    return client.get(url)


def body(response):
    return b"".join(response.streaming_content)


def test_an_image_uploaded_into_a_draft_is_not_found_by_readers(client, editor, settings):
    client.force_login(editor)
    url = upload_through_the_editor(client)
    draft = ArticleFactory(draft=True)
    assert change_through_admin(client, draft, body=body_showing(url)).status_code == 302

    missing_url = url.replace(".png", "0.png")
    private = get(client, url)
    missing = get(client, missing_url)

    assert private.status_code == missing.status_code == 404
    # The page names the address asked for, and nothing else tells them apart.
    assert private.content.replace(url.encode(), b"") == missing.content.replace(missing_url.encode(), b"")
    assert private.get("Cache-Control") == missing.get("Cache-Control")


def test_the_editor_sees_the_image_they_just_uploaded_and_nobody_keeps_a_copy(client, editor):
    client.force_login(editor)

    url = upload_through_the_editor(client)
    response = client.get(url)

    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE
    assert response["Content-Type"] == "image/png"


def test_a_reviewer_previewing_a_draft_sees_its_image(client, reviewer, stored_image):
    ArticleFactory(draft=True, body=body_showing(stored_image))

    response = get(client, stored_image, reviewer)

    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE
    assert body(response).startswith(b"\x89PNG")


def test_staff_who_may_not_view_the_draft_do_not_get_its_image(client, outsider, stored_image):
    ArticleFactory(draft=True, body=body_showing(stored_image))

    assert get(client, stored_image, outsider).status_code == 404


def test_staff_who_may_not_upload_do_not_get_an_image_nothing_uses_yet(client, outsider, reviewer, stored_image):
    assert get(client, stored_image, outsider).status_code == 404
    assert get(client, stored_image, reviewer).status_code == 404


def test_publishing_the_article_makes_its_images_public(client, stored_image, publish_through_review):
    draft = ArticleFactory(draft=True, body=body_showing(stored_image))
    assert get(client, stored_image).status_code == 404

    publish_through_review(draft)
    response = get(client, stored_image)

    assert response.status_code == 200
    assert response["Cache-Control"] == PUBLIC


def test_a_hero_image_uploaded_into_a_draft_is_private_until_published(client, editor, publish_through_review):
    draft = ArticleFactory(draft=True)
    client.force_login(editor)
    change_through_admin(client, draft, hero_image=png(), hero_image_alt="A nurse setting up a drip")
    draft = Article.objects.get(pk=draft.pk)

    assert get(client, draft.hero_image.url).status_code == 404
    assert get(client, draft.hero_image.url, editor)["Cache-Control"] == PRIVATE

    publish_through_review(draft)

    assert get(client, draft.hero_image.url).status_code == 200


@pytest.mark.parametrize(
    ("factory", "field"),
    [(ConditionFactory, "overview"), (ContributorFactory, "bio"), (PageFactory, "body")],
    ids=["condition", "contributor", "site-page"],
)
def test_images_in_every_kind_of_rich_text_wait_for_publication(
    client, stored_image, publish_through_review, factory, field
):
    draft = factory(draft=True, **{field: body_showing(stored_image)})
    assert get(client, stored_image).status_code == 404

    publish_through_review(draft)

    assert get(client, stored_image).status_code == 200


def test_a_contributor_photo_is_public_only_while_the_profile_is(client, reviewer, publish_through_review):
    profile = ContributorFactory(draft=True, photo=png(), photo_alt="Portrait of Dr Ana Ruiz")
    assert get(client, profile.photo.url).status_code == 404

    profile = publish_through_review(profile)
    assert get(client, profile.photo.url).status_code == 200

    workflow.perform(profile, "unpublish", reviewer, "She has left the board.")
    assert get(client, profile.photo.url).status_code == 404


def test_unpublishing_the_last_page_that_uses_an_image_makes_it_private_again(client, reviewer, stored_image):
    article = ArticleFactory(body=body_showing(stored_image))
    assert get(client, stored_image).status_code == 200

    workflow.perform(article, "unpublish", reviewer, "Withdrawn: the dosing chart is out of date.")

    assert get(client, stored_image).status_code == 404
    assert get(client, stored_image, reviewer).status_code == 200


def test_archiving_the_last_page_that_uses_an_image_makes_it_private_again(client, reviewer, stored_image):
    article = ArticleFactory(body=body_showing(stored_image))

    workflow.perform(article, "archive", reviewer, "No longer relevant.")

    assert get(client, stored_image).status_code == 404


def test_an_image_another_live_page_uses_stays_public(client, reviewer, stored_image):
    withdrawn = ArticleFactory(body=body_showing(stored_image))
    ConditionFactory(overview=body_showing(stored_image))

    workflow.perform(withdrawn, "unpublish", reviewer, "Withdrawn.")

    assert get(client, stored_image).status_code == 200


def test_a_new_version_without_an_image_takes_it_off_the_site_and_puts_its_new_one_on(
    client, editor, reviewer, stored_image, settings
):
    article = ArticleFactory(body=body_showing(stored_image))
    client.force_login(editor)
    replacement = upload_through_the_editor(client)
    copy = workflow.start_new_version(article, editor)
    copy.body = body_showing(replacement, alt="An updated chart")
    copy.save()
    assert get(client, replacement).status_code == 404  # waiting for review

    copy = workflow.perform(copy, "submit", editor)
    copy = workflow.perform(copy, "fact_check", reviewer, "Checked.")
    workflow.perform(copy, "publish", reviewer)

    assert get(client, replacement).status_code == 200
    assert get(client, stored_image).status_code == 404


def test_a_pending_new_version_leaves_the_published_image_public(client, editor, stored_image):
    article = ArticleFactory(body=body_showing(stored_image))

    copy = workflow.start_new_version(article, editor)
    copy.body = "<p>No chart any more.</p>"
    copy.save()

    assert get(client, stored_image).status_code == 200


def test_an_article_published_for_later_shows_its_images_from_its_time(client, stored_image, monkeypatch):
    at = timezone.now() + datetime.timedelta(hours=2)
    ArticleFactory(body=body_showing(stored_image), published_at=at)
    assert get(client, stored_image).status_code == 404

    monkeypatch.setattr(timezone, "now", lambda: at + datetime.timedelta(minutes=1))

    assert get(client, stored_image).status_code == 200


def test_an_image_made_private_is_not_served_from_any_cache(client, reviewer, stored_image):
    article = ArticleFactory(body=body_showing(stored_image))
    assert get(client, stored_image).status_code == 200
    assert get(client, stored_image).status_code == 200

    workflow.perform(article, "unpublish", reviewer, "Withdrawn.")

    assert get(client, stored_image).status_code == 404


def test_a_staff_only_image_never_reaches_a_reader_through_the_page_cache(client, reviewer, stored_image):
    ArticleFactory(draft=True, body=body_showing(stored_image))
    staff = get(client, stored_image, reviewer)
    assert staff.status_code == 200
    assert "X-Page-Cache" not in staff

    reader = get(client, stored_image)

    assert reader.status_code == 404
    assert "X-Page-Cache" not in reader


def test_each_upload_records_who_uploaded_it_and_from_where(client, editor):
    client.force_login(editor)
    url = upload_through_the_editor(client)
    draft = ArticleFactory(draft=True)
    change_through_admin(client, draft, hero_image=png(), hero_image_alt="A drip stand")
    hero = Article.objects.get(pk=draft.pk).hero_image.name

    uploads = {upload.name: upload for upload in Upload.objects.all()}

    from_editor = uploads[url.removeprefix("/media/")]
    assert (from_editor.origin, from_editor.uploaded_by) == (Upload.Origin.EDITOR, editor)
    assert (uploads[hero].origin, uploads[hero].field, uploads[hero].uploaded_by) == (
        Upload.Origin.IMAGE_FIELD,
        "articles.article.hero_image",
        editor,
    )


def test_render_published_makes_the_images_of_already_published_records_public(client, stored_image):
    """An upgrade: records published before uploads were recorded keep their images."""
    ArticleFactory(body=body_showing(stored_image))
    UploadUse.objects.all().delete()
    Upload.objects.all().delete()
    assert get(client, stored_image).status_code == 404

    call_command("render_published")

    assert get(client, stored_image).status_code == 200
    assert Upload.objects.get().origin == Upload.Origin.FOUND


def test_migrate_makes_the_images_of_already_published_records_public(client, stored_image):
    ArticleFactory(body=body_showing(stored_image))
    UploadUse.objects.all().delete()

    call_command("migrate", verbosity=0)

    assert get(client, stored_image).status_code == 200


def test_a_link_to_an_upload_counts_as_a_use(client, stored_image):
    ArticleFactory(body=f'<p>See <a href="{stored_image}">the full chart</a>.</p>')

    assert get(client, stored_image).status_code == 200


def test_an_image_from_another_site_with_the_same_path_is_not_a_use(client, stored_image):
    ArticleFactory(body=body_showing(f"https://elsewhere.example{stored_image}"))

    assert get(client, stored_image).status_code == 404


def test_behind_nginx_the_application_decides_and_the_proxy_sends_the_file(client, reviewer, stored_image, settings):
    settings.MEDIA_ACCEL_REDIRECT = "/internal-media/"
    name = stored_image.removeprefix("/media/")
    article = ArticleFactory(draft=True, body=body_showing(stored_image))

    assert get(client, stored_image).status_code == 404
    staff = get(client, stored_image, reviewer)
    assert (staff.status_code, staff["X-Accel-Redirect"], staff["Cache-Control"]) == (
        200,
        f"/internal-media/{name}",
        PRIVATE,
    )
    assert staff.content == b""

    Article.objects.filter(pk=article.pk).update(status="published", published_at=timezone.now())
    call_command("render_published")
    reader = get(client, stored_image)
    assert (reader.status_code, reader["X-Accel-Redirect"], reader["Cache-Control"]) == (
        200,
        f"/internal-media/{name}",
        PUBLIC,
    )


def test_the_admin_lists_every_upload_with_who_uploaded_it_and_whether_readers_see_it(admin_client, stored_image):
    ArticleFactory(body=body_showing(stored_image))
    draft_only = stored_image.replace("5f0c", "6a1d")
    ArticleFactory(draft=True, body=body_showing(draft_only))

    page = admin_client.get(reverse("admin:richtext_upload_changelist")).content.decode()

    rows = {re.search(r"uploads/[^<\"]+\.png", row)[0]: row for row in page.split("<tr")[1:] if ".png" in row}
    assert 'alt="True"' in rows[stored_image.removeprefix("/media/")]
    assert 'alt="False"' in rows[draft_only.removeprefix("/media/")]
    assert (
        admin_client.post(reverse("admin:richtext_upload_delete", args=[Upload.objects.first().pk])).status_code == 403
    )
