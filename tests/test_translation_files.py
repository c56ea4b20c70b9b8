"""Translators work in PO files: exported from a page, filled in, and imported back as a draft for review."""

import io

import polib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from review.models import Status
from review.workflow import start_new_version
from tests.factories import ConditionFactory, TranslationFactory
from tests.people import member_of
from translations.exchange import TranslationFileError, export_po, import_po
from translations.models import Translation

pytestmark = pytest.mark.django_db


@pytest.fixture
def condition():
    return ConditionFactory(
        name="Immune thrombocytopenia", slug="itp", summary="Low platelets [cite:perez-2017].", treatment=""
    )


def filled(text, **answers):
    po = polib.pofile(text)
    for entry in po:
        entry.msgstr = answers.get(entry.msgctxt, f"ES {entry.msgid}")
    return str(po)


def test_a_pages_file_holds_each_part_with_english_text_once(condition):
    po = polib.pofile(export_po(condition, "es"))
    assert {entry.msgctxt for entry in po} == {"name", "abbreviation", "summary", "overview"}  # treatment is empty
    assert next(e for e in po if e.msgctxt == "summary").msgid == "Low platelets [cite:perez-2017]."
    assert po.metadata["Language"] == "es"
    assert po.metadata["X-Source-Record"] == f"articles.condition:{condition.pk}"


def test_an_imported_file_becomes_a_draft_translation_pinned_to_the_english_it_was_made_from(condition):
    editor = member_of("Editors", "ed")
    result = import_po(filled(export_po(condition, "es"), summary="Plaquetas bajas [cite:perez-2017]."), editor)
    translation = result.translation
    assert translation.status == Status.DRAFT
    assert translation.text["summary"] == "Plaquetas bajas [cite:perez-2017]."
    assert translation.source_version == condition.content_version and not translation.is_outdated


def test_importing_into_a_published_translation_starts_a_new_version_readers_do_not_see(client, condition):
    published = TranslationFactory(source=condition)
    editor = member_of("Editors", "ed")
    result = import_po(filled(export_po(condition, "es"), name="Nombre nuevo"), editor)
    assert result.translation.draft_of_id == published.pk
    assert "Nombre nuevo" not in client.get("/es/conditions/itp/").content.decode()
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED and published.text["name"] != "Nombre nuevo"


def test_a_file_made_from_older_english_comes_back_outdated(condition, publish_through_review, editor):
    exported = export_po(condition, "es")
    change = start_new_version(condition, editor)
    change.summary = "Low platelets, explained again."
    change.save()
    publish_through_review(change)
    result = import_po(filled(exported), member_of("Editors", "ed2"))
    assert result.changed_in_english == ["Short summary"]
    assert result.translation.is_outdated


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xff\xfe not text", "not UTF-8"),
        (b'msgid "x"\x00', "NUL"),
        (b"x" * (3 * 1024 * 1024), "larger than 2 MB"),
        (b'msgid ""\nmsgstr ""\n"Language: es\\n"\n', "does not say which page"),
    ],
)
def test_a_bad_file_is_refused_in_words(condition, content, message):
    with pytest.raises(TranslationFileError, match=message):
        import_po(content, member_of("Editors", "ed"))


def test_a_file_in_a_language_the_site_does_not_have_is_refused(condition):
    text = export_po(condition, "es").replace('"Language: es\\n"', '"Language: fr\\n"')
    with pytest.raises(TranslationFileError, match="“fr”"):
        import_po(text, member_of("Editors", "ed"))


def test_editors_upload_a_file_in_the_admin_and_a_broken_one_is_refused_without_an_error_page(client, condition):
    client.force_login(member_of("Editors", "ed"))
    url = reverse("admin:translations_translation_upload_translation")
    good = SimpleUploadedFile("itp.es.po", filled(export_po(condition, "es")).encode())
    response = client.post(url, {"file": good})
    translation = Translation.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{translation.pk}/change/")

    broken = client.post(url, {"file": SimpleUploadedFile("x.po", b"\xff\xfe")})
    assert broken.status_code == 200 and "not UTF-8" in broken.content.decode()
    assert client.post(url, {}).status_code == 200  # no file: the form says so


def test_reviewers_download_files_but_do_not_upload_them(client, condition):
    client.force_login(member_of("Reviewers", "rev"))
    file_url = reverse("admin:translations_translation_translation_file")
    from django.contrib.contenttypes.models import ContentType

    source = f"{ContentType.objects.get_for_model(condition).pk}-{condition.pk}"
    download = client.get(file_url, {"source": source, "language": "es"})
    assert download.status_code == 200 and b'msgctxt "summary"' in download.content
    upload = client.post(reverse("admin:translations_translation_upload_translation"), {})
    assert upload.status_code == 403


def test_the_commands_export_and_import_a_file(tmp_path, condition):
    member_of("Editors", "ed")
    path = tmp_path / "itp.po"
    call_command("export_translation", f"articles.condition:{condition.pk}", language="es", output=str(path))
    path.write_text(filled(path.read_text(encoding="utf-8")), encoding="utf-8")
    out = io.StringIO()
    call_command("import_translation", str(path), user="ed", stdout=out)
    assert "draft for review" in out.getvalue()
    with pytest.raises(CommandError, match="No translatable record"):
        call_command("export_translation", "articles.nothing:1", language="es")
