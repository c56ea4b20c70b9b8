"""The printable handout: a published article as a short, tagged PDF a patient can take to an appointment."""

import datetime
import io
import socket

import pytest
from django.utils import timezone
from pypdf import PdfReader

from articles.models import Article, SideEffect
from handouts import pdf as handout_pdf
from handouts.pdf import LocalFilesFetcher, RefusedURL, render_pdf
from review import workflow
from review.models import Status
from tests.factories import ArticleFactory, ArticleSideEffectFactory, SideEffectFactory
from tests.people import member_of

pytestmark = pytest.mark.django_db

HANDOUT = "/articles/ivig-for-itp/handout.pdf"
PAGE_ADDRESS = "http://testserver/articles/ivig-for-itp/"


def pdf_of(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def text_of(reader):
    """The words of every page as a reader's tool extracts them, whitespace made single spaces."""
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def structure_types(node, found=None):
    """Every structure type (``/S``: /H1, /P, /L, /LI, /Link, ...) under a node of the PDF's structure tree."""
    found = set() if found is None else found
    node = node.get_object()
    if isinstance(node, list):
        for child in node:
            structure_types(child, found)
    elif hasattr(node, "get"):
        if "/S" in node:
            found.add(str(node["/S"]))
        if "/K" in node:
            structure_types(node["/K"], found)
    return found


@pytest.fixture
def reviewed_article(full_article):
    """The full article with review dates, key takeaways and aseptic meningitis graded "urgent advice"."""
    Article.objects.filter(pk=full_article.pk).update(
        last_reviewed_on=datetime.date(2026, 3, 4),
        next_review_due=datetime.date(2027, 3, 4),
        key_takeaways="<ul><li>IVIG raises the platelet count within days [cite:10.3389/fimmu.2018.01299].</li>"
        "<li>The effect lasts a few weeks.</li></ul>",
    )
    SideEffect.objects.filter(slug="aseptic-meningitis").update(care_level=SideEffect.CareLevel.URGENT)
    return full_article


def test_published_article_downloads_as_a_pdf_with_a_sensible_name(client, reviewed_article):
    response = client.get(HANDOUT)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="ivig-for-itp-handout.pdf"'
    assert response.content.startswith(b"%PDF-")


def test_handout_prints_what_a_patient_needs(client, reviewed_article):
    text = text_of(pdf_of(client.get(HANDOUT)))

    assert "IVIG Patient Guide" in text
    assert "IVIG for immune thrombocytopenia" in text
    assert "By Rosa Delgado" in text
    assert "Fact-checked by Tomasz Wren" in text
    assert "Last reviewed March 4, 2026" in text
    assert "Next review due March 4, 2027" in text
    assert "Key takeaways IVIG raises the platelet count within days. The effect lasts a few weeks." in text
    assert "[cite:" not in text
    assert "Get help now Urgent advice Contact your care team today." in text
    assert "Aseptic meningitis: Call your care team about a severe headache with a stiff neck." in text
    assert "Immediate action required" not in text  # no side effect of the article calls for it
    assert "Drink plenty of water" not in text  # mild effects' advice stays on the page
    assert "How it is given" in text  # the sections of the full article
    assert "Guo Y. Adverse effects of immunoglobulin therapy." in text
    assert "doi:10.3389/fimmu.2018.01299" in text
    assert f"Online, with every source linked: {PAGE_ADDRESS}" in text
    assert f"from {PAGE_ADDRESS}, where the article is kept up to date" in text
    assert "does not replace advice from your own doctor" in text


def test_page_address_and_sources_are_links(client, reviewed_article):
    reader = pdf_of(client.get(HANDOUT))

    targets = {
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/URI" in annotation.get_object().get("/A", {})
    }
    assert PAGE_ADDRESS in targets
    assert "https://doi.org/10.3389/fimmu.2018.01299" in targets


def test_handout_is_a_tagged_pdf_with_language_and_title(client, reviewed_article):
    reader = pdf_of(client.get(HANDOUT))
    catalog = reader.trailer["/Root"]

    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "en"
    assert reader.metadata.title == "IVIG for immune thrombocytopenia | IVIG Patient Guide"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert {"/H1", "/H2", "/P", "/L", "/LI", "/Link"} <= structure_types(catalog["/StructTreeRoot"])


def test_handout_uses_its_own_print_stylesheet(client, reviewed_article):
    """WeasyPrint's default is A4; US Letter (612 × 792 pt) means handout.css was read from our static files."""
    page = pdf_of(client.get(HANDOUT)).pages[0]

    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)


@pytest.mark.parametrize(
    "changes",
    [
        {"status": Status.DRAFT, "published_at": None},
        {"status": Status.IN_REVIEW, "published_at": None},
        {"status": Status.PUBLISHED, "published_at": timezone.now() + datetime.timedelta(days=2)},
        {"status": Status.UNPUBLISHED},
        {"status": Status.ARCHIVED},
    ],
    ids=["draft", "in-review", "scheduled", "unpublished", "archived"],
)
def test_readers_get_no_handout_of_an_article_they_cannot_see(client, full_article, changes):
    Article.objects.filter(pk=full_article.pk).update(**changes)

    assert client.get(HANDOUT).status_code == 404


def test_staff_without_view_permission_get_no_handout_of_a_draft(client, full_article, django_user_model):
    Article.objects.filter(pk=full_article.pk).update(status=Status.DRAFT, published_at=None)
    client.force_login(django_user_model.objects.create_user("temp", password="pw", is_staff=True))

    assert client.get(HANDOUT).status_code == 404


@pytest.mark.parametrize("role", ["Editors", "Reviewers"])
def test_staff_who_may_view_articles_get_a_marked_uncached_preview_of_a_draft(client, full_article, role):
    Article.objects.filter(pk=full_article.pk).update(status=Status.DRAFT, published_at=None)
    client.force_login(member_of(role))

    response = client.get(HANDOUT)

    text = text_of(pdf_of(response))
    assert "Preview, not published." in text
    assert "IVIG for immune thrombocytopenia" in text
    assert response["Content-Disposition"] == 'attachment; filename="ivig-for-itp-handout-preview.pdf"'
    assert "no-cache" in response["Cache-Control"]


def test_readers_handout_is_not_marked_as_a_preview(client, full_article):
    response = client.get(HANDOUT)

    assert "Preview" not in text_of(pdf_of(response))
    assert "no-cache" not in response.get("Cache-Control", "")


def test_new_version_handout_is_for_staff_only(client, full_article, editor):
    copy = workflow.start_new_version(full_article, editor)
    Article.objects.filter(pk=copy.pk).update(title="IVIG for ITP, revised")
    url = f"/preview/articles/{copy.pk}/handout.pdf"

    assert client.get(url).status_code == 302  # to the login page
    client.force_login(member_of("Reviewers", "temp"))
    text = text_of(pdf_of(client.get(url)))
    assert "IVIG for ITP, revised" in text
    assert "Preview, not published." in text

    client.logout()
    assert "IVIG for ITP, revised" not in text_of(pdf_of(client.get(HANDOUT)))


def test_staff_without_view_permission_are_refused_a_new_version_handout(
    client, full_article, editor, django_user_model
):
    copy = workflow.start_new_version(full_article, editor)
    client.force_login(django_user_model.objects.create_user("temp", password="pw", is_staff=True))

    assert client.get(f"/preview/articles/{copy.pk}/handout.pdf").status_code == 403


def test_unpublished_serious_side_effect_is_left_out(client, reviewed_article):
    hidden = SideEffectFactory(
        draft=True,
        name="Secret reaction",
        seriousness=SideEffect.Seriousness.SERIOUS,
        care_level=SideEffect.CareLevel.IMMEDIATE,
        when_to_seek_help="Unreviewed advice nobody checked.",
    )
    ArticleSideEffectFactory(article=reviewed_article, side_effect=hidden)

    text = text_of(pdf_of(client.get(HANDOUT)))

    assert "Aseptic meningitis" in text
    assert "Secret reaction" not in text
    assert "Unreviewed advice" not in text


def test_hostile_title_is_printed_as_text(client):
    hostile = '<script>alert("x")</script><b>Bold</b> & "quotes"'
    ArticleFactory(title=hostile, slug="hostile")

    reader = pdf_of(client.get("/articles/hostile/handout.pdf"))

    assert hostile in text_of(reader)
    assert reader.metadata.title.startswith(hostile)


@pytest.fixture
def renderings(monkeypatch):
    """The titles of the handouts WeasyPrint actually rendered, in order."""
    rendered = []

    def counting(html, base_url):
        rendered.append(html.split("<title>")[1].split(" |")[0])
        return render_pdf(html, base_url)

    monkeypatch.setattr(handout_pdf, "render_pdf", counting)
    monkeypatch.setattr("handouts.views.render_pdf", counting)
    return rendered


def test_readers_handout_is_rendered_once_until_what_it_prints_changes(client, full_article, renderings):
    first, again = client.get(HANDOUT), client.get(HANDOUT)
    assert renderings == ["IVIG for immune thrombocytopenia"]
    assert again.content == first.content

    Article.objects.filter(pk=full_article.pk).update(title="IVIG for ITP: updated")

    assert "IVIG for ITP: updated" in text_of(pdf_of(client.get(HANDOUT)))
    assert renderings == ["IVIG for immune thrombocytopenia", "IVIG for ITP: updated"]


def test_staff_previews_are_rendered_afresh_every_time(client, full_article, renderings):
    client.force_login(member_of("Editors"))

    client.get(HANDOUT), client.get(HANDOUT)

    assert len(renderings) == 2


def test_article_page_links_to_its_handout(client, full_article):
    html = client.get("/articles/ivig-for-itp/").content.decode()

    assert f'<a href="{HANDOUT}" download>Download a printable handout (PDF)</a>' in html


def test_new_version_preview_links_to_its_own_handout(client, full_article, editor):
    copy = workflow.start_new_version(full_article, editor)
    client.force_login(editor)

    html = client.get(f"/preview/articles/{copy.pk}/").content.decode()

    assert f'href="/preview/articles/{copy.pk}/handout.pdf"' in html


def test_demo_therapy_guide_fits_on_two_pages(client, demo_site):

    reader = pdf_of(client.get("/articles/ivig-therapy/handout.pdf"))

    assert len(reader.pages) <= 2
    assert "Sources (14)" in text_of(reader)


def test_nothing_is_fetched_from_the_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the handout tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    html = (
        '<!DOCTYPE html><html lang="en"><head><title>T</title>'
        '<link rel="stylesheet" href="https://example.org/evil.css"></head>'
        '<body><img src="https://example.org/tracker.png" alt="x"><img src="file:///etc/passwd" alt="y">'
        "<p>Still printed.</p></body></html>"
    )

    pdf = render_pdf(html, base_url="http://testserver/articles/x/")

    assert "Still printed." in text_of(PdfReader(io.BytesIO(pdf)))


def test_fetcher_serves_our_static_files_and_uploads_only(settings, tmp_path):
    (tmp_path / "media" / "articles").mkdir(parents=True)
    (tmp_path / "media" / "articles" / "photo.png").write_bytes(b"\x89PNG fake")
    fetcher = LocalFilesFetcher(origin="http://testserver")

    css = fetcher.fetch("http://testserver/static/css/handout.css")
    assert b"@page" in css.read()
    assert css.content_type == "text/css"
    assert fetcher.fetch("http://testserver/media/articles/photo.png").read() == b"\x89PNG fake"
    for refused in [
        "https://example.org/static/css/handout.css",
        "http://testserver/static/../ivig_site/settings.py",
        "http://testserver/static/%2e%2e/ivig_site/settings.py",
        "http://testserver/media/../db.sqlite3",
        "http://testserver/static/css/missing.css",
        "http://testserver/articles/ivig-for-itp/",
        "file:///etc/passwd",
        "data:text/css,body{}",
    ]:
        with pytest.raises(RefusedURL):
            fetcher.fetch(refused)
