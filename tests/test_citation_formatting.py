"""Sources print in AMA style (11th edition), or in Vancouver when the site is set to it; checked by hand."""

import datetime

import pytest

from references.formatting import format_reference, format_source
from references.records import Name, Reference, abbreviate_pages, initials, normalize_pages
from tests.factories import CitationFactory, source_with_authors
from tests.html import main_content

pytestmark = pytest.mark.django_db

ACCESSED = datetime.date(2025, 4, 10)
PEOPLE = [Name(f"Author{letter}", letter) for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"] + [
    Name(f"Author{letter}Z", letter) for letter in "ABCDEFGH"
]


def journal(**fields):
    values = {
        "title": "Adverse effects of immunoglobulin therapy",
        "publication": "Front Immunol",
        "year": 2018,
        "volume": "9",
        "pages": "1299",
        "doi": "10.3389/fimmu.2018.01299",
    }
    return Reference(**{**values, **fields})


def ama(reference):
    return format_reference(reference, style="ama", html=False)


def vancouver(reference):
    return format_reference(reference, style="vancouver", html=False)


# --- AMA: journal articles -----------------------------------------------------------------------------------


def test_ama_journal_article_with_one_author():
    reference = Reference(
        title="Intravenous immunoglobulins: evolution of commercial IVIG preparations",
        authors=[Name("Hooper", "J. A.")],
        publication="Immunol Allergy Clin North Am",
        year=2008,
        volume="28",
        issue="4",
        pages="765-778",
        doi="10.1016/j.iac.2008.06.002",
    )

    assert ama(reference) == (
        "Hooper JA. Intravenous immunoglobulins: evolution of commercial IVIG preparations. "
        "Immunol Allergy Clin North Am. 2008;28(4):765-778. doi:10.1016/j.iac.2008.06.002"
    )


def test_ama_journal_article_with_three_authors_and_a_supplement_issue():
    reference = Reference(
        title="Update on the use of immunoglobulin in human disease: a review of evidence",
        authors=[Name("Perez", "Elena E."), Name("Orange", "Jordan S."), Name("Bonilla", "Francisco")],
        publication="J Allergy Clin Immunol",
        year=2017,
        volume="139",
        issue="3S",
        pages="S1-S46",
        doi="10.1016/j.jaci.2016.09.023",
    )

    assert ama(reference) == (
        "Perez EE, Orange JS, Bonilla F. Update on the use of immunoglobulin in human disease: a review of evidence. "
        "J Allergy Clin Immunol. 2017;139(3S):S1-S46. doi:10.1016/j.jaci.2016.09.023"
    )


def test_ama_lists_all_of_six_authors():
    reference = journal(authors=PEOPLE[:6])

    assert ama(reference).startswith(
        "AuthorA A, AuthorB B, AuthorC C, AuthorD D, AuthorE E, AuthorF F. Adverse effects"
    )


def test_ama_shortens_seven_authors_to_three_and_et_al():
    reference = journal(authors=PEOPLE[:7])

    assert ama(reference).startswith("AuthorA A, AuthorB B, AuthorC C, et al. Adverse effects")


def test_ama_shortens_more_than_thirty_authors_to_three_and_et_al():
    reference = journal(authors=PEOPLE[:34])

    assert ama(reference) == (
        "AuthorA A, AuthorB B, AuthorC C, et al. Adverse effects of immunoglobulin therapy. Front Immunol. "
        "2018;9:1299. doi:10.3389/fimmu.2018.01299"
    )


def test_ama_ends_a_list_entered_as_incomplete_with_et_al():
    reference = journal(authors=[Name("Guo", "Y"), Name("Tian", "X")], has_more_authors=True)

    assert ama(reference).startswith("Guo Y, Tian X, et al. Adverse effects")


def test_ama_journal_article_without_an_issue():
    assert ama(journal(authors=[Name("Guo", "Y")])) == (
        "Guo Y. Adverse effects of immunoglobulin therapy. Front Immunol. 2018;9:1299. doi:10.3389/fimmu.2018.01299"
    )


def test_ama_journal_article_without_pages():
    reference = Reference(
        title="Immunoglobulin administration for the treatment of CIDP: IVIG or SCIG?",
        authors=[Name("Allen", "JA"), Name("Gelinas", "DF")],
        publication="J Neurol Sci",
        year=2020,
        volume="408",
        doi="10.1016/j.jns.2019.116497",
    )

    assert ama(reference) == (
        "Allen JA, Gelinas DF. Immunoglobulin administration for the treatment of CIDP: IVIG or SCIG? "
        "J Neurol Sci. 2020;408. doi:10.1016/j.jns.2019.116497"
    )


def test_ama_journal_article_with_an_article_number_instead_of_pages():
    reference = journal(
        title="Efficacy, safety and tolerability of a new 10% intravenous immunoglobulin",
        authors=[Name("Perez", "EE")],
        year=2021,
        volume="12",
        pages="707463",
        doi="10.3389/fimmu.2021.707463",
    )

    assert ama(reference).endswith("Front Immunol. 2021;12:707463. doi:10.3389/fimmu.2021.707463")


def test_ama_journal_article_with_an_e_locator_range():
    reference = journal(volume="14", issue="3", pages="e0213041-e0213052")

    assert "Front Immunol. 2018;14(3):e0213041-e0213052. doi:" in ama(reference)


def test_ama_journal_article_without_doi_gives_its_address_and_accessed_date():
    reference = journal(authors=[Name("Jusufović", "E")], doi="", url="https://example.org/mmn", accessed_on=ACCESSED)

    assert ama(reference).endswith("2018;9:1299. Accessed April 10, 2025. https://example.org/mmn")


def test_ama_keeps_a_title_that_ends_with_a_question_mark_without_adding_a_full_stop():
    reference = journal(title="IVIG or SCIG?")

    assert "IVIG or SCIG? Front Immunol." in ama(reference)


def test_ama_writes_a_supplement_in_lower_case():
    reference = journal(volume="164", issue="Suppl 2", pages="2-5", year=2011)

    assert "2011;164(suppl 2):2-5." in ama(reference)


def test_ama_group_author_is_printed_as_a_name():
    reference = journal(authors=[Name("American Academy of Neurology")])

    assert ama(reference).startswith("American Academy of Neurology. Adverse effects")


# --- AMA: web pages, guidelines, books --------------------------------------------------------------------


def test_ama_web_page_with_publication_and_accessed_dates():
    reference = Reference(
        kind="web_page",
        title="Patient education: intravenous immune globulin (IVIG) (beyond the basics)",
        publication="UpToDate",
        publisher="Wolters Kluwer",
        year=2023,
        published_on=datetime.date(2023, 2, 13),
        url="https://www.uptodate.com/contents/intravenous-immune-globulin-ivig-beyond-the-basics",
        accessed_on=ACCESSED,
    )

    assert ama(reference) == (
        "Patient education: intravenous immune globulin (IVIG) (beyond the basics). UpToDate. Published February "
        "13, 2023. Accessed April 10, 2025. https://www.uptodate.com/contents/intravenous-immune-globulin-ivig-beyond"
        "-the-basics"
    )


def test_ama_web_page_by_a_group_names_the_site_once():
    reference = Reference(
        kind="web_page",
        title="Primary immunodeficiency (PI)",
        authors=[Name("CDC")],
        publication="CDC",
        url="https://www.cdc.gov/genomics/disease/primary_immunodeficiency.htm",
        accessed_on=ACCESSED,
    )

    assert ama(reference) == (
        "CDC. Primary immunodeficiency (PI). Accessed April 10, 2025. "
        "https://www.cdc.gov/genomics/disease/primary_immunodeficiency.htm"
    )


def test_ama_guideline_uses_the_web_format():
    reference = Reference(
        kind="guideline",
        title="Evidence-based guideline: intravenous immunoglobulin in the treatment of neuromuscular disorders",
        authors=[Name("American Academy of Neurology")],
        publication="AAN",
        year=2012,
        url="https://www.aan.com/guidelines",
        accessed_on=ACCESSED,
    )

    assert ama(reference) == (
        "American Academy of Neurology. Evidence-based guideline: intravenous immunoglobulin in the treatment of "
        "neuromuscular disorders. AAN. Published 2012. Accessed April 10, 2025. https://www.aan.com/guidelines"
    )


def test_ama_book_has_its_title_in_italics_then_publisher_and_year():
    reference = Reference(
        kind="book",
        title="Janeway’s Immunobiology",
        authors=[Name("Murphy", "Kenneth"), Name("Weaver", "Casey")],
        publisher="Garland Science",
        year=2016,
    )

    assert ama(reference) == "Murphy K, Weaver C. Janeway’s Immunobiology. Garland Science; 2016."
    assert "<cite>Janeway’s Immunobiology</cite>" in format_reference(reference, style="ama")


def test_ama_book_chapter_names_the_book_and_its_pages():
    reference = Reference(
        kind="book_chapter",
        title="Immunoglobulin therapy",
        authors=[Name("Ballow", "M")],
        publication="Clinical Immunology: Principles and Practice",
        publisher="Elsevier",
        year=2019,
        pages="1213-1220",
    )

    assert ama(reference) == (
        "Ballow M. Immunoglobulin therapy. In: Clinical Immunology: Principles and Practice. Elsevier; 2019:1213-1220."
    )


# --- HTML --------------------------------------------------------------------------------------------------


def test_html_puts_the_journal_in_italics_and_links_the_doi():
    html = format_reference(journal(authors=[Name("Guo", "Y")]), style="ama")

    assert html == (
        "Guo Y. Adverse effects of immunoglobulin therapy. <cite>Front Immunol</cite>. 2018;9:1299. "
        '<a href="https://doi.org/10.3389/fimmu.2018.01299">doi:10.3389/fimmu.2018.01299</a>'
    )


def test_html_escapes_what_the_editor_typed():
    html = format_reference(journal(title="<script>alert(1)</script> & more"), style="ama")

    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more." in html


def test_html_never_links_an_address_that_is_not_http():
    html = format_reference(journal(doi="", url="javascript:alert(1)"), style="ama")

    assert "<a" not in html


def test_a_saved_source_prints_with_its_authors_in_order():
    source = source_with_authors("Zahavi D", "Weiner L", title="Monoclonal antibodies in cancer therapy", doi="")

    assert format_source(source, style="ama", html=False).startswith("Zahavi D, Weiner L. Monoclonal antibodies")


# --- Vancouver ---------------------------------------------------------------------------------------------


def test_vancouver_journal_article_abbreviates_the_page_range_and_ends_with_the_doi():
    reference = Reference(
        title="Update on the use of immunoglobulin in human disease: a review of evidence",
        authors=[Name("Perez", "EE"), Name("Orange", "JS"), Name("Bonilla", "F")],
        has_more_authors=True,
        publication="J Allergy Clin Immunol",
        year=2017,
        volume="139",
        issue="3S",
        pages="S1-S46",
        doi="10.1016/j.jaci.2016.09.023",
    )

    assert vancouver(reference) == (
        "Perez EE, Orange JS, Bonilla F, et al. Update on the use of immunoglobulin in human disease: a review of "
        "evidence. J Allergy Clin Immunol. 2017;139(3S):S1-46. doi:10.1016/j.jaci.2016.09.023"
    )


def test_vancouver_lists_six_authors_before_et_al():
    reference = journal(authors=PEOPLE[:7])

    assert vancouver(reference).startswith(
        "AuthorA A, AuthorB B, AuthorC C, AuthorD D, AuthorE E, AuthorF F, et al. Adverse effects"
    )


def test_vancouver_does_not_italicize_the_journal():
    assert "<cite>" not in format_reference(journal(), style="vancouver")


def test_vancouver_web_page_gives_internet_and_cited_date():
    reference = Reference(
        kind="web_page",
        title="Immune response",
        publication="MedlinePlus",
        publisher="National Library of Medicine",
        year=2022,
        published_on=datetime.date(2022, 1, 23),
        url="https://medlineplus.gov/ency/article/000821.htm",
        accessed_on=ACCESSED,
    )

    assert vancouver(reference) == (
        "Immune response [Internet]. MedlinePlus. National Library of Medicine; 2022 Jan 23 [cited 2025 Apr 10]. "
        "Available from: https://medlineplus.gov/ency/article/000821.htm"
    )


def test_the_site_wide_style_is_a_setting(settings):
    settings.CITATION_STYLE = "vancouver"
    reference = journal(pages="765-778")

    assert "2018;9:765-78." in format_reference(reference, html=False)


# --- Names and pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [("Elena E.", "EE"), ("Jean-Pierre", "JP"), ("J. A.", "JA"), ("EE", "EE"), ("Yu", "Y"), ("", "")],
)
def test_initials_come_from_given_names(given, expected):
    assert initials(given) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("765--778", "765-778"),
        ("765–778", "765-778"),
        ("765-78", "765-778"),
        ("S1-46", "S1-S46"),
        ("1299", "1299"),
        ("e0215", "e0215"),
    ],
)
def test_page_ranges_are_stored_in_full(written, expected):
    assert normalize_pages(written) == expected


@pytest.mark.parametrize(
    ("full", "abbreviated"), [("765-778", "765-78"), ("S1-S46", "S1-46"), ("2-5", "2-5"), ("1299-1305", "1299-305")]
)
def test_vancouver_page_ranges_drop_repeated_digits(full, abbreviated):
    assert abbreviate_pages(full) == abbreviated


# --- On the article page ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("style", "printed"), [("ama", "2017;139(3S):S1-S46."), ("vancouver", "2017;139(3S):S1-46.")])
def test_the_article_page_prints_sources_in_the_sites_style(client, settings, style, printed):
    settings.CITATION_STYLE = style
    source = source_with_authors("Perez EE", year=2017, volume="139", issue="3S", pages="S1-S46")
    citation = CitationFactory(source=source)

    assert printed in main_content(client.get(citation.record.get_absolute_url()))


def test_the_article_page_links_every_identifier_a_source_has(client):
    source = source_with_authors("Perez EE", pmid="28041678", doi="10.1016/j.jaci.2016.09.023")
    citation = CitationFactory(source=source)

    page = main_content(client.get(citation.record.get_absolute_url()))

    assert '<a href="https://doi.org/10.1016/j.jaci.2016.09.023">doi:10.1016/j.jaci.2016.09.023</a>' in page
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/28041678/">PMID: 28041678</a>' in page
