"""
Demo sources carry their complete author lists, so readers see references as AMA style prints them (every author
up to six, else three and "et al"); a demo library loaded with the shortened lists gets them through review.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from references.admin import import_differences
from references.formatting import format_source
from references.importers import read_references
from references.models import Source
from review.guard import seeding
from review.models import ReviewEvent, Status

pytestmark = pytest.mark.django_db

KAVERI_DOI = "10.1111/j.1365-2249.2011.04387.x"
KAVERI = "Kaveri SV, Maddur MS, Hegde P, Lacroix-Desmazes S, Bayry J. Intravenous immunoglobulins"
CASTAGNOLI = "Castagnoli R, Delmonte OM, Calzoni E, Notarangelo LD. Hematopoietic"


def load():
    out = StringIO()
    call_command("load_demo_content", stdout=out)
    return out.getvalue()


def published(**lookup):
    return Source.objects.get(draft_of__isnull=True, **lookup)


def test_sources_with_up_to_six_authors_print_every_author(demo_site):

    assert format_source(published(doi=KAVERI_DOI), html=False).startswith(KAVERI)
    castagnoli = published(citation_key="castagnoli-2019")
    assert format_source(castagnoli, html=False).startswith(CASTAGNOLI)
    assert "et al" not in format_source(castagnoli, html=False)


def test_sources_with_more_than_six_authors_keep_et_al(demo_site):

    assert format_source(published(citation_key="perez-2017"), html=False).startswith(
        "Perez EE, Orange JS, Bonilla F, et al. Update on the use"
    )


@seeding()
def shorten(source, keep=2):
    source.authors.filter(position__gt=keep).delete()
    Source.objects.filter(pk=source.pk).update(has_more_authors=True)


def test_a_library_loaded_with_the_shortened_lists_gets_the_complete_ones_through_review():
    load()
    kaveri = published(doi=KAVERI_DOI)
    shorten(kaveri)

    output = load()

    copy = Source.objects.get(draft_of=kaveri)
    assert copy.status == Status.IN_REVIEW
    assert format_source(copy, html=False).startswith(KAVERI)
    assert ReviewEvent.objects.for_object(copy).filter(comment__contains="complete list of authors").exists()
    assert "created 1 source" in output
    kaveri.refresh_from_db()
    assert format_source(kaveri, html=False).startswith("Kaveri SV, Maddur MS, et al.")  # readers: until reviewed
    assert load().strip() == "Demo content is already loaded; nothing created."


def test_an_author_list_an_editor_changed_is_left_alone():
    load()
    castagnoli = published(citation_key="castagnoli-2019")
    shorten(castagnoli)
    castagnoli.authors.filter(position=2).update(family_name="Delmonte-Smith")

    load()

    assert not Source.objects.filter(draft_of=castagnoli).exists()


def test_importing_the_zotero_file_finds_no_author_differences_in_the_demo_library():
    load()
    text = (Path(__file__).parent / "data" / "zotero-ivig-therapy.ris").read_text()

    records = {record.reference.title: record for record in read_references(text)}

    for title in ("Intravenous immunoglobulins in immunodeficiencies", "Hematopoietic Stem Cell Transplantation"):
        record = next(record for name, record in records.items() if name.startswith(title))
        assert record.status == "existing"
        assert "Authors" not in [change.label for change in import_differences(record.existing, record.reference)]
