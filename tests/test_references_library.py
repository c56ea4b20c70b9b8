"""The library of sources: merging duplicates, retractions, each source's public page, filling from Crossref."""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from references import services
from references.models import Citation, Source
from review import workflow
from review.guard import seeding
from review.models import ReviewEvent, Status
from review.signals import records_merged
from tests.admin_forms import admin_change_url, change_through_admin
from tests.factories import ArticleFactory, CitationFactory, SourceFactory, source_with_authors
from tests.html import main_content

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:references_source_changelist")


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- Merging duplicates ----------------------------------------------------------------------------------------


@pytest.fixture
def duplicates():
    """The same paper entered twice, in drafts: once with a DOI and authors, once with its PMID only."""
    kept = source_with_authors(
        "Guo Y", "Tian X", title="Adverse effects of immunoglobulin therapy", pmid="", draft=True
    )
    other = SourceFactory(title="Adverse effects of immunoglobulin therapy", doi="", pmid="29951056", draft=True)
    return kept, other


def test_merging_points_the_duplicates_citations_at_the_kept_source(editor, duplicates):
    kept, other = duplicates
    article = ArticleFactory(draft=True)
    CitationFactory(article=article, source=other, position=1)

    services.merge_sources(kept, [other], by=editor)

    assert list(article.citations.values_list("source", flat=True)) == [kept.pk]
    assert not Source.objects.filter(pk=other.pk).exists()


def test_an_article_citing_both_keeps_one_citation_at_the_earlier_place(editor, duplicates):
    kept, other = duplicates
    article = ArticleFactory(draft=True)
    middle = SourceFactory()
    CitationFactory(article=article, source=other, position=1)
    CitationFactory(article=article, source=middle, position=2)
    CitationFactory(article=article, source=kept, position=3)

    services.merge_sources(kept, [other], by=editor)

    assert list(article.citations.values_list("source", "position")) == [(kept.pk, 1), (middle.pk, 2)]


def test_merging_fills_the_kept_sources_empty_fields(editor, duplicates):
    kept, other = duplicates

    services.merge_sources(kept, [other], by=editor)

    doi = kept.doi
    kept.refresh_from_db()
    assert (kept.pmid, kept.doi) == ("29951056", doi)


def test_merging_takes_the_authors_when_the_kept_source_has_none(editor, duplicates):
    with_authors, without = duplicates

    services.merge_sources(without, [with_authors], by=editor)

    assert [str(author) for author in without.authors.all()] == ["Guo Y", "Tian X"]


def test_merging_rewrites_markers_that_named_only_the_duplicate(editor, duplicates):
    kept, other = duplicates
    article = ArticleFactory(
        body=f"<p>Mild [cite:pmid:29951056], common [cite:{other.pk}, {kept.doi}].</p>", draft=True
    )
    CitationFactory(article=article, source=other)

    services.merge_sources(kept, [other], by=editor)

    article.refresh_from_db()
    assert article.body == f"<p>Mild [cite:{kept.doi}], common [cite:{kept.doi}].</p>"


def test_merging_needs_permission_to_change_and_delete_sources(django_user_model, duplicates):
    user = django_user_model.objects.create_user("intern", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="change_source"))

    with pytest.raises(PermissionDenied):
        services.merge_sources(*duplicates[:1], duplicates[1:], by=user)


def test_the_merge_action_asks_which_source_to_keep(client, editor, duplicates):
    client.force_login(editor)

    response = client.post(
        CHANGELIST, {"action": "merge_selected", ACTION_CHECKBOX_NAME: [source.pk for source in duplicates]}
    )

    assert response.status_code == 200
    assert "Choose the one to keep" in response.content.decode()
    assert Source.objects.count() == 2


def test_the_merge_action_merges_into_the_chosen_source(client, editor, duplicates):
    kept, other = duplicates
    client.force_login(editor)

    response = client.post(
        CHANGELIST,
        {"action": "merge_selected", ACTION_CHECKBOX_NAME: [kept.pk, other.pk], "survivor": other.pk},
    )

    assert response.status_code == 302
    assert list(Source.objects.values_list("pk", flat=True)) == [other.pk]
    assert "Merged 1 duplicate into “Adverse effects of immunoglobulin therapy”" in messages_of(response)[0]


def live_duplicates():
    """The same paper in the library twice, both published, each cited by a live article readers can open."""
    kept = source_with_authors("Guo Y", title="Adverse effects of immunoglobulin therapy", pmid="")
    other = source_with_authors("Guo Y", title="Adverse effects of immunoglobulin therapy", doi="", pmid="29951056")
    citing_kept = ArticleFactory(title="Side effects", body=f"<p>Mild [cite:{kept.doi}].</p>")
    citing_other = ArticleFactory(title="IVIG at home", body="<p>Headaches are common [cite:pmid:29951056].</p>")
    CitationFactory(article=citing_kept, source=kept, position=1)
    CitationFactory(article=citing_other, source=other, position=1)
    return kept, other, citing_other


def test_merging_changes_a_live_page_only_in_a_new_version_for_review(client, editor):
    kept, other, article = live_duplicates()
    page_before = main_content(client.get(article.get_absolute_url()))

    result = services.merge_sources(kept, [other], by=editor)

    article.refresh_from_db()
    [copy] = result.new_versions
    assert copy.draft_of == article and copy.status == Status.DRAFT
    assert list(copy.citations.values_list("source", flat=True)) == [kept.pk]
    assert kept.doi in copy.body and "pmid:29951056" not in copy.body
    # Readers still get exactly what a reviewer published.
    assert list(article.citations.values_list("source", flat=True)) == [other.pk]
    assert "[cite:pmid:29951056]" in article.body
    assert main_content(client.get(article.get_absolute_url())) == page_before
    assert ReviewEvent.objects.for_object(copy).filter(action="edit").exists()


def test_a_published_duplicate_is_kept_and_the_editor_is_told_why(client, editor):
    kept, other, _ = live_duplicates()
    client.force_login(editor)

    response = client.post(
        CHANGELIST, {"action": "merge_selected", ACTION_CHECKBOX_NAME: [kept.pk, other.pk], "survivor": kept.pk}
    )

    other.refresh_from_db()
    assert other.status == Status.PUBLISHED and other.authors.count() == 1
    said = " ".join(messages_of(response))
    assert (
        "Published pages changed in new versions, which readers see once a reviewer publishes them: “IVIG at home”"
        in said
    )
    assert "was kept: it is published: readers may see it." in said


def test_a_published_survivor_takes_what_the_duplicates_add_in_a_new_version(editor):
    kept, other, _ = live_duplicates()
    with seeding():
        other.issue = "3"
        other.save()

    result = services.merge_sources(kept, [other], by=editor)

    kept.refresh_from_db()
    assert result.survivor.draft_of == kept and result.survivor.issue == "3"
    assert kept.issue == ""  # the live source, unchanged until a reviewer publishes the new version
    assert not result.survivor.pmid  # the kept duplicate keeps its own PubMed ID: no two sources share one


def test_once_the_new_versions_are_published_the_duplicate_can_go(editor, reviewer, publish_through_review):
    kept, other, article = live_duplicates()
    result = services.merge_sources(kept, [other], by=editor)
    publish_through_review(result.new_versions[0])
    workflow.perform(other, "archive", reviewer, "A duplicate of the DOI record.")

    other_pk = other.pk
    again = services.merge_sources(kept, [other], by=editor)

    assert len(again.deleted) == 1 and not Source.objects.filter(pk=other_pk).exists()
    assert list(article.citations.values_list("source", flat=True)) == [kept.pk]


def test_partners_hear_which_record_replaced_a_merged_one(editor, duplicates):
    kept, other = duplicates
    heard = []

    def listen(sender, record, into, **kwargs):
        heard.append((record.pk, into.pk))

    records_merged.connect(listen)
    try:
        services.merge_sources(kept, [other], by=editor)
    finally:
        records_merged.disconnect(listen)

    assert heard == [(other.pk, kept.pk)]


@pytest.mark.parametrize("state", ["in_review", "scheduled"])
def test_a_merge_that_would_change_a_page_under_review_changes_nothing(client, editor, state):
    kept, other = duplicates_pair = (SourceFactory(draft=True), SourceFactory(draft=True))
    live = ArticleFactory(title="Under review")
    copy = workflow.start_new_version(live, editor)
    CitationFactory(article=copy, source=other, position=1)
    with seeding():
        copy.status, copy.published_at = state, live.published_at + datetime.timedelta(days=60)
        copy.save()
    client.force_login(editor)

    response = client.post(
        CHANGELIST,
        {"action": "merge_selected", ACTION_CHECKBOX_NAME: [s.pk for s in duplicates_pair], "survivor": kept.pk},
    )

    assert Source.objects.filter(pk=other.pk).exists()
    assert list(copy.citations.values_list("source", flat=True)) == [other.pk]
    said = messages_of(response)[0]
    assert said.startswith("Nothing was merged: Article “Under review” is ")
    assert ("Withdraw it from review first" if state == "in_review" else "Cancel the scheduled publication") in said


def test_the_merge_action_is_not_offered_without_delete_permission(client, django_user_model):
    user = django_user_model.objects.create_user("intern", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_source", "change_source"]))
    client.force_login(user)

    actions = dict(client.get(CHANGELIST).context["action_form"].fields["action"].choices)

    assert "merge_selected" not in actions


# --- Retractions -----------------------------------------------------------------------------------------------


@pytest.fixture
def retracted_setup(client, editor):
    client.force_login(editor)
    source = source_with_authors("Wakefield AJ", title="Ileal-lymphoid-nodular hyperplasia", doi="10.1016/x.1")
    published = ArticleFactory(title="IVIG therapy")
    draft = ArticleFactory(draft=True, title="SCIG at home")
    CitationFactory(article=published, source=source, position=1)
    CitationFactory(article=draft, source=source, position=1)
    return source, published, draft


def retract_in_admin(client, source):
    """Enter the retraction as an editor does: in a new version of the published source."""
    client.post(reverse("admin:references_source_new_version", args=[source.pk]))
    copy = Source.objects.get(draft_of=source)
    return change_through_admin(
        client, copy, retracted_on="2010-02-02", retraction_notice_url="https://doi.org/10.1016/notice"
    )


def test_retracting_a_source_sends_every_article_citing_it_to_the_review_queue(client, retracted_setup):
    source, published, draft = retracted_setup

    response = retract_in_admin(client, source)

    assert response.status_code == 302
    for article in (published, draft):
        article.refresh_from_db()
        assert article.review_reason.startswith("Cited source retracted on 2010-02-02: Wakefield AJ. Ileal-")
        assert "Notice: https://doi.org/10.1016/notice" in article.review_reason
    assert list(Article.objects.overdue_for_review()) == [published]
    assert ReviewEvent.objects.filter(action="flag_for_review").count() == 2


def test_a_published_article_citing_a_retracted_source_stays_visible(client, retracted_setup):
    source, published, _ = retracted_setup

    retract_in_admin(client, source)

    client.logout()
    assert client.get(published.get_absolute_url()).status_code == 200


def test_the_editor_is_told_which_articles_were_sent_for_review(client, retracted_setup):
    source, *_ = retracted_setup

    response = retract_in_admin(client, source)

    assert messages_of(response)[0] == (
        "The 2 pages citing it were sent back to the review queue: “IVIG therapy” and “SCIG at home”."
    )


def test_saving_a_retracted_source_again_does_not_flag_again(client, retracted_setup):
    source, *_ = retracted_setup
    retract_in_admin(client, source)

    change_through_admin(client, Source.objects.get(draft_of=source), title="Ileal-lymphoid-nodular hyperplasia (x)")

    assert ReviewEvent.objects.filter(action="flag_for_review").count() == 2


def test_the_source_page_in_the_admin_lists_the_articles_citing_it(client, retracted_setup):
    source, published, draft = retracted_setup
    retract_in_admin(client, source)

    page = client.get(admin_change_url(source)).content.decode()

    assert f"<a href='{admin_change_url(published)}'>IVIG therapy</a> (published, flagged for a fresh review)" in page
    assert f"<a href='{admin_change_url(draft)}'>SCIG at home</a> (draft, flagged for a fresh review)" in page


def test_readers_see_retracted_once_a_reviewer_publishes_it(client, retracted_setup, publish_through_review):
    source, published, _ = retracted_setup
    retract_in_admin(client, source)
    client.logout()
    assert "Retracted" not in main_content(client.get(published.get_absolute_url()))

    publish_through_review(Source.objects.get(draft_of=source))

    page = main_content(client.get(published.get_absolute_url()))

    assert (
        '<strong class="retraction-label">Retracted</strong> (<a href="https://doi.org/10.1016/notice">retraction '
        "notice</a>, February 2, 2010)."
    ) in page


def test_a_retraction_notice_needs_the_retraction_date():
    source = SourceFactory.build(retraction_notice_url="https://doi.org/10.1016/notice")

    with pytest.raises(ValidationError) as error:
        source.full_clean()

    assert error.value.message_dict == {"retracted_on": ["Give the date of the retraction along with its notice."]}


def test_retract_flags_the_citing_articles_once(editor, retracted_setup):
    source, published, _ = retracted_setup

    flagged = services.retract(source, on=datetime.date(2010, 2, 2), by=editor)
    again = services.retract(source, on=datetime.date(2010, 2, 2), by=editor)

    assert published in flagged
    assert again == []


# --- Citation keys ---------------------------------------------------------------------------------------------


def test_a_source_saved_in_the_admin_gets_a_citation_key_from_its_first_author_and_year(client, editor):
    source_with_authors("Guo Y", year=2018, citation_key="guo-2018")
    source = source_with_authors("Guo Y", year=2018, citation_key="", draft=True)
    client.force_login(editor)

    change_through_admin(client, source, title="Adverse effects of immunoglobulin therapy")

    source.refresh_from_db()
    assert source.citation_key == "guo-2018b"


def test_a_citation_key_another_source_has_in_other_letters_is_refused_next_to_the_field():
    SourceFactory(citation_key="perez-2017")

    with pytest.raises(ValidationError) as error:
        SourceFactory.build(citation_key="Perez-2017").full_clean()

    assert error.value.message_dict == {
        "citation_key": ["Another source already has this citation key. Choose another one."]
    }


def test_the_database_refuses_a_citation_key_another_source_has_in_other_letters():
    SourceFactory(citation_key="perez-2017")

    with pytest.raises(IntegrityError), transaction.atomic():
        SourceFactory(citation_key="PEREZ-2017")


# --- A source's public page ------------------------------------------------------------------------------------


def test_a_sources_page_lists_the_published_articles_citing_it(client):
    source = source_with_authors("Guo Y", title="Adverse effects of immunoglobulin therapy", pmid="29951056")
    CitationFactory(source=source, article=ArticleFactory(title="IVIG therapy"))
    CitationFactory(source=source, article=ArticleFactory(title="Secret draft", draft=True))

    page = main_content(client.get(source.get_absolute_url()))

    assert "IVIG therapy" in page
    assert "Secret draft" not in page
    assert f'<a href="https://doi.org/{source.doi}">{source.doi}</a>' in page
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/29951056/">PMID: 29951056</a>' in page


def test_a_source_only_drafts_cite_is_not_found_by_readers(client):
    source = SourceFactory()
    CitationFactory(source=source, article=ArticleFactory(draft=True))

    assert client.get(source.get_absolute_url()).status_code == 404


def test_staff_may_open_any_sources_page(client, editor):
    source = SourceFactory()
    client.force_login(editor)

    response = client.get(source.get_absolute_url())

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]


def test_each_listed_source_links_to_its_page(client):
    citation = CitationFactory()

    page = main_content(client.get(citation.record.get_absolute_url()))

    assert f'href="{citation.source.get_absolute_url()}"' in page


# --- Filling from Crossref -------------------------------------------------------------------------------------

CROSSREF_WORK = {
    "status": "ok",
    "message-type": "work",
    "message": {
        "DOI": "10.3389/fimmu.2018.01299",
        "type": "journal-article",
        "title": ["Adverse Effects of Immunoglobulin Therapy"],
        "author": [
            {"given": "Y.", "family": "Guo", "sequence": "first", "affiliation": []},
            {"given": "X.", "family": "Tian", "sequence": "additional", "affiliation": []},
        ],
        "container-title": ["Frontiers in Immunology"],
        "short-container-title": ["Front. Immunol."],
        "publisher": "Frontiers Media SA",
        "volume": "9",
        "article-number": "1299",
        "issued": {"date-parts": [[2018, 6, 8]]},
    },
}


class CrossrefStub(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/works/10.3389/fimmu.2018.01299":
            body, status = json.dumps(CROSSREF_WORK).encode(), 200
        elif self.path == "/works/10.9999/garbled":
            body, status = b"<html>maintenance</html>", 200
        else:
            body, status = b"Resource not found.", 404
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def crossref(settings):
    server = HTTPServer(("127.0.0.1", 0), CrossrefStub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CROSSREF_API_URL = f"http://127.0.0.1:{server.server_port}/works/"
    yield server
    server.shutdown()
    server.server_close()


def fill(client, source):
    return client.post(reverse("admin:references_source_fill_from_doi", args=[source.pk]))


def test_fill_from_doi_fills_only_the_empty_fields(client, editor, crossref):
    source = Source.objects.create(title="Adverse effects of immunoglobulin therapy", doi="10.3389/fimmu.2018.01299")
    client.force_login(editor)

    response = fill(client, source)

    source.refresh_from_db()
    assert response.status_code == 302
    assert source.title == "Adverse effects of immunoglobulin therapy"
    assert (source.publication, source.year, source.volume, source.pages) == ("Front Immunol", 2018, "9", "1299")
    assert [str(author) for author in source.authors.all()] == ["Guo Y", "Tian X"]
    assert "filled journal or website, year, publication date, volume, pages and authors" in messages_of(response)[0]


def test_fill_from_doi_explains_an_unknown_doi(client, editor, crossref):
    source = SourceFactory(doi="10.9999/unknown", publication="", draft=True)
    client.force_login(editor)

    response = fill(client, source)

    assert messages_of(response) == [
        f"“{source.title}”: Crossref does not know the DOI 10.9999/unknown. Check it for typos."
    ]


def test_fill_from_doi_explains_an_answer_it_cannot_read(client, editor, crossref):
    source = SourceFactory(doi="10.9999/garbled", draft=True)
    client.force_login(editor)

    response = fill(client, source)

    assert "Crossref’s answer could not be read" in messages_of(response)[0]


def test_fill_from_doi_without_a_network_says_so_instead_of_failing(client, editor, settings):
    settings.CROSSREF_API_URL = "http://127.0.0.1:9/works/"
    settings.CROSSREF_TIMEOUT = 2
    source = SourceFactory(publication="")
    client.force_login(editor)

    response = client.post(
        CHANGELIST, {"action": "fill_selected_from_crossref", ACTION_CHECKBOX_NAME: [source.pk]}, follow=True
    )

    assert response.status_code == 200
    assert "Could not reach Crossref" in response.content.decode()
    assert "This server may have no internet connection; fill the fields by hand." in response.content.decode()
    assert Citation.objects.count() == 0


def crossref_action(client, *sources):
    return client.post(
        CHANGELIST, {"action": "fill_selected_from_crossref", ACTION_CHECKBOX_NAME: [s.pk for s in sources]}
    )


def test_filling_a_published_source_from_crossref_starts_a_new_version_for_review(client, editor, crossref):
    source = SourceFactory(doi="10.3389/fimmu.2018.01299", publication="", volume="")
    client.force_login(editor)

    response = crossref_action(client, source)

    source.refresh_from_db()
    assert (source.publication, source.volume, source.authors.count()) == ("", "", 0)  # what readers see
    copy = Source.objects.get(draft_of=source)
    assert (copy.status, copy.publication, copy.volume) == (Status.DRAFT, "Front Immunol", "9")
    assert [str(author) for author in copy.authors.all()] == ["Guo Y", "Tian X"]
    assert "went into a new version of it" in messages_of(response)[0]
    assert ReviewEvent.objects.for_object(copy).filter(action="edit", actor=editor).exists()


@pytest.mark.parametrize("state", [Status.SCHEDULED, Status.IN_REVIEW])
def test_crossref_never_fills_a_version_waiting_to_go_live(client, editor, crossref, state):
    source = SourceFactory(doi="10.3389/fimmu.2018.01299", publication="")
    copy = workflow.start_new_version(source, editor)
    with seeding():
        copy.status, copy.published_at = state, timezone.now() + datetime.timedelta(days=2)
        copy.save()
    client.force_login(editor)

    response = crossref_action(client, source, copy)

    source.refresh_from_db()
    copy.refresh_from_db()
    assert source.publication == copy.publication == ""
    assert copy.authors.count() == 0
    said = " ".join(messages_of(response))
    assert f"already has a new version that is {state.label.lower()}" in said
    assert f"is {state.label.lower()}, so its content cannot change here" in said
