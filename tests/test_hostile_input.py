"""
Hostile input never makes a server error: each case found from outside answers 4xx or a message in words,
and stores nothing half-way. Property-based tests (hypothesis) then throw arbitrary text at the same inputs.
"""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedback.models import Feedback
from references.importers import FORMAT_NAMES, read_references
from references.models import Source
from tests.factories import ArticleFactory, ConditionFactory
from tests.people import member_of, superuser

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/references/source/import/"
ARTICLE_ADD_URL = "/admin/articles/article/add/"
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def browser(user=None):
    """A client that, like a browser, gets the response of an error instead of the exception."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


# --- The cases reported in the issue ---------------------------------------------------------------------


def test_a_nul_byte_in_the_search_is_a_bad_request():
    response = browser().get("/search/?q=%00")

    assert response.status_code == 400
    assert "not allowed" in response.content.decode()


def test_a_nul_byte_in_an_uploaded_ris_file_is_refused_in_words():
    client = browser(member_of("Editors"))
    export = SimpleUploadedFile("zotero.ris", b"TY  - JOUR\nTI  - IVIG\x00 dosing\nPY  - 2020\nER  - \n")

    response = client.post(IMPORT_URL, {"file": export, "import": "1", "selected": "1"})

    assert response.status_code == 200
    assert "The file is not a plain-text export" in response.content.decode()
    assert not Source.objects.exists()


def test_a_nul_byte_in_an_admin_autocomplete_term_is_a_bad_request():
    client = browser(member_of("Editors"))

    response = client.get(
        "/admin/autocomplete/",
        {"term": "ivig\x00", "app_label": "references", "model_name": "citation", "field_name": "source"},
    )

    assert response.status_code == 400


def test_a_nul_byte_in_a_workflow_comment_is_a_bad_request_and_changes_nothing():
    article = ArticleFactory(draft=True)
    client = browser(member_of("Editors"))

    response = client.post(f"/admin/articles/article/{article.pk}/transition/submit/", {"comment": "ok\x00"})

    assert response.status_code == 400
    article.refresh_from_db()
    assert article.status == article.Status.DRAFT


def test_a_bibtex_text_posted_as_ris_is_refused_in_words():
    client = browser(member_of("Editors"))

    response = client.post(IMPORT_URL, {"text": "@article{perez2017, title={IVIG}, year={2017}}", "format": "ris"})

    assert response.status_code == 200
    assert "No RIS (Zotero, EndNote, Mendeley) records were found in this text." in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_condition_that_is_not_an_id_on_the_article_form_is_not_a_server_error(method):
    condition = ConditionFactory()
    client = browser(member_of("Editors"))

    if method == "get":
        response = client.get(ARTICLE_ADD_URL, {"conditions": ["abc", str(condition.pk)]})
    else:
        response = client.post(ARTICLE_ADD_URL, {"title": "IVIG at home", "conditions": ["abc"]})

    assert response.status_code == 200
    if method == "post":
        assert "“abc” is not a valid value." in response.content.decode()
    else:
        assert condition.name in response.content.decode()


def test_an_id_beyond_the_databases_integers_is_not_a_valid_choice():
    client = browser(member_of("Editors"))

    response = client.post(ARTICLE_ADD_URL, {"title": "IVIG at home", "products": ["99999999999999999999"]})

    assert response.status_code == 200
    assert "“99999999999999999999” is not a valid value." in response.content.decode()


def test_a_nul_byte_in_the_session_cookie_is_a_bad_request():
    client = browser()
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"

    assert client.get("/admin/").status_code == 400


def test_a_nul_byte_in_the_address_is_a_bad_request():
    assert browser().get("/articles/ivig%00/").status_code == 400


def test_an_oversize_form_is_a_bad_request_and_stores_nothing():
    article = ArticleFactory()

    response = browser().post(f"/articles/{article.slug}/feedback/", {"helpful": "no", "comment": "x" * 6_000_000})

    assert response.status_code == 400
    assert not Feedback.objects.exists()


def test_invalid_utf8_in_a_posted_form_is_answered_in_words():
    article = ArticleFactory()

    response = browser().post(
        f"/articles/{article.slug}/feedback/",
        b"helpful=no&reason=%ff%fe&comment=%c3%28",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert not Feedback.objects.exists()


def test_invalid_utf8_in_the_query_string_is_answered():
    response = browser().get("/search/", QUERY_STRING="q=%ff%fe%80ivig")

    assert response.status_code == 200


def test_feedback_with_a_nul_byte_is_refused_and_not_stored():
    article = ArticleFactory()

    response = browser().post(f"/articles/{article.slug}/feedback/", {"helpful": "no", "reason": "error",
                                                                     "comment": "dose\x00"})  # fmt: skip

    assert response.status_code == 400
    assert not Feedback.objects.exists()


# --- Property-based ---------------------------------------------------------------------------------------

ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=300)


@FUZZ
@given(query=ANY_TEXT)
def test_any_search_query_is_answered(query):
    response = browser().get("/search/", {"q": query})

    assert response.status_code in {200, 400}
    assert response.status_code == 400 or "\x00" not in query


@FUZZ
@given(helpful=st.sampled_from(["yes", "no", "", "maybe"]), reason=ANY_TEXT, comment=ANY_TEXT)
def test_any_feedback_is_stored_whole_or_not_at_all(helpful, reason, comment):
    article = ArticleFactory()
    before = Feedback.objects.count()

    response = browser().post(
        f"/articles/{article.slug}/feedback/", {"helpful": helpful, "reason": reason, "comment": comment}
    )

    assert response.status_code in {200, 302, 400, 429}
    stored = Feedback.objects.count() - before
    assert stored == (1 if response.status_code == 302 else 0)


RIS_TAGS = st.sampled_from(["TI", "T2", "DO", "UR", "AN", "SP"])
RIS_LINES = st.lists(
    st.one_of(
        st.sampled_from(["TY  - JOUR", "TY - WEB", "ER  - ", "PY  - 2017///", "DA  - 2017/02/31/", "AU  - Perez, E"]),
        st.builds("{}  - {}".format, RIS_TAGS, ANY_TEXT),
        ANY_TEXT,
    ),
    max_size=20,
)
BIBTEX_FIELDS = st.sampled_from(["title", "author", "year", "date", "doi", "pages", "month", "day", "urldate"])


def _bibtex(kind, key, fields):
    return f"@{kind}{{{key},\n" + ",\n".join(f"{name} = {{{value}}}" for name, value in fields) + "\n}"


BIBTEX = st.builds(
    _bibtex,
    st.sampled_from(["article", "book", "online", "misc", "string", "comment"]),
    ANY_TEXT,
    st.lists(st.tuples(BIBTEX_FIELDS, ANY_TEXT), max_size=8),
)
MEDLINE_TAGS = st.sampled_from(["PMID", "TI", "FAU", "AU", "DP", "PG", "LID", "AID", "PT", "BTI", "TA"])
MEDLINE_LINES = st.lists(
    st.one_of(st.builds(lambda tag, value: f"{tag.ljust(4)}- {value}", MEDLINE_TAGS, ANY_TEXT), ANY_TEXT),
    max_size=20,
)


@FUZZ
@given(
    text=st.one_of(RIS_LINES.map("\n".join), BIBTEX, MEDLINE_LINES.map("\n".join), ANY_TEXT),
    fmt=st.sampled_from([None, *FORMAT_NAMES]),
)
def test_the_importers_read_any_text_or_explain_why_not(text, fmt):
    from django.core.exceptions import ValidationError

    text = text.replace("\x00", "")
    try:
        records = read_references(text, fmt)
    except ValidationError as error:
        assert error.messages
        return
    for record in records:
        assert record.reference is not None or record.problems


@FUZZ
@given(text=st.one_of(RIS_LINES.map("\n".join), BIBTEX, ANY_TEXT), fmt=st.sampled_from(["", *FORMAT_NAMES, "xml"]))
def test_the_import_page_answers_any_paste_and_imports_all_or_nothing(text, fmt):
    client = browser(member_of("Editors", username=f"editor-{uuid.uuid4().hex}"))
    before = Source.objects.count()

    response = client.post(IMPORT_URL, {"text": text, "format": fmt, "import": "1", "selected": ["1", "2", "3"]})

    assert response.status_code in {200, 302, 400}
    if response.status_code != 302:
        assert Source.objects.count() == before


@FUZZ
@given(comment=ANY_TEXT, transition=st.sampled_from(["submit", "archive", "unknown", "request_changes"]))
def test_any_workflow_comment_is_answered(comment, transition):
    editor = superuser(username=f"chief-{uuid.uuid4().hex}")
    article = ArticleFactory(draft=True)

    response = browser(editor).post(
        f"/admin/articles/article/{article.pk}/transition/{transition}/", {"comment": comment}
    )

    assert response.status_code in {302, 400, 403}
