"""Importing references exported from Zotero, EndNote, Mendeley and PubMed: preview first, then all or nothing."""

import datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article
from references import services
from references.forms import record_key
from references.importers import detect_format, read_references
from references.models import Citation, Source
from tests.factories import ArticleFactory, CitationFactory, SourceFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
IMPORT_URL = reverse("admin:references_source_import")
SEED_TITLES = [
    "Patient education: intravenous immune globulin (IVIG) (beyond the basics)",
    "Immune response",
    "Intravenous immunoglobulins: evolution of commercial IVIG preparations",
    "Update on the use of immunoglobulin in human disease: a review of evidence",
    "Primary Immunodeficiency (PI)",
    "Multifocal motor neuropathy: case reports",
    "Adverse effects of immunoglobulin therapy",
    "Intravenous immunoglobulins in immunodeficiencies: more than mere replacement therapy",
    "Efficacy, safety and tolerability of a new 10% intravenous immunoglobulin for the treatment of primary "
    "immunodeficiencies",
    "Immunoglobulin administration for the treatment of CIDP: IVIG or SCIG?",
    "Monoclonal antibodies in cancer therapy",
    "Hematopoietic Stem Cell Transplantation in Primary Immunodeficiency Diseases: Current Status and Future "
    "Perspectives",
    "Plasma exchange (PE) versus intravenous immunoglobulin (IVIG) for the treatment of Guillain-Barré syndrome "
    "(GBS) in patients with severe symptoms: A systematic review and meta-analysis",
    "Impact of IVIG vs. SCIG on IgG trough level and infection incidence in primary immunodeficiency diseases: A "
    "systematic review and meta-analysis of clinical studies",
]


def sample(name):
    return (DATA / name).read_text(encoding="utf-8")


def read(name):
    return read_references(sample(name))


def by_title(records, start):
    return next(record.reference for record in records if record.reference.title.startswith(start))


# --- Reading each format -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("zotero-ivig-therapy.ris", "ris"), ("mendeley-ivig.bib", "bibtex"), ("pubmed-ivig.nbib", "medline")],
)
def test_the_export_format_is_recognized(name, fmt):
    assert detect_format(sample(name)) == fmt


def test_a_zotero_ris_export_of_the_fourteen_sources_is_read_in_order():
    records = read("zotero-ivig-therapy.ris")

    assert [record.reference.title for record in records] == SEED_TITLES
    assert {record.status for record in records} == {"new"}


def test_ris_journal_articles_keep_the_journal_abbreviation_pages_and_identifiers():
    perez = by_title(read("zotero-ivig-therapy.ris"), "Update on the use")

    assert [(name.family, name.given) for name in perez.authors] == [
        ("Perez", "Elena E."),
        ("Orange", "Jordan S."),
        ("Bonilla", "Francisco"),
    ]
    assert (perez.publication, perez.year, perez.volume, perez.issue, perez.pages) == (
        "J Allergy Clin Immunol",
        2017,
        "139",
        "3S",
        "S1-S46",
    )
    assert (perez.doi, perez.pmid) == ("10.1016/j.jaci.2016.09.023", "28041678")


def test_ris_web_pages_keep_their_dates_and_address():
    uptodate = read("zotero-ivig-therapy.ris")[0].reference

    assert uptodate.kind == "web_page"
    assert uptodate.publication == "UpToDate"
    assert uptodate.published_on == datetime.date(2023, 2, 13)
    assert uptodate.accessed_on == datetime.date(2025, 4, 10)
    assert uptodate.url == "https://www.uptodate.com/contents/intravenous-immune-globulin-ivig-beyond-the-basics"


def test_a_bibtex_export_decodes_accents_and_keeps_et_al():
    jusufovic = by_title(read("mendeley-ivig.bib"), "Multifocal motor neuropathy")

    assert [name.family for name in jusufovic.authors] == ["Jusufović", "Sinanović"]
    assert jusufovic.has_more_authors
    assert (jusufovic.volume, jusufovic.issue, jusufovic.pages) == ("57", "3", "581-587")


def test_a_bibtex_export_keeps_group_authors_citation_keys_and_web_pages():
    records = read("mendeley-ivig.bib")
    cdc = by_title(records, "Primary Immunodeficiency")
    medlineplus = by_title(records, "Immune response")

    assert [(name.family, name.given) for name in cdc.authors] == [("Centers for Disease Control and Prevention", "")]
    assert (cdc.kind, cdc.citation_key, cdc.accessed_on) == ("web_page", "CDC-PI", datetime.date(2025, 4, 10))
    assert (medlineplus.kind, medlineplus.publisher) == ("web_page", "National Library of Medicine")
    assert medlineplus.published_on == datetime.date(2022, 1, 23)
    assert by_title(records, "Efficacy, safety").title.startswith("Efficacy, safety and tolerability of a new 10% ")


def test_a_pubmed_export_reads_full_names_and_expands_shortened_pages():
    hooper = by_title(read("pubmed-ivig.nbib"), "Intravenous immunoglobulins: evolution")

    assert hooper.title == "Intravenous immunoglobulins: evolution of commercial IVIG preparations"
    assert [(name.family, name.given) for name in hooper.authors] == [("Hooper", "J A")]
    assert (hooper.publication, hooper.year, hooper.pages) == ("Immunol Allergy Clin North Am", 2008, "765-778")
    assert (hooper.doi, hooper.pmid) == ("10.1016/j.iac.2008.06.002", "18940573")


def test_a_pubmed_export_finds_the_doi_among_other_identifiers_and_keeps_full_dates():
    records = read("pubmed-ivig.nbib")

    assert by_title(records, "Update on the use").doi == "10.1016/j.jaci.2016.09.023"
    assert by_title(records, "Hematopoietic").published_on == datetime.date(2019, 8, 8)


def test_a_pubmed_record_of_a_retracted_publication_carries_a_note():
    text = "PMID- 12345678\nTI  - A retracted trial.\nTA  - Lancet\nDP  - 1998 Feb 28\nPT  - Retracted Publication\n"

    [record] = read_references(text)

    assert record.notes == ["PubMed marks this publication as retracted."]


# --- Malformed input: one clear message per record --------------------------------------------------------


def test_malformed_ris_records_are_each_explained():
    records = read("malformed.ris")

    assert [(record.number, record.status) for record in records] == [
        (1, "problem"),
        (2, "problem"),
        (3, "new"),
        (4, "problem"),
        (5, "problem"),
    ]
    assert records[0].problems == [
        "DOI: “not a doi” is not a DOI. A DOI starts with “10.”, then a slash, e.g. 10.1016/j.jaci.2016.09.023."
    ]
    assert records[1].problems == ["It has no title."]
    assert records[3].problems == [
        "Web address: Give the web address so readers can find this page.",
        "Accessed on: An accessed date only makes sense with a web address.",
    ]
    assert records[4].problems == ["It does not end with “ER  -”: the export may have been cut off."]


def test_malformed_bibtex_records_are_each_explained_and_do_not_swallow_the_next():
    records = read("malformed.bib")

    assert [(record.number, record.line, record.status) for record in records] == [
        (1, 1, "problem"),
        (2, 8, "problem"),
        (3, 13, "new"),
        (4, 23, "problem"),
    ]
    assert records[0].problems == ["Its braces do not match (7 “{” but 6 “}”): a field may be cut off."]
    assert "Check the commas between fields" in records[1].problems[0]
    assert records[3].problems == [
        "Year: Ensure this value is greater than or equal to 1800.",
        "PubMed ID: “PMC12345” is not a PubMed ID. A PMID is a number of up to 9 digits, e.g. 28041678.",
    ]


def test_malformed_medline_records_are_each_explained():
    records = read("malformed.nbib")

    assert records[0].problems == ["Line 3 is not a MEDLINE field: “this line was pasted by mistake”."]
    assert records[1].problems == [
        "PubMed ID: “0123” is not a PubMed ID. A PMID is a number of up to 9 digits, e.g. 28041678."
    ]


def test_text_that_is_not_an_export_is_refused_in_plain_words():
    with pytest.raises(ValidationError) as error:
        read_references("Perez EE, Orange JS. Update on the use of immunoglobulin. 2017.")

    assert "does not look like a RIS, BibTeX or PubMed (MEDLINE) export" in error.value.messages[0]


def test_a_record_the_export_repeats_is_a_problem():
    text = sample("pubmed-ivig.nbib") + "\n" + sample("pubmed-ivig.nbib").split("\n\n")[1]

    records = read_references(text)

    assert records[-1].problems == ["It repeats record 2 (same DOI)."]


def test_records_already_in_the_library_are_found_by_doi_in_any_case_or_by_pmid():
    by_doi = SourceFactory(doi="10.1016/J.IAC.2008.06.002")
    by_pmid = SourceFactory(doi="", pmid="28041678")

    records = read("pubmed-ivig.nbib")

    assert [(record.status, record.existing) for record in records[:2]] == [
        ("existing", by_pmid),
        ("existing", by_doi),
    ]


def test_records_without_identifiers_are_found_by_title_and_year():
    library = SourceFactory(title="Multifocal Motor Neuropathy: Case Reports", year=2018, doi="")

    records = read("zotero-ivig-therapy.ris")

    jusufovic = records[5]
    assert (jusufovic.status, jusufovic.existing, jusufovic.match) == ("existing", library, "same title and year")


def test_the_same_title_in_another_year_or_with_another_doi_is_another_work():
    SourceFactory(title="Adverse effects of immunoglobulin therapy", year=2018, doi="10.9999/other")
    SourceFactory(title="Multifocal motor neuropathy: case reports", year=2011, doi="")

    records = read("zotero-ivig-therapy.ris")

    assert records[5].status == records[6].status == "new"


def test_the_demo_librarys_fourteen_sources_are_all_recognized_in_a_zotero_export(demo_site):

    records = read("zotero-ivig-therapy.ris")

    assert [record.status for record in records] == ["existing"] * 14


# --- The admin: who may import --------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(IMPORT_URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_staff_who_may_not_add_sources_are_refused(client, django_user_model):
    user = django_user_model.objects.create_user("intern", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_source", "change_article"]))
    client.force_login(user)

    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"text": sample("pubmed-ivig.nbib")}).status_code == 403


def test_staff_who_may_not_change_articles_cannot_import_into_one(client, django_user_model):
    user = django_user_model.objects.create_user("librarian", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_source", "add_source"]))
    client.force_login(user)
    article = ArticleFactory(draft=True)

    response = client.post(
        IMPORT_URL,
        {"text": sample("pubmed-ivig.nbib"), "cite_in": record_key(article), "selected": ["1"], "import": "1"},
    )

    assert "Select a valid choice" in response.content.decode()
    assert Source.objects.count() == 0


def test_editors_see_the_import_form(client, editor):
    client.force_login(editor)

    response = client.get(IMPORT_URL)

    assert response.status_code == 200
    assert "Paste references" in response.content.decode()


# --- The admin: preview, then import --------------------------------------------------------------------------


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_the_preview_shows_each_record_and_saves_nothing(editor_client):
    SourceFactory(doi="10.1016/j.iac.2008.06.002")

    response = editor_client.post(IMPORT_URL, {"text": sample("malformed.ris")})

    page = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert "5 references read: 0 new, 1 already in the library, 4 with problems." in page
    assert "It has no title." in page
    assert page.count('name="selected"') == 5
    assert page.count(" disabled>") == 5  # nothing to import without an article, and four problems
    assert Source.objects.count() == 1


def test_a_pasted_zotero_export_is_imported_and_cited_in_one_step(editor_client):
    article = ArticleFactory(draft=True, body="<p>IVIG is made from donated plasma.</p>")
    text = sample("zotero-ivig-therapy.ris")

    response = editor_client.post(
        IMPORT_URL,
        {"text": text, "cite_in": record_key(article), "selected": [str(n) for n in range(1, 15)], "import": "1"},
    )

    assert response.status_code == 302
    assert response.url == reverse("admin:articles_article_change", args=[article.pk])
    cited = [citation.source.title for citation in article.citations.select_related("source")]
    assert cited == SEED_TITLES
    assert list(article.citations.values_list("position", flat=True)) == list(range(1, 15))
    perez = Source.objects.get(doi="10.1016/j.jaci.2016.09.023")
    assert [str(author) for author in perez.authors.all()] == ["Perez EE", "Orange JS", "Bonilla F"]
    assert perez.citation_key == "perez-2017"


def test_a_zotero_export_cites_the_librarys_copies_in_a_new_article_in_one_step(editor_client, demo_site):
    library = Source.objects.count()
    article = ArticleFactory(draft=True)

    editor_client.post(
        IMPORT_URL,
        {
            "text": sample("zotero-ivig-therapy.ris"),
            "cite_in": record_key(article),
            "selected": [str(n) for n in range(1, 15)],
            "import": "1",
        },
    )

    therapy = Article.objects.originals().get(slug="ivig-therapy")
    assert Source.objects.count() == library
    assert list(article.citations.values_list("source", "position")) == list(
        therapy.citations.values_list("source", "position")
    )


def test_an_uploaded_pubmed_file_is_imported(editor_client):
    upload = SimpleUploadedFile("pubmed.nbib", sample("pubmed-ivig.nbib").encode(), "application/nbib")
    preview = editor_client.post(IMPORT_URL, {"file": upload})
    text = preview.context["form"].cleaned_data["text"]

    response = editor_client.post(IMPORT_URL, {"text": text, "selected": ["1", "2", "3", "4"], "import": "1"})

    assert response.status_code == 302
    assert set(Source.objects.values_list("pmid", flat=True)) == {"28041678", "18940573", "29951056", "31440487"}


def test_a_file_that_is_not_text_is_refused(editor_client):
    upload = SimpleUploadedFile("export.ris", b"\x81\x8d\x8f\x90\x9d", "application/octet-stream")

    response = editor_client.post(IMPORT_URL, {"file": upload})

    assert "The file is not a text export" in response.content.decode()


def test_sources_in_the_library_are_reused_and_ones_already_cited_are_skipped(editor_client):
    article = ArticleFactory(draft=True)
    existing = SourceFactory(doi="10.1016/j.jaci.2016.09.023")
    CitationFactory(article=article, source=existing, position=1)

    editor_client.post(
        IMPORT_URL,
        {"text": sample("pubmed-ivig.nbib"), "cite_in": record_key(article), "selected": ["1", "2"], "import": "1"},
    )

    assert Source.objects.filter(doi__iexact="10.1016/j.jaci.2016.09.023").count() == 1
    assert [c.source.doi for c in article.citations.select_related("source")] == [
        "10.1016/j.jaci.2016.09.023",
        "10.1016/j.iac.2008.06.002",
    ]


def test_choosing_a_record_with_problems_imports_nothing(editor_client):
    response = editor_client.post(IMPORT_URL, {"text": sample("malformed.bib"), "selected": ["1", "3"], "import": "1"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported" in page
    assert "Record 1 (line 1): (no title) cannot be imported: Its braces do not match" in page
    assert Source.objects.count() == 0


def test_a_published_article_cannot_receive_imported_sources(editor_client):
    article = ArticleFactory(status=Article.Status.PUBLISHED)

    response = editor_client.post(IMPORT_URL, {"text": sample("pubmed-ivig.nbib"), "cite_in": record_key(article)})

    assert "Select a valid choice" in response.content.decode()


def test_an_import_is_undone_entirely_when_one_record_fails_on_save(editor):
    records = read("pubmed-ivig.nbib")
    SourceFactory(doi="", pmid="31440487")  # added by someone else after the preview

    with pytest.raises(ValidationError) as error:
        services.import_references(records, [1, 2, 3, 4], by=editor)

    assert "already has this PubMed ID" in error.value.messages[0]
    assert Source.objects.count() == 1
    assert Citation.objects.count() == 0
