"""
No false diffs: what a reader cannot see is not shown to a reviewer as an edit, nor counted as one when two editors'
saves are merged. Line endings (a browser's CRLF against LF, a trailing newline) and the letter case of a DOI are
not edits; a change of case in prose ("itp" → "ITP") is. DOIs are stored in lower case from every way in (the admin
form, RIS, BibTeX and MEDLINE files, Crossref), while sources stored before keep theirs until their next version,
and are still found in any case.
"""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import reversion
from django.db.models import Value
from django.urls import reverse
from reversion.models import Version

from articles.models import SideEffect
from references.crossref import reference_from_crossref
from references.formatting import format_source
from references.importers import read_references
from references.markers import find_keys, resolve_keys
from references.models import Source
from review import workflow
from tests.admin_forms import _AdminFormReader, admin_change_url, change_through_admin
from tests.factories import SideEffectFactory, SourceFactory
from tests.people import member_of

pytestmark = pytest.mark.django_db

UPPER_DOI, LOWER_DOI = "10.3389/FIMMU.2018.01299", "10.3389/fimmu.2018.01299"
IMPORT_URL = reverse("admin:references_source_import")


@pytest.fixture
def editor():
    return member_of("Editors")


@pytest.fixture
def reviewer():
    return member_of("Reviewers")


def stored_before_normalising(record, **values):
    """Give ``record`` values as rows saved before this change hold them (written past every save-time rule)."""
    type(record)._base_manager.filter(pk=record.pk).update(**{name: Value(value) for name, value in values.items()})
    return type(record)._base_manager.get(pk=record.pk)


def diff_parts(page):
    """The labels of the parts the reviewer's diff (desk or "compare versions") shows as changed."""
    return re.findall(r"<h4>([^<]+)</h4>\s*<div class=\"diff\">", page)


def changed_lines(page):
    """The text of every line the diff marks as changed, added or removed (structured data included)."""
    lines = re.findall(r'<p class="diff-line diff-(?:changed|added|removed)">(.*?)</p>', page, re.DOTALL)
    return [re.sub(r"<[^>]+>", "", line) for line in lines]


def desk(client, user, record):
    client.force_login(user)
    response = client.get(admin_change_url(record))
    assert response.status_code == 200
    return response.content.decode()


def new_version(record, editor, **changes):
    """A new version of published ``record`` with ``changes``, submitted for review."""
    copy = workflow.start_new_version(record, editor)
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.save()
    return workflow.perform(copy, "submit", editor)


# --- Line endings --------------------------------------------------------------------------------------------


def test_text_typed_in_the_admin_is_stored_with_one_kind_of_line_ending(client, editor):
    side_effect = SideEffectFactory(draft=True)
    client.force_login(editor)

    response = change_through_admin(client, side_effect, description="Feels like the flu.\r\nIt passes.\r\n")

    assert response.status_code == 302
    assert SideEffect.objects.get(pk=side_effect.pk).description == "Feels like the flu.\nIt passes."


def test_line_endings_alone_are_not_an_edit_on_the_reviewers_desk(client, editor, reviewer):
    side_effect = stored_before_normalising(
        SideEffectFactory(name="Chills"), description="You may shiver.\r\nIt passes.\r\n", what_helps="Warmth.\n"
    )
    copy = new_version(side_effect, editor, name="Chills and shivering", description="You may shiver.\nIt passes.")
    copy.what_helps = "Warmth."

    page = desk(client, reviewer, copy)

    assert diff_parts(page)[0] == "Name"
    assert "Plain-language description" not in diff_parts(page) and "What helps" not in diff_parts(page)
    assert all("Chills" in line for line in changed_lines(page))  # in the structured data too
    assert "<ins>Chills and shivering</ins>" in page


def test_a_change_of_case_in_prose_is_an_edit(client, editor, reviewer):
    side_effect = SideEffectFactory(description="More common in itp.")
    copy = new_version(side_effect, editor, description="More common in ITP.")

    page = desk(client, reviewer, copy)

    assert diff_parts(page)[0] == "Plain-language description"
    assert "~ More common in <del>itp.</del><ins>ITP.</ins>" in page


def test_compare_versions_does_not_show_line_endings_as_an_edit(client, editor):
    side_effect = SideEffectFactory(draft=True, name="Chills", description="You may shiver.\r\nIt passes.")
    with reversion.create_revision():  # a version saved before browsers' line endings were normalised
        SideEffect.objects.get(pk=side_effect.pk).save()
    client.force_login(editor)
    change_through_admin(client, side_effect, name="Chills and shivering")
    assert SideEffect.objects.get(pk=side_effect.pk).description == "You may shiver.\nIt passes."
    assert Version.objects.get_for_object(side_effect).count() == 2

    url = reverse("admin:articles_sideeffect_compare_versions", args=[side_effect.pk])
    page = client.get(url).content.decode()

    assert diff_parts(page) == ["Name"]


# --- DOIs: one spelling stored, any spelling found -------------------------------------------------------------


def test_a_doi_typed_in_capitals_in_the_admin_is_stored_and_printed_in_lower_case(client, editor):
    source = SourceFactory(draft=True, doi="")
    client.force_login(editor)

    response = change_through_admin(client, source, doi=f"https://doi.org/{UPPER_DOI}")

    assert response.status_code == 302
    source = Source.objects.get(pk=source.pk)
    assert source.doi == LOWER_DOI
    assert f"doi:{LOWER_DOI}" in format_source(source, html=False)


RIS = f"""TY  - JOUR
AU  - Guo, Y.
TI  - Adverse effects of immunoglobulin therapy
J2  - Front Immunol
PY  - 2018
VL  - 9
SP  - 1299
DO  - {UPPER_DOI}
ER  -
"""
BIBTEX = f"""@article{{guo2018,
  author = {{Guo, Y.}},
  title = {{Adverse effects of immunoglobulin therapy}},
  journal = {{Front Immunol}},
  year = {{2018}},
  volume = {{9}},
  pages = {{1299}},
  doi = {{{UPPER_DOI}}}
}}
"""
MEDLINE = f"""PMID- 30008697
TI  - Adverse effects of immunoglobulin therapy.
AU  - Guo Y
TA  - Front Immunol
DP  - 2018
VI  - 9
PG  - 1299
AID - {UPPER_DOI} [doi]
"""


@pytest.mark.parametrize("text", [RIS, BIBTEX, MEDLINE], ids=["RIS", "BibTeX", "MEDLINE"])
def test_an_imported_doi_in_capitals_is_stored_in_lower_case(client, editor, text):
    client.force_login(editor)

    preview = client.post(IMPORT_URL, {"text": text})
    assert preview.status_code == 200
    assert f"doi:{LOWER_DOI}" in preview.content.decode()
    response = client.post(IMPORT_URL, {"text": text, "selected": ["1"], "import": "1"})

    assert response.status_code == 302
    source = Source.objects.get()
    assert source.doi == LOWER_DOI
    assert f"doi:{LOWER_DOI}" in format_source(source, html=False)


def test_a_doi_from_crossref_is_read_in_lower_case():
    reference = reference_from_crossref({"title": ["Adverse effects"], "DOI": UPPER_DOI})

    assert reference.doi == LOWER_DOI


class CrossrefStub(BaseHTTPRequestHandler):
    """Crossref as it answers: it knows the work under its DOI in lower case and names it in capitals."""

    def do_GET(self):
        known = self.path == f"/works/{LOWER_DOI}"
        message = {"DOI": UPPER_DOI, "type": "journal-article", "title": ["Adverse effects"], "volume": "9"}
        self.send_response(200 if known else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"message": message}).encode() if known else b"Resource not found.")

    def log_message(self, *args):
        pass


@pytest.fixture
def crossref(settings):
    server = HTTPServer(("127.0.0.1", 0), CrossrefStub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.CROSSREF_API_URL = f"http://127.0.0.1:{server.server_port}/works/"
    yield server
    server.shutdown()
    server.server_close()


def test_filling_from_crossref_stores_the_doi_in_lower_case(client, editor, crossref):
    source = stored_before_normalising(SourceFactory(draft=True, volume=""), doi=UPPER_DOI)
    client.force_login(editor)

    client.post(reverse("admin:references_source_fill_from_doi", args=[source.pk]))

    source = Source.objects.get(pk=source.pk)
    assert (source.volume, source.doi) == ("9", LOWER_DOI)


def test_a_published_doi_in_capitals_is_not_rewritten_behind_reviews_back(editor, reviewer):
    source = stored_before_normalising(SourceFactory(), doi=UPPER_DOI)
    archived = stored_before_normalising(SourceFactory(), doi="10.1016/J.JACI.2016.09.023")

    copy = workflow.start_new_version(source, editor)
    workflow.perform(archived, "archive", reviewer, "No longer cited.")

    # What the reviewer saw stays, through any workflow step, until a new version is published.
    assert Source.objects.get(pk=source.pk).doi == UPPER_DOI
    assert Source.objects.get(pk=archived.pk).doi == "10.1016/J.JACI.2016.09.023"
    assert Source.objects.get(pk=copy.pk).doi == LOWER_DOI


def test_a_doi_differing_only_in_case_is_not_an_edit_on_the_reviewers_desk(client, editor, reviewer):
    source = stored_before_normalising(SourceFactory(title="Adverse effects of IVIG"), doi=UPPER_DOI)
    copy = new_version(source, editor, title="Adverse effects of immunoglobulin therapy")
    assert copy.doi == LOWER_DOI

    page = desk(client, reviewer, copy)

    assert "Title" in diff_parts(page) and "DOI" not in diff_parts(page)
    assert not [line for line in changed_lines(page) if "fimmu" in line.lower()]


def test_a_library_source_with_a_doi_in_capitals_is_found_by_an_import_and_a_marker(client, editor):
    source = stored_before_normalising(SourceFactory(), doi=UPPER_DOI)

    [record] = read_references(RIS.replace(UPPER_DOI, LOWER_DOI))
    assert record.existing == source

    keys = find_keys(f"<p>Headaches [cite:{LOWER_DOI}] and chills [cite:{UPPER_DOI}].</p>")
    assert set(resolve_keys(keys).values()) == {source}


# --- Two editors: case and line endings are no change to merge ---------------------------------------------------


def open_form(client, user, record):
    client.force_login(user)
    reader = _AdminFormReader()
    reader.feed(client.get(admin_change_url(record)).content.decode())
    return reader.data


def save(client, user, record, form, **changes):
    client.force_login(user)
    return client.post(admin_change_url(record), {**form, **{name: [value] for name, value in changes.items()}})


def test_a_doi_only_lower_cased_since_is_no_conflict_with_a_real_change(client):
    ana, ben = member_of("Editors", "ana"), member_of("Editors", "ben")
    source = stored_before_normalising(SourceFactory(draft=True, year=2017), doi=UPPER_DOI)
    bens_form = open_form(client, ben, source)
    # Ana's save stores the DOI in lower case: the same DOI.
    assert save(client, ana, source, open_form(client, ana, source), year="2018").status_code == 302
    assert Source.objects.get(pk=source.pk).doi == LOWER_DOI

    response = save(client, ben, source, bens_form, doi="10.3389/fimmu.2018.01300")

    assert response.status_code == 302, "a conflict was reported"
    source = Source.objects.get(pk=source.pk)
    assert (source.doi, source.year) == ("10.3389/fimmu.2018.01300", 2018)


def test_line_endings_changed_since_are_no_conflict_with_a_real_change(client):
    ana, ben = member_of("Editors", "ana"), member_of("Editors", "ben")
    side_effect = stored_before_normalising(SideEffectFactory(draft=True), description="Shivering.\r\nIt passes.")
    bens_form = open_form(client, ben, side_effect)
    assert save(client, ana, side_effect, open_form(client, ana, side_effect), name="Chills").status_code == 302

    response = save(client, ben, side_effect, bens_form, description="Shivering.\r\nIt passes within hours.")

    assert response.status_code == 302, "a conflict was reported"
    side_effect = SideEffect.objects.get(pk=side_effect.pk)
    assert (side_effect.name, side_effect.description) == ("Chills", "Shivering.\nIt passes within hours.")
