"""Backup and restore: a round trip brings back every row of every model, and every upload, byte for byte."""

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
from review.guard import seeding
from tests.factories import ArticleFactory, CitationFactory, SourceFactory
from tests.people import member_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile("hero.png", buffer.getvalue())


def every_row():
    """Every row of every model, as plain values: what must come back unchanged."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
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
