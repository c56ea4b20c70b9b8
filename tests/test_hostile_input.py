"""
Hostile input never makes a server error: each case found from outside answers 4xx or a message in words,
and stores nothing half-way. Property-based tests (hypothesis) then throw arbitrary text at the same inputs.
"""

import datetime
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


# --- Numbers and identifiers that are not what they look like ----------------------------------------------

# "²" and "①" pass str.isdigit() and make int() fail; int() reads "٣" and "໓" as 3; int() refuses 4,300 digits.
UNICODE_DIGITS = ["²", "①", "٣", "໓"]
HUGE_NUMBERS = [str(10**30), "-1", "9" * 10_000]
OVERLONG = ["x" * 256, "x" * 1000, "x" * 10_000]
NOT_NUMBERS = UNICODE_DIGITS + HUGE_NUMBERS


@pytest.mark.parametrize(
    ("text", "number"),
    [("42", 42), ("007", 7), ("-1", -1), (str(10**30), 10**30), (2017, 2017), ("²", None), ("①", None), ("٣", None),
     ("໓", None), ("9" * 10_000, None), ("1_000", None), (" 1", None), ("+1", None), ("1.0", None), ("", None),
     (True, None), (None, None), (2017.0, None)],
)  # fmt: skip
def test_only_ascii_digits_are_read_as_a_whole_number(text, number):
    from ivig_site.numbers import whole_number

    assert whole_number(text) == number


def test_a_whole_number_outside_the_bounds_is_none():
    from ivig_site.numbers import whole_number

    assert [whole_number(text, minimum=1, maximum=500) for text in ["0", "1", "500", "501"]] == [None, 1, 500, None]


@pytest.mark.parametrize("value", NOT_NUMBERS)
@pytest.mark.parametrize("kind", ["conditions", "products", "side-effects", "contributors"])
def test_a_page_number_that_is_not_one_shows_the_first_page(kind, value, full_article):
    from articles.models import Condition, Contributor, Product, SideEffect

    model = {"conditions": Condition, "products": Product, "side-effects": SideEffect, "contributors": Contributor}
    record = model[kind].objects.published().filter(slug__in=["itp", "privigen", "headache", "rosa-delgado"]).get()

    response = browser().get(f"/{kind}/{record.slug}/", {"page": value, "checked": value, "reviewed": value})

    assert response.status_code == 200
    assert full_article.title in response.content.decode()


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_a_page_number_of_the_article_list_that_is_not_one_is_not_found(value):
    ArticleFactory()

    assert browser().get("/articles/", {"page": value}).status_code == 404


@pytest.mark.parametrize("value", [*UNICODE_DIGITS, "-1", "0", "9" * 10_000])
def test_an_api_page_size_that_is_not_a_number_from_one_to_200_is_a_bad_request(value):
    response = browser().get("/api/v1/articles/", {"page_size": value})

    assert response.status_code == 400
    assert response.json()["page_size"] == ["A page size is a whole number from 1 to 200."]


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_a_citation_marker_with_a_number_that_is_not_one_is_named_to_the_editor(client, editor, value):
    from tests.admin_forms import change_through_admin

    client.force_login(editor)
    draft = ArticleFactory(draft=True, body="<p>Nothing cited yet.</p>")

    response = change_through_admin(client, draft, body=f"<p>Claim [cite:{value}].</p>")

    assert response.status_code == 200
    assert f"The text cites [cite:{value[:20]}" in response.content.decode()


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_a_stored_citation_marker_with_a_number_that_is_not_one_does_not_break_the_page(value):
    article = ArticleFactory(body=f"<p>A claim [cite:{value}].</p>")

    response = browser().get(article.get_absolute_url())

    assert response.status_code == 200
    assert "[cite:" not in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [{"published_at__year": str(10**30)}, {"published_at__year": "9999"},
     {"published_at__year": "9999", "published_at__month": "12", "published_at__day": "31"},
     {"published_at__year": "٣"}, {"published_at__year": "2025", "published_at__month": "²"}],
)  # fmt: skip
def test_a_date_drill_down_beyond_the_calendar_is_an_invalid_filter(query):
    client = browser(member_of("Editors"))

    response = client.get("/admin/articles/article/", query)

    assert response.status_code in {200, 302}
    assert response.status_code == 200 or response["Location"].endswith("?e=1")


def read_one(text, fmt):
    [record] = read_references(text, fmt)
    return record


@pytest.mark.parametrize("year", [*UNICODE_DIGITS, "99999999999", "in press", "²⁰¹⁷", "٢٠١٧"])
def test_a_ris_year_that_is_not_a_year_is_a_problem_of_its_record(year):
    record = read_one(f"TY  - JOUR\nTI  - IVIG dosing\nPY  - {year}\nER  - \n", "ris")

    assert record.reference.year is None
    assert record.problems == [f"“{year}” is not a year: give the year of publication as four digits, e.g. 2017."]


@pytest.mark.parametrize("year", ["99999999999", "²", "٢٠١٧", "-1"])
def test_a_bibtex_year_that_is_not_a_year_is_a_problem_of_its_record(year):
    record = read_one(f"@article{{perez2017, title={{IVIG}}, year={{{year}}}, month={{3}}, day={{1}}}}", "bibtex")

    assert record.reference.year is None
    assert record.reference.published_on is None
    assert "is not a year" in record.problems[0]


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_a_bibtex_month_or_day_that_is_not_a_number_gives_no_date(value):
    for fields in [f"month={{{value}}}, day={{1}}", f"month={{3}}, day={{{value}}}"]:
        record = read_one(f"@article{{perez2017, title={{IVIG}}, year={{2017}}, {fields}}}", "bibtex")

        assert record.reference.year == 2017
        assert record.reference.published_on is None
        assert record.problems == []


def test_a_bibtex_date_of_ascii_digits_is_still_read():
    record = read_one("@article{perez2017, title={IVIG}, year={2017}, month={mar}, day={01}}", "bibtex")

    assert record.reference.published_on == datetime.date(2017, 3, 1)


@pytest.mark.parametrize("date", ["99999999999/01/01/", "2017/²/01/", "2017/13/01/", "2017/01/٣/", "2017/00/01/"])
def test_a_ris_date_that_is_not_a_date_gives_no_date(date):
    record = read_one(f"TY  - JOUR\nTI  - IVIG dosing\nPY  - 2017\nDA  - {date}\nER  - \n", "ris")

    assert record.reference.year == 2017
    assert record.reference.published_on is None


def test_a_medline_date_that_is_not_a_year_is_a_problem_of_its_record():
    record = read_one("PMID- 28041678\nTI  - IVIG dosing.\nDP  - ²⁰¹⁷ Mar\n", "medline")

    assert record.reference.year is None
    assert "is not a year" in record.problems[0]


@pytest.mark.parametrize("line", ["AN  - 1٢٣٤٥", "N1  - PMID: 1٢٣٤٥"])
def test_a_pmid_in_other_digits_is_not_read_as_one(line):
    record = read_one(f"TY  - JOUR\nTI  - IVIG dosing\nPY  - 2017\n{line}\nER  - \n", "ris")

    assert record.reference.pmid == ""


@pytest.mark.parametrize("value", [*NOT_NUMBERS, *OVERLONG, "0"])
@pytest.mark.parametrize("field", ["selected", "update"])
def test_a_record_number_that_is_not_one_in_the_import_imports_nothing(field, value):
    client = browser(member_of("Editors"))
    export = "TY  - JOUR\nTI  - IVIG dosing\nPY  - 2017\nER  - \n"

    response = client.post(IMPORT_URL, {"text": export, "import": "1", field: value})

    assert response.status_code == 200
    assert not Source.objects.exists()


def test_a_record_number_in_ascii_digits_is_still_imported():
    client = browser(member_of("Editors"))
    export = "TY  - JOUR\nTI  - IVIG dosing\nPY  - 2017\nER  - \n"

    response = client.post(IMPORT_URL, {"text": export, "import": "1", "selected": "1"})

    assert response.status_code == 302
    assert Source.objects.get().year == 2017


@pytest.mark.parametrize("parts", [[10**30, 1, 1], ["²", 1, 1], [2017, "①", 1], [2017, 2, 31], [-1], [2017.5]])
def test_a_crossref_date_that_is_not_a_date_is_read_without_error(parts):
    from references.crossref import reference_from_crossref

    reference = reference_from_crossref({"title": ["IVIG"], "issued": {"date-parts": [parts]}})

    assert reference.published_on is None
    assert reference.year in {None, *[part for part in parts[:1] if isinstance(part, int)]}


@pytest.mark.parametrize("value", [*NOT_NUMBERS, "x" * 20])
def test_an_editor_upload_callback_number_that_is_not_a_small_number_is_a_bad_request(client, editor, value):
    client.force_login(editor)

    response = client.post(f"/admin/editor/upload/?CKEditorFuncNum={value}", {})

    assert response.status_code == 400


# --- Property-based ---------------------------------------------------------------------------------------

ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=300)
# What people and programs put where a number belongs: numbers of any size, digits of any script, the classes above.
NUMBER_LIKE = st.one_of(
    st.integers().map(str),
    st.text(st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=12),
    st.sampled_from(NOT_NUMBERS + OVERLONG),
    ANY_TEXT,
)


@FUZZ
@given(query=st.one_of(ANY_TEXT, NUMBER_LIKE))
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
RIS_NUMBER_TAGS = st.sampled_from(["PY", "Y1", "DA", "Y2", "AN", "ID"])
DATE_LIKE = st.builds("{}/{}/{}/".format, NUMBER_LIKE, NUMBER_LIKE, NUMBER_LIKE)
RIS_LINES = st.lists(
    st.one_of(
        st.sampled_from(["TY  - JOUR", "TY - WEB", "ER  - ", "PY  - 2017///", "DA  - 2017/02/31/", "AU  - Perez, E"]),
        st.builds("{}  - {}".format, RIS_TAGS, ANY_TEXT),
        st.builds("{}  - {}".format, RIS_NUMBER_TAGS, st.one_of(NUMBER_LIKE, DATE_LIKE)),
        ANY_TEXT,
    ),
    max_size=20,
)
BIBTEX_FIELDS = st.sampled_from(["title", "author", "year", "date", "doi", "pages", "month", "day", "urldate"])
BIBTEX_NUMBER_FIELDS = st.sampled_from(["year", "month", "day", "pmid", "volume"])


def _bibtex(kind, key, fields):
    return f"@{kind}{{{key},\n" + ",\n".join(f"{name} = {{{value}}}" for name, value in fields) + "\n}"


BIBTEX = st.builds(
    _bibtex,
    st.sampled_from(["article", "book", "online", "misc", "string", "comment"]),
    ANY_TEXT,
    st.lists(st.one_of(st.tuples(BIBTEX_FIELDS, ANY_TEXT), st.tuples(BIBTEX_NUMBER_FIELDS, NUMBER_LIKE)), max_size=8),
)
MEDLINE_TAGS = st.sampled_from(["PMID", "TI", "FAU", "AU", "DP", "PG", "LID", "AID", "PT", "BTI", "TA"])
MEDLINE_LINES = st.lists(
    st.one_of(
        st.builds(lambda tag, value: f"{tag.ljust(4)}- {value}", MEDLINE_TAGS, ANY_TEXT),
        st.builds(lambda tag, value: f"{tag.ljust(4)}- {value}", st.sampled_from(["PMID", "DP"]), NUMBER_LIKE),
        ANY_TEXT,
    ),
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
@given(
    text=st.one_of(RIS_LINES.map("\n".join), BIBTEX, ANY_TEXT),
    fmt=st.sampled_from(["", *FORMAT_NAMES, "xml"]),
    numbers=st.one_of(st.just(["1", "2", "3"]), st.lists(NUMBER_LIKE, max_size=3)),
)
def test_the_import_page_answers_any_paste_and_imports_all_or_nothing(text, fmt, numbers):
    client = browser(member_of("Editors", username=f"editor-{uuid.uuid4().hex}"))
    before = Source.objects.count()

    response = client.post(IMPORT_URL, {"text": text, "format": fmt, "import": "1", "selected": numbers})

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


@FUZZ
@given(number=NUMBER_LIKE)
def test_any_page_number_on_a_condition_page_is_answered(number):
    condition = ConditionFactory()

    response = browser().get(f"/conditions/{condition.slug}/", {"page": number})

    assert response.status_code in {200, 400}
    assert response.status_code == 400 or "\x00" not in number


@FUZZ
@given(inner=st.one_of(NUMBER_LIKE, ANY_TEXT))
def test_any_citation_marker_is_read_and_rendered(inner):
    from references.markers import find_keys, render_citations

    text = f"<p>Claim [cite:{inner}].</p>"

    keys = find_keys(text)
    rendered = render_citations(text, [])

    assert all(key.kind in {"id", "pmid", "doi", "key"} for key in keys)
    if not set(inner) & set("[]<>"):  # then it is a marker, and readers never see one
        assert "[cite:" not in rendered.html
