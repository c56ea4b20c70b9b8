"""Uploads in production: served from local disk safely, or from S3-compatible storage; stored as image data only."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles.models import Article
from tests.factories import ArticleFactory
from tests.people import member_of
from tests.test_settings import manage

pytestmark = pytest.mark.django_db


def gif_bytes(colours=("red",), trailer=b""):
    frames = [Image.new("RGB", (6, 4), colour) for colour in colours]
    buffer = BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=120, loop=0)
    return buffer.getvalue() + trailer


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    return settings


def test_a_hero_image_is_served_with_debug_off(client, production):
    article = ArticleFactory(hero_image=SimpleUploadedFile("hero.gif", gif_bytes()), hero_image_alt="A drip stand")

    response = client.get(article.hero_image.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == Path(article.hero_image.path).read_bytes()


@pytest.mark.parametrize(
    "address",
    [
        "/media/../ivig_site/settings.py",
        "/media/uploads/%2e%2e/%2e%2e/manage.py",
        "/media/notes.txt",
        "/media/none.png",
    ],
)
def test_only_uploaded_images_are_served(client, production, address):
    (production.MEDIA_ROOT / "notes.txt").parent.mkdir(parents=True, exist_ok=True)
    (production.MEDIA_ROOT / "notes.txt").write_text("private")

    assert client.get(address).status_code == 404


def test_media_is_left_to_the_proxy_when_it_serves_it(client, production):
    article = ArticleFactory(hero_image=SimpleUploadedFile("hero.gif", gif_bytes()), hero_image_alt="A drip stand")
    production.SERVE_MEDIA = False

    assert client.get(article.hero_image.url).status_code == 404


def test_a_gif_with_a_trailing_script_is_stored_as_image_data_only(client, settings):
    client.force_login(member_of("Editors"))
    upload = SimpleUploadedFile("funny.gif", gif_bytes(trailer=b"<script>alert(document.cookie)</script>"))

    response = client.post(reverse("ckeditor_upload"), {"upload": upload})

    stored = (settings.MEDIA_ROOT / response.json()["url"].removeprefix(settings.MEDIA_URL)).read_bytes()
    assert b"<script>" not in stored
    assert stored.endswith(b"\x3b")  # a GIF ends with its trailer byte, nothing after it
    with Image.open(BytesIO(stored)) as image:
        assert (image.format, image.size) == ("GIF", (6, 4))


def test_a_hero_gif_is_reencoded_too(settings):
    article = ArticleFactory(
        hero_image=SimpleUploadedFile("hero.gif", gif_bytes(trailer=b"<?php system($_GET[1]); ?>")),
        hero_image_alt="A nurse",
    )

    stored = Path(Article.objects.get(pk=article.pk).hero_image.path).read_bytes()
    assert b"<?php" not in stored


def test_animated_gifs_keep_their_frames_and_timing(client):
    client.force_login(member_of("Editors"))

    animation = SimpleUploadedFile("a.gif", gif_bytes(("red", "blue", "lime")))

    response = client.post(reverse("ckeditor_upload"), {"upload": animation})

    served = client.get(response.json()["url"])
    with Image.open(BytesIO(b"".join(served.streaming_content))) as image:
        assert image.n_frames == 3
        assert image.info["duration"] == 120


def test_uploads_can_go_to_s3_compatible_object_storage():
    show = (
        "from django.core.files.storage import storages; s = storages['default'];"
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.url('uploads/a.png'))"
    )
    result = manage(
        "shell",
        "-c",
        show,
        DJANGO_MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="ivig-media",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        AWS_S3_CUSTOM_DOMAIN="media.ivig.example.org",
    )

    assert result.stdout.strip().splitlines()[-1] == (
        "S3Storage ivig-media http://127.0.0.1:9000 https://media.ivig.example.org/media/uploads/a.png"
    ), result.stderr


def test_uploaded_images_cannot_run_anything(client, settings):
    (settings.MEDIA_ROOT / "uploads").mkdir(parents=True)
    (settings.MEDIA_ROOT / "uploads" / "a.png").write_bytes(b"\x89PNG")
    ArticleFactory(body='<p><img src="/media/uploads/a.png" alt="A chart"></p>')

    response = client.get("/media/uploads/a.png")

    assert re.search(r"default-src 'none'", response["Content-Security-Policy"])
    assert response["X-Content-Type-Options"] == "nosniff"
