"""
The Infobutton answers what health records actually send: SNOMED CT, ICD-9-CM and RxNorm codes as well as
ICD-10, ICD-10-CM ranges, several search criteria in one request, official names without their accents or in
another word order; a partner key in the URL. Codes are reviewed content: a changed code reaches requesters only
once it is published.
"""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from api.models import PartnerKey
from articles.models import CodeSystem, Condition, ConditionCode, ProductCode
from review import workflow
from review.guard import seeding
from tests import factories
from tests.admin_forms import change_through_admin

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
REVIEW = "{urn:ivig-patient-guide:review}"
ICD10_CM = "2.16.840.1.113883.6.90"
ICD9_CM = "2.16.840.1.113883.6.103"
SNOMED = "2.16.840.1.113883.6.96"
RXNORM = "2.16.840.1.113883.6.88"
LOINC = "2.16.840.1.113883.6.1"
KEY_PARAMETER = "holder.assignedEntity.certificateText"


@pytest.fixture
def conditions(full_article):
    """ITP coded as health records code it, primary immunodeficiency as a range, GBS by its accented name."""
    itp = Condition.objects.get(slug="itp")
    with seeding():
        ConditionCode.objects.create(
            condition=itp, system=CodeSystem.SNOMED, code="32273002", title="Idiopathic thrombocytopenic purpura"
        )
        ConditionCode.objects.create(condition=itp, system=CodeSystem.ICD9CM, code="287.31")
        itp.codes.filter(system=CodeSystem.ICD10CM).update(title="Immune thrombocytopenic purpura")
    factories.ConditionFactory(
        name="Primary immunodeficiency", abbreviation="PI", slug="pi", codes=[(CodeSystem.ICD10CM, "D80", "D84")]
    )
    factories.ConditionFactory(
        name="Guillain-Barré syndrome", abbreviation="GBS", slug="gbs", icd10_code="G61.0", overview=""
    )
    return itp


def titles(response):
    assert response.status_code == 200, response.content
    feed = ET.fromstring(response.content)
    return [entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")]


def ask(client, **params):
    return client.get("/infobutton/", {name.replace("_", "."): value for name, value in params.items()})


def by_code(client, code, system, **more):
    return client.get("/infobutton/", {"mainSearchCriteria.v.c": code, "mainSearchCriteria.v.cs": system, **more})


# --- Codes of every system ---------------------------------------------------------------------------------------


def test_a_snomed_ct_code_finds_its_condition(client, conditions):
    response = by_code(client, "32273002", SNOMED)
    assert titles(response)[0] == "Immune thrombocytopenia"
    assert "for the SNOMED CT code 32273002" in ET.fromstring(response.content).find(f"{ATOM}subtitle").text


def test_an_icd9_code_finds_its_condition_and_climbs_its_hierarchy(client, conditions):
    assert titles(by_code(client, "287.31", ICD9_CM))[0] == "Immune thrombocytopenia"
    assert titles(by_code(client, "28731", ICD9_CM))[0] == "Immune thrombocytopenia"  # written without the dot


def test_a_code_in_an_icd10_range_finds_the_condition_of_the_range(client, conditions):
    response = by_code(client, "D83.9", ICD10_CM)
    assert titles(response) == ["Primary immunodeficiency"]
    assert "in the range D80–D84" in ET.fromstring(response.content).find(f"{ATOM}subtitle").text
    assert titles(by_code(client, "D80", ICD10_CM)) == ["Primary immunodeficiency"]
    assert titles(by_code(client, "D84.821", ICD10_CM)) == ["Primary immunodeficiency"]
    assert titles(by_code(client, "D85", ICD10_CM)) == []
    assert titles(by_code(client, "D79.9", ICD10_CM)) == []


def test_an_exact_code_comes_before_a_range_that_also_covers_it(client, conditions):
    factories.ConditionFactory(name="Common variable immunodeficiency", slug="cvid", icd10_code="D83.9")
    assert titles(by_code(client, "D83.9", ICD10_CM)) == ["Common variable immunodeficiency"]
    assert titles(by_code(client, "D83.1", ICD10_CM)) == ["Primary immunodeficiency"]


def test_an_rxnorm_code_finds_the_product_and_its_articles(client, conditions):
    product = factories.ProductFactory(brand_name="Examplegam", slug="examplegam")
    with seeding():
        ProductCode.objects.create(product=product, code="1000001", title="Examplegam 10% injectable solution")
    factories.ArticleFactory(title="Infusing Examplegam at home", products=[product])

    response = by_code(client, "1000001", RXNORM)

    assert titles(response) == ["Examplegam", "Infusing Examplegam at home"]
    feed = ET.fromstring(response.content)
    assert feed.find(f"{ATOM}entry/{ATOM}link").get("href") == "http://testserver/products/examplegam/"
    assert titles(by_code(client, "1000002", RXNORM)) == []


# --- Several criteria ----------------------------------------------------------------------------------------------


def test_a_numbered_criterion_is_read_like_the_first(client, conditions):
    response = ask(
        client,
        mainSearchCriteria_v_c0="A00",
        mainSearchCriteria_v_cs0=ICD10_CM,
        mainSearchCriteria_v_c1="32273002",
        mainSearchCriteria_v_cs1=SNOMED,
    )
    assert titles(response)[0] == "Immune thrombocytopenia"
    response = client.get("/infobutton/", {"mainSearchCriteria.v.c1": "G61.0", "mainSearchCriteria.v.cs1": ICD10_CM})
    assert titles(response) == ["Guillain-Barré syndrome"]


def test_several_criteria_answer_together_each_page_once(client, conditions):
    response = client.get(
        "/infobutton/",
        {
            "mainSearchCriteria.v.c": "D69.3",
            "mainSearchCriteria.v.cs": ICD10_CM,
            "mainSearchCriteria.v.c0": "G61.0",
            "mainSearchCriteria.v.cs0": ICD10_CM,
            "mainSearchCriteria.v.c1": "32273002",
            "mainSearchCriteria.v.cs1": SNOMED,
        },
    )
    assert titles(response) == [
        "Immune thrombocytopenia",
        "IVIG for immune thrombocytopenia",
        "Guillain-Barré syndrome",
    ]
    categories = [(c.get("scheme"), c.get("term")) for c in ET.fromstring(response.content).iter(f"{ATOM}category")]
    assert categories[:4] == [
        ("mainSearchCriteria.v.c", "D69.3"),
        ("mainSearchCriteria.v.cs", ICD10_CM),
        ("mainSearchCriteria.v.c0", "G61.0"),
        ("mainSearchCriteria.v.cs0", ICD10_CM),
    ]


# --- Names ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("Immune thrombocytopenic purpura", "Immune thrombocytopenia"),  # the ICD-10-CM title of D69.3
        ("IDIOPATHIC THROMBOCYTOPENIC PURPURA", "Immune thrombocytopenia"),  # the SNOMED CT one
        ("purpura, immune thrombocytopenic", "Immune thrombocytopenia"),  # as classifications order words
        ("Guillain Barre syndrome", "Guillain-Barré syndrome"),  # no accent, no hyphen
        ("Guillain-Barre", "Guillain-Barré syndrome"),
        ("syndrome Guillain-Barré", "Guillain-Barré syndrome"),
    ],
)
def test_a_display_name_matches_whatever_its_accents_and_word_order(client, conditions, name, title):
    assert titles(client.get("/infobutton/", {"mainSearchCriteria.v.dn": name}))[0] == title


def test_a_vague_word_alone_matches_nothing(client, conditions):
    assert titles(client.get("/infobutton/", {"mainSearchCriteria.v.dn": "syndrome"})) == []


def test_official_synonyms_an_editor_lists_are_matched(client, conditions):
    factories.ConditionFactory(name="Hemophilia A", slug="hemophilia-a", synonyms="Haemophilia A\nClassic hemophilia")
    assert titles(client.get("/infobutton/", {"mainSearchCriteria.v.dn": "Haemophilia A"})) == ["Hemophilia A"]
    assert titles(client.get("/infobutton/", {"mainSearchCriteria.v.dn": "Haemophilia B"})) == []


@pytest.mark.parametrize(
    ("code", "system"),
    [
        ("2897005", SNOMED),  # a SNOMED CT concept we hold no page for
        ("287.39", ICD9_CM),
        ("4548-4", LOINC),  # a code system we do not hold at all
        ("1000009", RXNORM),
    ],
)
def test_a_code_we_do_not_hold_falls_back_to_the_display_name(client, conditions, code, system):
    response = by_code(client, code, system, **{"mainSearchCriteria.v.dn": "Immune thrombocytopenic purpura"})
    assert titles(response)[0] == "Immune thrombocytopenia"
    assert (
        "for the name “Immune thrombocytopenic purpura”" in ET.fromstring(response.content).find(f"{ATOM}subtitle").text
    )


def test_a_nul_byte_or_a_malformed_criterion_is_a_400_never_a_500(client, conditions):
    response = client.get("/infobutton/", {"mainSearchCriteria.v.dn": "IT\x00P"})
    assert response.status_code == 400
    assert "not allowed" in response.content.decode()
    response = client.get("/infobutton/", {"mainSearchCriteria.v.c2": "G61.0", "mainSearchCriteria.v.cs2": "urn:oid:x"})
    assert response.status_code == 400
    assert "Unknown code system urn:oid:x in mainSearchCriteria.v.cs2" in response.content.decode()


def test_partners_get_the_codes_from_the_api_and_the_old_icd10_code_too(client, conditions):
    data = client.get("/api/v1/conditions/itp/").json()
    assert data["icd10_code"] == "D69.3"
    assert {
        "system": "snomed",
        "code": "32273002",
        "last_code": "",
        "title": "Idiopathic thrombocytopenic purpura",
    } in (data["codes"])
    assert client.get("/api/v1/conditions/pi/").json()["codes"] == [
        {"system": "icd10cm", "code": "D80", "last_code": "D84", "title": ""}
    ]


# --- Review dates --------------------------------------------------------------------------------------------------


def test_every_entry_carries_its_review_dates_in_atom_and_json(client, conditions):
    itp = conditions
    with seeding():
        Condition.objects.filter(pk=itp.pk).update(
            last_reviewed_on=datetime.date(2026, 3, 2), next_review_due=datetime.date(2027, 3, 2)
        )

    feed = ET.fromstring(by_code(client, "D69.3", ICD10_CM).content)
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{REVIEW}lastReviewed").text == "2026-03-02"
    assert entry.find(f"{REVIEW}nextReviewDue").text == "2027-03-02"

    data = by_code(client, "D69.3", ICD10_CM, knowledgeResponseType="application/json").json()
    first = data["feed"]["entry"][0]
    assert first["lastReviewed"] == {"_value": "2026-03-02"}
    assert first["nextReviewDue"] == {"_value": "2027-03-02"}


# --- A partner key in the URL --------------------------------------------------------------------------------------


def test_a_partner_key_in_the_url_is_honoured_counted_and_never_repeated(client, conditions, settings):
    settings.INFOBUTTON_ANONYMOUS_RATE = "1/hour"
    settings.API_KEY_RATE = "3/hour"
    partner, key = PartnerKey.objects.create_key(name="EHR", organization="St Example Hospital")
    params = {"mainSearchCriteria.v.c": "D69.3", "mainSearchCriteria.v.cs": ICD10_CM, KEY_PARAMETER: key}

    statuses = [client.get("/infobutton/", params).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]  # the key's budget, not the anonymous one
    partner.refresh_from_db()
    assert (partner.requests, partner.refused) == (3, 1)
    body = client.get("/infobutton/", {**params, KEY_PARAMETER: "wrong.key"})
    assert body.status_code == 401
    settings.API_KEY_RATE = "100/hour"
    answer = client.get("/infobutton/", {**params, "knowledgeResponseType": "application/json"})
    assert key not in answer.content.decode() and KEY_PARAMETER not in answer.content.decode()
    assert answer.json()["feed"]["id"]["_value"].startswith("http://testserver/infobutton/?mainSearchCriteria.v.c=")


def test_the_infobutton_the_api_and_its_documentation_count_apart(client, conditions, settings):
    settings.API_ANONYMOUS_RATE = "1/hour"
    settings.INFOBUTTON_ANONYMOUS_RATE = "1/hour"
    settings.API_DOCS_ANONYMOUS_RATE = "1/hour"
    assert client.get("/api/v1/conditions/").status_code == 200
    assert by_code(client, "D69.3", ICD10_CM).status_code == 200
    assert client.get(reverse("api:schema")).status_code == 200
    assert client.get("/api/v1/conditions/").status_code == 429
    assert by_code(client, "D69.3", ICD10_CM).status_code == 429
    assert client.get(reverse("api:docs")).status_code == 429


# --- Codes are reviewed content ------------------------------------------------------------------------------------


def test_a_code_changed_in_the_admin_reaches_requesters_only_once_published(
    client, conditions, editor, publish_through_review
):
    itp = conditions
    copy = workflow.start_new_version(itp, editor)
    client.force_login(editor)
    rows = list(copy.codes.order_by("system", "code"))
    index = next(number for number, row in enumerate(rows) if row.system == CodeSystem.SNOMED)

    response = change_through_admin(client, copy, **{f"codes-{index}-code": "2897005"})

    assert response.status_code == 302, response.content.decode()[:3000]
    assert copy.codes.filter(code="2897005").exists()
    client.logout()
    assert titles(by_code(client, "2897005", SNOMED)) == []  # the working copy's code is not live
    assert titles(by_code(client, "32273002", SNOMED))[0] == "Immune thrombocytopenia"

    publish_through_review(Condition.objects.get(pk=copy.pk))

    assert titles(by_code(client, "2897005", SNOMED))[0] == "Immune thrombocytopenia"
    assert titles(by_code(client, "32273002", SNOMED)) == []


def test_the_code_of_a_published_condition_cannot_change_outside_review(conditions):
    row = conditions.codes.get(system=CodeSystem.SNOMED)
    row.code = "2897005"
    with pytest.raises(ValidationError, match="published"):
        row.save()


def test_a_reviewer_sees_a_code_change_in_the_diff(conditions, editor):
    copy = workflow.start_new_version(conditions, editor)
    before = workflow_snapshot(conditions)
    copy.codes.filter(system=CodeSystem.SNOMED).update(code="2897005")
    after = workflow_snapshot(copy)
    assert "SNOMED CT 32273002 (Idiopathic thrombocytopenic purpura)" in before["codes"]
    assert "SNOMED CT 2897005 (Idiopathic thrombocytopenic purpura)" in after["codes"]


def workflow_snapshot(record):
    from review.content import snapshot

    return snapshot(Condition.objects.get(pk=record.pk))


# --- What a code may be --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("system", "code", "last", "stored"),
    [
        (CodeSystem.ICD10CM, "d693", "", "D69.3"),
        (CodeSystem.ICD10CM, "D80", "d84", "D80"),
        (CodeSystem.ICD9CM, "28731", "", "287.31"),
        (CodeSystem.ICD9CM, "E8889", "", "E888.9"),
        (CodeSystem.SNOMED, " 32273002 ", "", "32273002"),
    ],
)
def test_codes_are_stored_as_their_systems_write_them(conditions, system, code, last, stored):
    row = ConditionCode(condition=factories.ConditionFactory(draft=True), system=system, code=code, last_code=last)
    row.full_clean()
    row.save()
    assert ConditionCode.objects.get(pk=row.pk).code == stored


@pytest.mark.parametrize(
    ("system", "code", "last", "words"),
    [
        (CodeSystem.ICD10CM, "kawasaki", "", "is not an ICD-10 code"),
        (CodeSystem.SNOMED, "32273003", "", "check digit"),
        (CodeSystem.SNOMED, "D69.3", "", "is not a SNOMED CT identifier"),
        (CodeSystem.ICD9CM, "D69.3", "", "is not an ICD-9-CM code"),
        (CodeSystem.ICD10CM, "D84", "D80", "comes after"),
        (CodeSystem.ICD10CM, "D80.1", "D84", "without dots"),
        (CodeSystem.SNOMED, "32273002", "40956001", "Only ICD codes have ranges"),
        (CodeSystem.RXNORM, "1000001", "", "Choose one of"),
    ],
)
def test_a_malformed_code_is_explained(db, system, code, last, words):
    row = ConditionCode(condition=factories.ConditionFactory(draft=True), system=system, code=code, last_code=last)
    with pytest.raises(ValidationError) as refused:
        row.full_clean()
    assert words in str(refused.value)


@pytest.mark.parametrize(
    ("system", "code", "last"),
    [
        (CodeSystem.ICD10CM, "kawasaki", ""),
        (CodeSystem.SNOMED, "D69.3", ""),
        (CodeSystem.ICD10CM, "D84", "D80"),
        (CodeSystem.ICD10CM, "D80.1", "D84"),
        (CodeSystem.RXNORM, "1000001", ""),
    ],
)
def test_the_database_refuses_a_malformed_code(db, system, code, last):
    condition = factories.ConditionFactory(draft=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConditionCode.objects.create(condition=condition, system=system, code=code, last_code=last)


# --- The demo site, asked as an EHR would ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "page"),
    [
        ({"mainSearchCriteria.v.c": "32273002", "mainSearchCriteria.v.cs": SNOMED}, "/conditions/itp/"),
        (
            {"mainSearchCriteria.v.c": "D83.9", "mainSearchCriteria.v.cs": ICD10_CM},
            "/conditions/primary-immunodeficiency/",
        ),
        (
            {"mainSearchCriteria.v.c": "279.06", "mainSearchCriteria.v.cs": ICD9_CM},
            "/conditions/primary-immunodeficiency/",
        ),
        ({"mainSearchCriteria.v.dn": "Immune thrombocytopenic purpura"}, "/conditions/itp/"),
        ({"mainSearchCriteria.v.dn": "Guillain Barre"}, "/conditions/guillain-barre-syndrome/"),
        ({"mainSearchCriteria.v.dn": "Haemophilia A"}, "/conditions/hemophilia-a/"),
        (
            {
                "mainSearchCriteria.v.c": "Z00.00",
                "mainSearchCriteria.v.cs": ICD10_CM,
                "mainSearchCriteria.v.c1": "G61.81",
                "mainSearchCriteria.v.cs1": ICD10_CM,
            },
            "/conditions/cidp/",
        ),
    ],
)
def test_the_demo_answers_what_health_records_send(client, demo_site, params, page):
    feed = ET.fromstring(client.get("/infobutton/", params).content)
    links = [entry.find(f"{ATOM}link").get("href") for entry in feed.iter(f"{ATOM}entry")]
    assert links and links[0] == f"http://testserver{page}"
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{REVIEW}lastReviewed").text and entry.find(f"{REVIEW}nextReviewDue").text
