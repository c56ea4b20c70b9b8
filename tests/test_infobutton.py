"""
``/infobutton/`` answers HL7 URL-based Infobutton requests (Context-Aware Knowledge Retrieval) as MedlinePlus
Connect does. The requests below follow the specification's examples: a problem code with its code system,
a display name, the recipient and its language, and the response type.
"""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from articles.models import Article
from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
ICD10_CM = "2.16.840.1.113883.6.90"
ICD10_WHO = "2.16.840.1.113883.6.3"
SNOMED = "2.16.840.1.113883.6.96"
LOINC = "2.16.840.1.113883.6.1"
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")

# The specification's example: patient education for immune thrombocytopenic purpura, coded in ICD-10-CM.
HL7_EXAMPLE = {
    "mainSearchCriteria.v.c": "D69.3",
    "mainSearchCriteria.v.cs": ICD10_CM,
    "mainSearchCriteria.v.dn": "Immune thrombocytopenic purpura",
    "informationRecipient": "PAT",
    "informationRecipient.languageCode.c": "en",
}


def infobutton(client, **params):
    return client.get("/infobutton/", params)


def ask(client, params):
    return client.get("/infobutton/", params)


def atom_feed(response):
    """The response parsed as XML and checked against the structure RFC 4287 requires of a feed."""
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert len(feed.findall(f"{ATOM}{required}")) == 1, required
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    assert RFC3339.match(feed.find(f"{ATOM}updated").text)
    allowed = {"author", "category", "contributor", "generator", "icon", "id", "link", "logo", "rights",
               "subtitle", "title", "updated", "entry"}  # fmt: skip
    assert {child.tag.removeprefix(ATOM) for child in feed} <= allowed
    for entry in feed.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated", "summary"):
            assert len(entry.findall(f"{ATOM}{required}")) == 1, required
        assert RFC3339.match(entry.find(f"{ATOM}updated").text)
        alternate = [link for link in entry.findall(f"{ATOM}link") if link.get("rel") == "alternate"]
        assert len(alternate) == 1 and alternate[0].get("href").startswith("http://testserver/")
        assert entry.find(f"{ATOM}title").get("type") == "text"
    return feed


def entries(feed):
    return [
        (entry.find(f"{ATOM}title").text, entry.find(f"{ATOM}link").get("href")) for entry in feed.iter(f"{ATOM}entry")
    ]


def categories(feed):
    return {category.get("scheme"): category.get("term") for category in feed.iter(f"{ATOM}category")}


def test_the_hl7_example_gets_our_reviewed_pages_as_atom(client, full_article):
    response = ask(client, HL7_EXAMPLE)

    assert response.status_code == 200
    feed = atom_feed(response)
    assert entries(feed) == [
        ("Immune thrombocytopenia", "http://testserver/conditions/itp/"),
        ("IVIG for immune thrombocytopenia", "http://testserver/articles/ivig-for-itp/"),
    ]
    summary = feed.find(f"{ATOM}entry/{ATOM}summary").text
    assert summary.startswith("A condition in which the immune system attacks the body.")
    assert summary.endswith("Reviewed content from IVIG Patient Guide: http://testserver/conditions/itp/")
    assert categories(feed) == HL7_EXAMPLE
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert "for the ICD-10-CM code D69.3" in feed.find(f"{ATOM}subtitle").text


def test_at_most_three_entries(client, full_article):
    condition = full_article.conditions.get()
    for number in range(4):
        factories.ArticleFactory(title=f"More about ITP {number}", conditions=[condition])
    feed = atom_feed(ask(client, HL7_EXAMPLE))
    assert len(entries(feed)) == 3
    assert entries(feed)[0][0] == "Immune thrombocytopenia"


def test_a_more_specific_code_climbs_the_icd10_hierarchy(client, full_article):
    factories.ConditionFactory(name="Guillain-Barré syndrome", slug="gbs", icd10_code="G61.0")
    factories.ConditionFactory(name="Inflammatory polyneuropathy", slug="cidp", icd10_code="G61")
    feed = atom_feed(ask(client, {"mainSearchCriteria.v.c": "G61.81", "mainSearchCriteria.v.cs": ICD10_CM}))
    assert entries(feed) == [("Inflammatory polyneuropathy", "http://testserver/conditions/cidp/")]
    assert "nearest code above G61.81" in feed.find(f"{ATOM}subtitle").text

    feed = atom_feed(ask(client, {"mainSearchCriteria.v.c": "D69.31", "mainSearchCriteria.v.cs": ICD10_WHO}))
    assert entries(feed)[0][0] == "Immune thrombocytopenia"


def test_the_display_name_is_used_when_no_code_matches(client, full_article):
    feed = atom_feed(
        ask(
            client,
            {
                "mainSearchCriteria.v.c": "Z99.9",
                "mainSearchCriteria.v.cs": ICD10_CM,
                "mainSearchCriteria.v.dn": "immune thrombocytopenia, chronic",
            },
        )
    )
    assert entries(feed)[0][0] == "Immune thrombocytopenia"
    feed = atom_feed(ask(client, {"mainSearchCriteria.v.dn": "ITP"}))
    assert entries(feed)[0][0] == "Immune thrombocytopenia"


def test_nothing_matching_is_an_empty_feed_not_an_error(client, full_article):
    response = ask(client, {"mainSearchCriteria.v.c": "A00", "mainSearchCriteria.v.cs": ICD10_CM})
    assert response.status_code == 200
    assert entries(atom_feed(response)) == []


def test_json_has_medlineplus_connects_shape(client, full_article):
    response = ask(client, {**HL7_EXAMPLE, "knowledgeResponseType": "application/json"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    feed = response.json()["feed"]
    assert feed["title"]["_value"] == "IVIG Patient Guide: reviewed patient education"
    assert {"scheme": "mainSearchCriteria.v.c", "term": "D69.3"} in feed["category"]
    entry = feed["entry"][0]
    assert entry["title"] == {"_value": "Immune thrombocytopenia", "type": "text"}
    assert entry["link"][0]["href"] == "http://testserver/conditions/itp/"
    assert entry["link"][0]["rel"] == "alternate"
    assert RFC3339.match(entry["updated"]["_value"])
    assert "Reviewed content from" in entry["summary"]["_value"]


def test_jsonp_wraps_the_same_json_in_a_safe_callback(client, full_article):
    response = ask(client, {**HL7_EXAMPLE, "knowledgeResponseType": "text/javascript", "callback": "ehr.show"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    body = response.content.decode()
    match = re.fullmatch(r"/\*\*/ehr\.show\((.*)\);", body, re.DOTALL)
    assert match
    assert json.loads(match.group(1))["feed"]["entry"][0]["title"]["_value"] == "Immune thrombocytopenia"


@pytest.mark.parametrize(
    "callback", ["", "alert(1);x", "a b", "x<script>", "1abc", "function", "a..b", "\u0430lert", "a" * 300]
)
def test_a_callback_that_is_not_a_plain_name_is_refused(client, full_article, callback):
    response = ask(client, {**HL7_EXAMPLE, "knowledgeResponseType": "text/javascript", "callback": callback})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "callback" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"mainSearchCriteria.v.c": "4548-4", "mainSearchCriteria.v.cs": LOINC}, "Unknown code system"),
        ({"mainSearchCriteria.v.c": "D69.3", "mainSearchCriteria.v.cs": SNOMED}, "is not a SNOMED CT identifier"),
        ({"mainSearchCriteria.v.c": "32273003", "mainSearchCriteria.v.cs": SNOMED}, "check digit"),
        ({"mainSearchCriteria.v.c1": "D69.3"}, "mainSearchCriteria.v.cs1 is required"),
        ({"mainSearchCriteria.v.c01": "D69.3", "mainSearchCriteria.v.cs01": ICD10_CM}, "without leading zeros"),
        ({f"mainSearchCriteria.v.dn{n}": "ITP" for n in range(11)}, "Too many search criteria"),
        ({"mainSearchCriteria.v.c": "D69.3"}, "mainSearchCriteria.v.cs is required"),
        ({"mainSearchCriteria.v.c": "not a code", "mainSearchCriteria.v.cs": ICD10_CM}, "is not an ICD-10 code"),
        ({}, "Give a code"),
        ({**HL7_EXAMPLE, "informationRecipient": "ROBOT"}, "PAT (patient) or PROV"),
        ({**HL7_EXAMPLE, "informationRecipient.languageCode.c": "<en>"}, "language code"),
        ({**HL7_EXAMPLE, "mainSearchCriteria.v.dn": "x" * 500}, "longer than"),
        ({**HL7_EXAMPLE, "mainSearchCriteria.v.dn": "bell\x07"}, "control characters"),
    ],
)
@pytest.mark.parametrize("response_type", ["text/xml", "application/json"])
def test_malformed_requests_get_a_clear_400_in_the_requested_format(client, db, params, words, response_type):
    response = ask(client, {**params, "knowledgeResponseType": response_type})
    assert response.status_code == 400
    if response_type == "text/xml":
        error = ET.fromstring(response.content)
        assert error.tag == "error" and error.find("status").text == "400"
        assert words in error.find("message").text
    else:
        assert words in response.json()["error"]["message"]


def test_an_unknown_response_type_is_refused_in_xml(client, db):
    response = ask(client, {**HL7_EXAMPLE, "knowledgeResponseType": "application/pdf"})
    assert response.status_code == 400
    assert "knowledgeResponseType" in ET.fromstring(response.content).find("message").text


def test_a_jsonp_error_is_wrapped_in_the_callback(client, db):
    response = ask(client, {"knowledgeResponseType": "text/javascript", "callback": "show"})
    assert response.status_code == 400
    assert response.content.decode().startswith("/**/show(")


def test_hostile_text_is_escaped_in_every_format(client, full_article):
    hostile = '</category><script>alert("x")</script>&amp;'
    params = {**HL7_EXAMPLE, "mainSearchCriteria.v.dn": hostile}
    feed = atom_feed(ask(client, params))
    assert categories(feed)["mainSearchCriteria.v.dn"] == hostile
    assert b"<script>" not in ask(client, params).content
    body = ask(client, {**params, "knowledgeResponseType": "text/javascript", "callback": "cb"}).content.decode()
    assert "<" not in body and ">" not in body
    assert json.loads(body.removeprefix("/**/cb(").removesuffix(");"))["feed"]["category"][2]["term"] == hostile
    data = ask(client, {**params, "knowledgeResponseType": "application/json"})
    assert b"<" not in data.content and data.json()["feed"]["category"][2]["term"] == hostile


def test_drafts_and_scheduled_pages_are_never_offered(client, full_article, editor):
    condition = full_article.conditions.get()
    factories.ArticleFactory(draft=True, title="Draft about ITP", conditions=[condition])
    factories.ArticleFactory(
        title="Future ITP article", conditions=[condition], published_at=timezone.now() + datetime.timedelta(days=2)
    )
    factories.ConditionFactory(draft=True, name="Draft condition", slug="draft", icd10_code="G70.0")
    from review import workflow

    copy = workflow.start_new_version(Article.objects.get(pk=full_article.pk), editor)
    copy.title = "Pending title"
    copy.save()

    titles = [title for title, _ in entries(atom_feed(ask(client, HL7_EXAMPLE)))]
    assert titles == ["Immune thrombocytopenia", "IVIG for immune thrombocytopenia"]
    assert (
        entries(atom_feed(ask(client, {"mainSearchCriteria.v.c": "G70.0", "mainSearchCriteria.v.cs": ICD10_CM}))) == []
    )
    assert entries(atom_feed(ask(client, {"mainSearchCriteria.v.dn": "Draft condition"}))) == []


def test_conditional_requests_and_rate_limits_apply(client, full_article, settings):
    first = ask(client, HL7_EXAMPLE)
    assert first["ETag"] and first["Last-Modified"]
    assert client.get("/infobutton/", HL7_EXAMPLE, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    settings.INFOBUTTON_ANONYMOUS_RATE = "2/hour"
    refused = ask(client, {**HL7_EXAMPLE, "knowledgeResponseType": "application/json"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["error"]["status"] == 429
