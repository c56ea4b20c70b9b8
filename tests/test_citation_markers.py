"""In-text citations: editors type [cite:…] markers; readers see numbered superscripts linked to the sources."""

import re

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from articles.models import Article
from references.markers import Key, find_keys, render_citations, strip_markers
from references.models import Citation
from tests.admin_forms import admin_change_url, change_through_admin
from tests.factories import ArticleFactory, CitationFactory, SourceFactory, source_with_authors
from tests.html import main_content

pytestmark = pytest.mark.django_db

PEREZ_DOI = "10.1016/j.jaci.2016.09.023"


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def cite(article, *sources):
    for position, source in enumerate(sources, start=1):
        CitationFactory(article=article, source=source, position=position)


# --- Markers in stored text ----------------------------------------------------------------------------------


def test_markers_survive_sanitization_when_an_article_is_saved():
    body = "<p>IVIG raises platelets [cite:perez-2017, 10.1016/j.jaci.2016.09.023] within days [cite:42].</p>"

    article = ArticleFactory(body=body)

    assert Article.objects.originals().get(pk=article.pk).body == body


def test_a_marker_keeps_a_doi_whose_characters_the_sanitizer_escapes():
    doi = "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0"
    article = ArticleFactory(body=f"<p>A claim. [cite:{doi}]</p>")

    stored = Article.objects.originals().get(pk=article.pk).body

    assert find_keys(stored) == [Key("doi", doi.lower(), doi)]


def test_a_marker_typed_in_the_admin_editor_is_stored_as_typed(client, editor):
    article = ArticleFactory(draft=True)
    source = SourceFactory(citation_key="perez-2017")
    client.force_login(editor)

    response = change_through_admin(
        client, article, body="<p>Most people respond [cite:perez-2017].</p><script>x()</script>"
    )

    assert response.status_code == 302
    assert Article.objects.originals().get(pk=article.pk).body == "<p>Most people respond [cite:perez-2017].</p>"
    assert list(Article.objects.originals().get(pk=article.pk).citations.values_list("source", flat=True)) == [
        source.pk
    ]


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("42", Key("id", "42", "")),
        ("10.1016/J.JACI.2016.09.023", Key("doi", PEREZ_DOI, "")),
        ("https://doi.org/10.1016/j.jaci.2016.09.023", Key("doi", PEREZ_DOI, "")),
        ("doi:10.1016/j.jaci.2016.09.023", Key("doi", PEREZ_DOI, "")),
        ("pmid:28041678", Key("pmid", "28041678", "")),
        ("PMID 28041678", Key("pmid", "28041678", "")),
        ("Perez-2017", Key("key", "perez-2017", "")),
    ],
)
def test_a_marker_names_a_source_by_number_doi_pmid_or_citation_key(typed, key):
    assert find_keys(f"<p>Claim [cite:{typed}]</p>") == [key]


def test_a_marker_may_name_several_sources():
    keys = find_keys("<p>Claim [cite:perez-2017, guo-2018; 10.3389/fimmu.2018.01299]</p>")

    assert [key.value for key in keys] == ["perez-2017", "guo-2018", "10.3389/fimmu.2018.01299"]


def test_markers_can_be_stripped_for_plain_text():
    assert strip_markers("IVIG helps [cite:perez-2017]. Most people [cite:1, 2] respond.") == (
        "IVIG helps. Most people respond."
    )


# --- What readers see --------------------------------------------------------------------------------------


@pytest.fixture
def cited_article():
    perez = source_with_authors("Perez EE", title="Update on immunoglobulin", doi=PEREZ_DOI)
    guo = source_with_authors("Guo Y", title="Adverse effects", citation_key="guo-2018")
    article = ArticleFactory(
        body=(
            "<h2>Uses</h2><p>It helps [cite:10.1016/j.jaci.2016.09.023].</p>"
            "<p>Side effects are mild [cite:guo-2018, 10.1016/j.jaci.2016.09.023].</p>"
        )
    )
    cite(article, perez, guo)
    return article


def test_a_marker_becomes_a_superscript_number_linking_to_the_source(client, cited_article):
    page = main_content(client.get(cited_article.get_absolute_url()))

    assert '<p>It helps<sup class="citation"><a href="#source-1" id="cite-1-1">1</a></sup>.</p>' in page
    assert '<sup class="citation"><a href="#source-1" id="cite-1-2">1</a>,<a href="#source-2" id="cite-2-1">2</a>' in (
        page
    )
    assert "[cite:" not in page


def test_each_source_links_back_to_every_place_it_is_cited(client, cited_article):
    page = main_content(client.get(cited_article.get_absolute_url()))
    first = page[page.index('<li id="source-1"') : page.index('<li id="source-2"')]

    assert re.findall(r'href="#(cite-[\d-]+)"', first) == ["cite-1-1", "cite-1-2"]


def test_a_marker_naming_no_listed_source_shows_nothing_to_readers(client):
    SourceFactory(citation_key="listed-nowhere")
    article = ArticleFactory(body="<p>A claim [cite:unknown-2020] and another [cite:listed-nowhere].</p>")

    page = main_content(client.get(article.get_absolute_url()))

    assert "<p>A claim and another.</p>" in page


def test_rendering_never_repeats_what_a_marker_says(cited_article):
    citations = list(cited_article.citations.all())

    rendered = render_citations('<p>Claim [cite:guo-2018" onclick="alert(1)].</p>', citations)

    assert rendered.html == "<p>Claim.</p>"


def test_article_page_queries_do_not_grow_with_its_citations(client, django_assert_max_num_queries):
    article = ArticleFactory()
    keys = []

    def add_cited_sources(count):
        for _ in range(count):
            source = source_with_authors("Perez EE", "Orange JS", "Bonilla F")
            CitationFactory(article=article, source=source)
            keys.append(source.doi)
        Article.objects.filter(pk=article.pk).update(body="".join(f"<p>Claim [cite:{key}].</p>" for key in keys))

    add_cited_sources(2)
    with django_assert_max_num_queries(30) as small:
        client.get(article.get_absolute_url())
    add_cited_sources(10)
    with django_assert_max_num_queries(30) as large:
        response = client.get(article.get_absolute_url())

    assert response.content.decode().count('<sup class="citation">') == 12
    assert len(large.captured_queries) == len(small.captured_queries)


# --- What editors are told when they save ------------------------------------------------------------------


@pytest.fixture
def draft(client, editor):
    client.force_login(editor)
    return ArticleFactory(draft=True, body="<p>Nothing cited yet.</p>")


def test_saving_a_text_that_cites_an_unknown_source_is_refused_naming_it(client, draft):
    response = change_through_admin(client, draft, body="<p>Claim [cite:10.9999/not-in-library, nobody-1999].</p>")

    assert response.status_code == 200
    page = response.content.decode()
    assert "The text cites [cite:10.9999/not-in-library] and [cite:nobody-1999], which are not sources" in page
    assert Article.objects.originals().get(pk=draft.pk).body == "<p>Nothing cited yet.</p>"


def test_saving_a_text_with_a_broken_marker_is_refused(client, draft):
    SourceFactory(citation_key="perez-2017")

    response = change_through_admin(client, draft, body="<p>Claim [cite:<em>perez-2017</em>].</p>")

    assert response.status_code == 200
    assert "not closed or contain formatting" in response.content.decode()


def test_a_listed_source_the_text_never_cites_is_named_in_a_warning(client, draft):
    cited = SourceFactory(citation_key="perez-2017")
    uncited = SourceFactory(title="Adverse effects of immunoglobulin therapy")
    cite(draft, cited, uncited)

    response = change_through_admin(client, draft, body="<p>Claim [cite:perez-2017].</p>")

    assert response.status_code == 302
    assert any(
        "listed but never cited in the text: “Adverse effects of immunoglobulin therapy”" in message
        for message in messages_of(response)
    )


def test_a_library_source_the_text_cites_is_added_to_the_list_with_a_warning(client, draft):
    source = SourceFactory(title="Monoclonal antibodies in cancer therapy", doi="10.3390/antib9030034")

    response = change_through_admin(client, draft, body="<p>Claim [cite:10.3390/antib9030034].</p>")

    assert response.status_code == 302
    assert list(draft.citations.values_list("source", "position")) == [(source.pk, 1)]
    assert any("Monoclonal antibodies in cancer therapy" in message for message in messages_of(response))


def test_sources_are_renumbered_by_where_the_text_first_cites_them(client, draft):
    first, second, never = (SourceFactory(citation_key=key) for key in ("alpha-2001", "beta-2002", "gamma-2003"))
    cite(draft, never, second, first)

    change_through_admin(
        client, draft, body="<p>A [cite:alpha-2001]. B [cite:beta-2002]. A again [cite:alpha-2001].</p>"
    )

    numbered = list(Citation.objects.filter(article=draft).order_by("position").values_list("source", "position"))
    assert numbered == [(first.pk, 1), (second.pk, 2), (never.pk, 3)]


def test_citing_a_retracted_source_is_flagged_to_the_editor(client, draft):
    SourceFactory(citation_key="retracted-2019", retracted_on=timezone.localdate())

    response = change_through_admin(client, draft, body="<p>Claim [cite:retracted-2019].</p>")

    assert any("cites retracted sources" in message for message in messages_of(response))


def test_the_sources_inline_shows_each_sources_marker(client, draft):
    cite(draft, SourceFactory(citation_key="perez-2017"))

    page = client.get(admin_change_url(draft)).content.decode()

    assert "<code>[cite:perez-2017]</code>" in page


# --- The demo articles -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "count"),
    [("ivig-therapy", 14), ("ivig-for-immune-thrombocytopenia", 3), ("subcutaneous-immunoglobulin-at-home", 2)],
)
def test_the_demo_articles_cite_every_source_in_numbered_order(slug, count, demo_site):
    article = Article.objects.originals().for_detail().get(slug=slug)

    rendered = render_citations(article.body, article.citations.all())

    first_seen = list(dict.fromkeys(int(n) for n in re.findall(r'id="cite-(\d+)-', rendered.html)))
    assert first_seen == list(range(1, count + 1))
    assert "[cite:" not in rendered.html
