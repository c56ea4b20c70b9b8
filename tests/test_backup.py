"""Backup and restore: a round trip brings back every row of every model, and every upload, byte for byte."""

import datetime
import io
from pathlib import Path

import pytest
import reversion
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from ops.backups import row_counts
from review import workflow
from review.guard import seeding
from tests.factories import ArticleFactory, CitationFactory, FactCheckerFactory, SourceFactory
from tests.people import member_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile("hero.png", buffer.getvalue())


# Computed from the other rows, and computed again by every restore (stored page parts, upload uses, search index).
DERIVED = {"review.RenderedPage", "richtext.UploadUse", "search.Document"}


def every_row():
    """Every row of every model but the derived ones, as plain values: what must come back unchanged."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy and model._meta.label not in DERIVED:
            fields = [field.attname for field in model._meta.concrete_fields]
            rows[model._meta.label] = sorted(model._base_manager.values_list(*fields), key=repr)
    return rows


def every_upload(settings):
    root = Path(settings.MEDIA_ROOT)
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()}


@pytest.fixture
def site(settings):
    """A site with an article, its citation, an upload, version history and the review records of today's models."""
    reviewer = member_of("Reviewers")
    with reversion.create_revision():
        article = ArticleFactory(title="IVIG at home", hero_image=png(), hero_image_alt="A drip stand")
    with reversion.create_revision():
        article.title = "IVIG at home: a guide"
        article.save()
    CitationFactory(article=article, source=SourceFactory(title="Home infusion of immunoglobulin"))
    apps.get_model("review", "ReviewEvent").objects.create(
        record=article, actor=reviewer, action="fact_check", comment="Checked the doses."
    )
    apps.get_model("review", "FactCheck").objects.create(
        record=article,
        reviewer=reviewer,
        contributor=article.fact_checker or article.author,
        checked_at=timezone.now(),
        lock_version=1,
        snapshot={"title": article.title},
    )
    return article


def test_a_backup_and_restore_round_trip_keeps_every_record_and_upload(site, settings, tmp_path):
    before, uploads = every_row(), every_upload(settings)
    counts = row_counts()
    assert counts["reversion.Version"] >= 2 and counts["references.Citation"] == 1
    assert len(uploads) == 1

    call_command("backup_site", output=tmp_path / "backups", stdout=io.StringIO())
    [archive] = (tmp_path / "backups").glob("ivig-backup-*.tar.gz")
    # Everything lost after the backup: rows of every kind, and the uploads.
    # Workflow records first: they protect the profiles they name.
    models = list(reversed(apps.get_models()))
    models.sort(key=lambda model: model._meta.app_label != "review")
    with seeding():  # the loss is a disaster, not an edit: it goes past review as it would past anything
        for model in models:
            if model._meta.managed and not model._meta.proxy and model._meta.app_label != "contenttypes":
                model._base_manager.all().delete()
    for path in Path(settings.MEDIA_ROOT).rglob("*.png"):
        path.unlink()
    ArticleFactory(title="Written after the backup")

    out = io.StringIO()
    call_command("restore_site", str(archive), yes=True, stdout=out)

    assert "Restored" in out.getvalue()
    assert every_row() == before
    assert every_upload(settings) == uploads
    assert not apps.get_model("articles", "Article").objects.filter(title="Written after the backup").exists()


def test_a_backup_is_readable_only_by_its_owner(site, tmp_path):
    call_command("backup_site", output=tmp_path, stdout=io.StringIO())

    [archive] = tmp_path.glob("ivig-backup-*.tar.gz")
    assert archive.stat().st_mode & 0o777 == 0o600


# --- After a restore, nothing derived from the replaced database survives -------------------------------------


@pytest.fixture
def staff():
    """An editor and a reviewer with a fact-checker profile, as the workflow needs them."""
    editor = member_of("Editors", "ed")
    reviewer = member_of("Reviewers", "rita")
    FactCheckerFactory(name="Rita Reviewer", user=reviewer)
    return editor, reviewer


def publish_new_version(article, staff, at=None, **changes):
    editor, reviewer = staff
    copy = workflow.start_new_version(article, editor)
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.save()
    copy = workflow.perform(copy, "submit", editor)
    copy = workflow.perform(copy, "fact_check", reviewer, "Checked.")
    return workflow.perform(copy, "publish", reviewer, at=at)


def back_up(tmp_path):
    call_command("backup_site", output=tmp_path / "backups", stdout=io.StringIO())
    [archive] = (tmp_path / "backups").glob("ivig-backup-*.tar.gz")
    return archive


def restore(archive):
    call_command("restore_site", str(archive), yes=True, stdout=io.StringIO())


def test_after_a_restore_readers_get_the_restored_page_at_once(client, staff, tmp_path):
    article = ArticleFactory(title="IVIG at home", slug="ivig-at-home")
    url = article.get_absolute_url()
    assert "IVIG at home" in client.get(url).content.decode()
    assert client.get(url)["X-Page-Cache"] == "hit"
    archive = back_up(tmp_path)
    publish_new_version(article, staff, title="IVIG at home, revised")
    assert "IVIG at home, revised" in client.get(url).content.decode()
    assert client.get(url)["X-Page-Cache"] == "hit"

    restore(archive)

    page = client.get(url)
    assert page["X-Page-Cache"] == "miss"
    assert "IVIG at home" in page.content.decode()
    assert "revised" not in page.content.decode()
    assert "revised" not in client.get("/articles/").content.decode()


def test_a_restore_renders_every_published_page_again_in_todays_citation_style(client, settings, tmp_path):
    citation = CitationFactory(source=SourceFactory(year=2018, volume="9", pages="765-778"))
    call_command("render_published")
    url = citation.record.get_absolute_url()
    assert "2018;9:765-778." in client.get(url).content.decode()
    archive = back_up(tmp_path)
    settings.CITATION_STYLE = "vancouver"

    restore(archive)

    assert "2018;9:765-78." in client.get(url).content.decode()


def test_a_scheduled_version_in_the_backup_goes_live_at_its_time_after_a_restore(client, staff, tmp_path, monkeypatch):
    article = ArticleFactory(title="IVIG at home", slug="ivig-at-home")
    at = timezone.now() + datetime.timedelta(hours=2)
    publish_new_version(article, staff, at=at, title="IVIG at home: the spring update")
    archive = back_up(tmp_path)
    copy = type(article).objects.get(draft_of=article)
    workflow.perform(copy, "cancel_schedule", staff[1])
    assert "spring update" not in client.get(article.get_absolute_url()).content.decode()  # nothing due now

    restore(archive)
    monkeypatch.setattr(timezone, "now", lambda: at + datetime.timedelta(minutes=1))

    assert "IVIG at home: the spring update" in client.get(article.get_absolute_url()).content.decode()


def test_a_restore_shows_readers_the_images_of_the_restored_pages(client, site, tmp_path):
    """A backup made before uploads were recorded: the published article's image is public after the restore."""
    apps.get_model("richtext", "UploadUse").objects.all().delete()
    archive = back_up(tmp_path)

    restore(archive)

    response = client.get(site.hero_image.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == Path(site.hero_image.path).read_bytes()


def test_a_restore_makes_the_restored_pages_searchable(client, tmp_path):
    """A backup without a search index (an older release): readers find the restored articles."""
    ArticleFactory(title="Immunoglobulin at home", slug="immunoglobulin-at-home")
    apps.get_model("search", "Document").objects.all().delete()
    archive = back_up(tmp_path)

    restore(archive)

    assert "/articles/immunoglobulin-at-home/" in client.get("/search/", {"q": "immunoglobulin"}).content.decode()
