"""Images from editors: only real web images, stored under random names, by staff who may edit articles."""

import re
from io import BytesIO
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles.models import Article
from tests.admin_forms import change_through_admin
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NOT_AN_IMAGE = "This file is not an image we can read. Upload a JPEG, PNG, GIF or WebP picture."
UPLOAD_URL = re.compile(r"^/media/uploads/\d{4}/\d{2}/[0-9a-f]{32}\.png$")


def image_bytes(image_format="PNG", size=(8, 6)):
    buffer = BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format=image_format)
    return buffer.getvalue()


def png_file(name="infusion-chair.png"):
    return SimpleUploadedFile(name, image_bytes(), content_type="image/png")


def stored_files(settings):
    media = Path(settings.MEDIA_ROOT)
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def upload(client, file=None, **query):
    url = reverse("ckeditor_upload") + (f"?{urlencode(query)}" if query else "")
    return client.post(url, {"upload": file} if file else {})


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_anonymous_upload_redirects_to_the_admin_login_and_stores_nothing(client, settings):
    response = upload(client, png_file())

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert stored_files(settings) == []


def test_staff_without_article_change_permission_are_refused(client, django_user_model, settings):
    user = django_user_model.objects.create_user("reader", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_article", "add_article"]))
    client.force_login(user)

    response = upload(client, png_file())

    assert response.status_code == 403
    assert stored_files(settings) == []


def test_get_is_not_allowed(editor_client):
    assert editor_client.get(reverse("ckeditor_upload")).status_code == 405


def test_editor_uploads_a_png_and_gets_its_address(editor_client):
    response = upload(editor_client, png_file())

    assert response.status_code == 200
    assert response.json()["uploaded"] == 1
    assert UPLOAD_URL.match(response.json()["url"])


def test_uploaded_image_is_stored_under_a_random_name(editor_client, settings):
    url = upload(editor_client, png_file("my-patient-jane-doe.png")).json()["url"]

    assert "jane" not in url
    [stored] = stored_files(settings)
    assert url == settings.MEDIA_URL + stored.relative_to(settings.MEDIA_ROOT).as_posix()
    assert stored.read_bytes() == image_bytes()


def test_two_uploads_with_the_same_name_do_not_overwrite_each_other(editor_client, settings):
    first = upload(editor_client, png_file("photo.png")).json()["url"]
    second = upload(editor_client, png_file("photo.png")).json()["url"]

    assert first != second
    assert len(stored_files(settings)) == 2


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        pytest.param("notes.png", b"Just some text pretending to be a picture.", "image/png", id="text-renamed-png"),
        pytest.param("page.html", b"<html><script>alert(1)</script></html>", "text/html", id="html"),
        pytest.param(
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="5" height="5"/></svg>',
            "image/svg+xml",
            id="svg",
        ),
        pytest.param("cut.png", image_bytes()[:40], "image/png", id="truncated-png"),
    ],
)
def test_files_that_are_not_images_are_refused(editor_client, settings, name, content, content_type):
    response = upload(editor_client, SimpleUploadedFile(name, content, content_type=content_type))

    assert response.status_code == 400
    assert response.json()["uploaded"] == 0
    assert response.json()["error"]["message"] == NOT_AN_IMAGE
    assert stored_files(settings) == []


def test_an_image_over_the_size_limit_is_refused_with_the_limit(editor_client, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 50

    response = upload(editor_client, png_file())

    assert response.status_code == 400
    assert "the largest image you can upload is 50\xa0bytes" in response.json()["error"]["message"]
    assert stored_files(settings) == []


@pytest.mark.parametrize("image_format", ["TIFF", "BMP"])
def test_images_browsers_cannot_show_are_refused(editor_client, settings, image_format):
    picture = SimpleUploadedFile(f"scan.{image_format.lower()}", image_bytes(image_format))

    response = upload(editor_client, picture)

    assert response.status_code == 400
    assert f"{image_format} images are not shown by every browser" in response.json()["error"]["message"]
    assert stored_files(settings) == []


def test_an_image_with_too_many_pixels_is_refused(editor_client, settings, monkeypatch):
    monkeypatch.setattr("richtext.uploads.MAX_PIXELS", 47)

    response = upload(editor_client, png_file())

    assert response.status_code == 400
    assert "8 × 6 pixels, which is too large" in response.json()["error"]["message"]
    assert stored_files(settings) == []


def test_posting_without_a_file_gives_a_readable_error(editor_client):
    response = upload(editor_client)

    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Choose an image file to upload."


def test_the_editor_dialog_gets_a_script_handing_back_the_address(editor_client):
    response = upload(editor_client, png_file(), CKEditorFuncNum=3)

    assert response.status_code == 200
    call = re.fullmatch(
        r'<script>window\.parent\.CKEDITOR\.tools\.callFunction\(3, "([^"]+)", ""\);</script>',
        response.content.decode(),
    )
    assert call
    assert UPLOAD_URL.match(call[1])


def test_the_editor_dialog_shows_why_an_upload_was_refused(editor_client, settings):
    response = upload(editor_client, SimpleUploadedFile("notes.png", b"plain text"), CKEditorFuncNum=3)

    content = response.content.decode()
    assert content == f'<script>window.parent.CKEDITOR.tools.callFunction(3, "", "{NOT_AN_IMAGE}");</script>'
    assert stored_files(settings) == []


@pytest.mark.parametrize("func_num", ["1);alert(1);//", "3abc", "²", "-1"])
def test_a_non_numeric_dialog_callback_is_refused_and_not_echoed(editor_client, settings, func_num):
    response = upload(editor_client, png_file(), CKEditorFuncNum=func_num)

    assert response.status_code == 400
    assert b"alert" not in response.content
    assert b"callFunction" not in response.content
    assert stored_files(settings) == []


def test_a_hero_image_that_is_not_an_image_is_rejected_in_plain_words():
    article = ArticleFactory(hero_image_alt="A nurse")
    article.hero_image = SimpleUploadedFile("hero.png", b"This is text.", content_type="image/png")

    with pytest.raises(ValidationError) as error:
        article.full_clean()

    assert error.value.message_dict["hero_image"] == [NOT_AN_IMAGE]


def test_the_admin_rejects_a_hero_image_that_is_not_an_image(admin_client, settings):
    article = ArticleFactory(draft=True)

    response = change_through_admin(
        admin_client,
        article,
        hero_image=SimpleUploadedFile("hero.png", b"This is text.", content_type="image/png"),
        hero_image_alt="A nurse",
    )

    assert response.status_code == 200
    assert "hero_image" in response.context["adminform"].form.errors
    assert stored_files(settings) == []


def test_the_admin_explains_a_non_image_hero_in_the_same_words_as_the_editor_upload(admin_client):
    article = ArticleFactory(draft=True)

    response = change_through_admin(
        admin_client,
        article,
        hero_image=SimpleUploadedFile("hero.svg", b"<svg></svg>", content_type="image/svg+xml"),
        hero_image_alt="A nurse",
    )

    assert response.context["adminform"].form.errors["hero_image"] == [NOT_AN_IMAGE]


def test_the_admin_rejects_a_hero_image_in_a_format_browsers_cannot_show(admin_client, settings):
    article = ArticleFactory(draft=True)

    response = change_through_admin(
        admin_client,
        article,
        hero_image=SimpleUploadedFile("hero.tiff", image_bytes("TIFF"), content_type="image/tiff"),
        hero_image_alt="A nurse",
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["hero_image"] == [
        "TIFF images are not shown by every browser. Upload a JPEG, PNG, GIF or WebP picture."
    ]
    assert stored_files(settings) == []


def test_a_hero_image_without_a_description_is_rejected(admin_client, settings):
    article = ArticleFactory(draft=True)

    response = change_through_admin(admin_client, article, hero_image=png_file(), hero_image_alt="")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["hero_image_alt"] == [
        "Describe the hero image for readers who cannot see it."
    ]
    assert stored_files(settings) == []


def test_the_admin_stores_a_hero_image_under_a_random_name(admin_client, settings):
    article = ArticleFactory(draft=True)

    response = change_through_admin(
        admin_client, article, hero_image=png_file("jane-doe-at-home.png"), hero_image_alt="A nurse"
    )

    assert response.status_code == 302
    article = Article.objects.get(pk=article.pk)
    assert re.fullmatch(r"articles/\d{4}/[0-9a-f]{32}\.png", article.hero_image.name)
    assert (Path(settings.MEDIA_ROOT) / article.hero_image.name).read_bytes() == image_bytes()


@pytest.mark.django_db
def test_uploaded_photos_lose_their_location_metadata(client, editor, settings):
    image = Image.new("RGB", (40, 30), "white")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (52.0, 22.0, 1.0)}  # GPSInfo: latitude
    buffer = BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    client.force_login(editor)

    response = client.post(reverse("ckeditor_upload"), {"upload": SimpleUploadedFile("me.jpg", buffer.getvalue())})

    stored = settings.MEDIA_ROOT / response.json()["url"].removeprefix(settings.MEDIA_URL)
    with Image.open(stored) as saved:
        assert saved.size == (40, 30)
        assert not saved.getexif()
