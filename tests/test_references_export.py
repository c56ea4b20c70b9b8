"""An article's sources as RIS and BibTeX files, which read back to the same data."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from references.exporters import to_bibtex, to_ris
from references.importers import read_references
from references.records import Reference
from review.guard import seeding
from tests.factories import ArticleFactory, CitationFactory, SourceFactory, source_with_authors
from tests.html import main_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def library():
    """One source of every kind, with the awkward characters real references have."""
    return [
        source_with_authors(
            "Perez EE",
            "Hébert J",
            "Orange JS",
            title="Efficacy, safety & tolerability of a new 10% intravenous immunoglobulin",
            publication="Front Immunol",
            year=2021,
            volume="12",
            issue="3S",
            pages="S1-S46",
            doi="10.3389/fimmu.2021.707463",
            pmid="34335621",
            citation_key="perez-2021",
        ),
        source_with_authors(
            "Centers for Disease Control and Prevention",
            kind="web_page",
            title="Primary immunodeficiency (PI)",
            publication="CDC",
            publisher="Centers for Disease Control and Prevention",
            year=2022,
            published_on=datetime.date(2022, 1, 23),
            volume="",
            pages="",
            doi="",
            url="https://www.cdc.gov/genomics/disease/primary_immunodeficiency.htm",
            accessed_on=datetime.date(2025, 4, 10),
            citation_key="cdc-pi",
        ),
        source_with_authors(
            "Murphy K",
            "Weaver C",
            kind="book",
            title="Janeway’s Immunobiology",
            publication="",
            publisher="Garland Science",
            year=2016,
            volume="",
            pages="",
            doi="",
            citation_key="murphy-2016",
        ),
        source_with_authors(
            "Ballow M",
            kind="book_chapter",
            title="Immunoglobulin therapy",
            publication="Clinical Immunology: Principles and Practice",
            publisher="Elsevier",
            year=2019,
            volume="",
            pages="1213-1220",
            doi="10.1016/B978-0-7020-6896-6.00086-6",
            citation_key="ballow-2019",
        ),
        source_with_authors(
            "World Health Organization",
            kind="guideline",
            title="Guidelines on the use of immunoglobulin",
            publication="",
            publisher="World Health Organization",
            year=2020,
            volume="",
            pages="",
            doi="",
            url="https://www.who.int/publications/example",
            accessed_on=datetime.date(2025, 4, 10),
            citation_key="who-2020",
        ),
        source_with_authors(
            "Smith A",
            kind="report",
            title="Plasma supply report",
            publication="",
            publisher="Plasma Protein Therapeutics Association",
            year=2023,
            volume="",
            pages="",
            doi="",
            url="https://www.pptaglobal.org/report",
            citation_key="smith-2023",
        ),
    ]


def saved(sources):
    return [Reference.from_source(source).comparable() for source in sources]


def read_back(text):
    records = read_references(text)
    assert all(not record.problems for record in records), [record.problems for record in records]
    return [record.reference.comparable() for record in records]


def test_a_ris_export_reads_back_to_the_same_sources(library):
    assert read_back(to_ris(library)) == saved(library)


def test_a_bibtex_export_reads_back_to_the_same_sources(library):
    assert read_back(to_bibtex(library)) == saved(library)


def test_a_bibtex_export_keeps_et_al(library):
    source = library[0]
    with seeding():
        source.has_more_authors = True
        source.save()

    [record] = read_references(to_bibtex([source]))

    assert record.reference.has_more_authors


def test_exports_carry_the_citation_keys(library):
    assert "ID  - perez-2021" in to_ris(library)
    assert "@article{perez-2021," in to_bibtex(library)


def test_a_bibtex_export_makes_keys_for_sources_without_one():
    first = source_with_authors("Guo Y", year=2018, citation_key="")
    second = source_with_authors("Guo Y", year=2018, citation_key="")

    text = to_bibtex([first, second])

    assert "@article{guo-2018," in text
    assert "@article{guo-2018b," in text


# --- Downloads --------------------------------------------------------------------------------------------


def export_url(article, fmt):
    return reverse("articles:article_sources", args=[article.slug, fmt])


@pytest.fixture
def article(library):
    article = ArticleFactory(slug="ivig-therapy")
    for position, source in enumerate(library, start=1):
        CitationFactory(article=article, source=source, position=position)
    return article


def test_readers_download_a_published_articles_sources_as_ris(client, article):
    response = client.get(export_url(article, "ris"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ivig-therapy-sources.ris"'
    assert response.content.decode().count("TY  - ") == 6


def test_readers_download_a_published_articles_sources_as_bibtex_in_numbered_order(client, article, library):
    text = client.get(export_url(article, "bib")).content.decode()

    assert [text.index(f"{{{source.citation_key},") for source in library] == sorted(
        text.index(f"{{{source.citation_key},") for source in library
    )


@pytest.mark.parametrize(
    "unpublished",
    [{"draft": True}, {"published_at": timezone.now() + datetime.timedelta(days=3)}],
    ids=["draft", "scheduled"],
)
def test_sources_of_an_article_readers_cannot_see_cannot_be_downloaded(client, unpublished):
    article = ArticleFactory(**unpublished)
    CitationFactory(article=article)

    assert client.get(export_url(article, "ris")).status_code == 404


def test_an_unknown_export_format_is_not_found(client, article):
    assert client.get(export_url(article, "xml")).status_code == 404


def test_the_sources_section_offers_the_downloads(client, article):
    page = main_content(client.get(article.get_absolute_url()))

    assert f'href="{export_url(article, "ris")}"' in page
    assert f'href="{export_url(article, "bib")}"' in page


def content_type_id(record):
    return ContentType.objects.get_for_model(record).pk


def test_editors_download_a_drafts_sources_in_the_admin(client, editor):
    draft = ArticleFactory(draft=True)
    CitationFactory(article=draft, source=SourceFactory(title="Adverse effects"))
    client.force_login(editor)

    response = client.get(reverse("admin:references_source_export", args=[content_type_id(draft), draft.pk, "ris"]))

    assert response.status_code == 200
    assert "TI  - Adverse effects" in response.content.decode()


def test_staff_who_may_not_view_articles_cannot_download_in_the_admin(client, django_user_model):
    user = django_user_model.objects.create_user("intern", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_source"))
    draft = ArticleFactory(draft=True)
    client.force_login(user)

    assert (
        client.get(
            reverse("admin:references_source_export", args=[content_type_id(draft), draft.pk, "bib"])
        ).status_code
        == 403
    )
