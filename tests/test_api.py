"""The syndication API: published content only, derived from each model's declaration, cacheable, rate-limited."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from api.models import PartnerKey
from api.views import RESOURCES
from articles.models import Article, Condition
from references.models import Source
from review import workflow
from review.content import parts
from review.guard import seeding
from review.models import Status
from tests import factories

pytestmark = pytest.mark.django_db

LISTS = [f"/api/v1/{resource.prefix}/" for resource in RESOURCES]


def get(client, url, **headers):
    return client.get(url, **{f"HTTP_{name.upper()}": value for name, value in headers.items()})


def test_every_resource_lists_the_published_records(client, full_article):
    for url in LISTS:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/json"
        assert response.json()["results"], url


def test_every_declared_part_of_the_reviewed_content_is_in_the_api(client, full_article):
    for resource in RESOURCES:
        record = response_for(client, resource)
        declared = {part.name for part in parts(resource.model)}
        assert declared <= set(record), resource.model
        assert {"canonical_url", "api_url", "modified", "review", "licence", "attribution"} <= set(record)


def response_for(client, resource):
    return client.get(f"/api/v1/{resource.prefix}/").json()["results"][0]


def test_an_article_carries_review_dates_reviewers_and_numbered_sources(client, full_article, settings):
    settings.API_ATTRIBUTION = "From {site}, {url}"
    Article.objects.filter(pk=full_article.pk).update(
        last_reviewed_on=datetime.date(2025, 3, 1),
        next_review_due=datetime.date(2026, 3, 1),
        body="<h2>Why</h2><p>IVIG helps [cite:10.3389/fimmu.2018.01299].</p>",
    )
    data = client.get("/api/v1/articles/ivig-for-itp/").json()

    assert data["canonical_url"] == "http://testserver/articles/ivig-for-itp/"
    assert data["api_url"] == "http://testserver/api/v1/articles/ivig-for-itp/"
    assert data["review"]["last_reviewed"] == "2025-03-01"
    assert data["review"]["next_review_due"] == "2026-03-01"
    assert data["review"]["fact_checked_by"]["name"] == "Tomasz Wren, PharmD"
    assert data["review"]["reviewed_by"]["url"] == "http://testserver/contributors/tomasz-wren/"
    assert data["author"]["name"].startswith("Rosa Delgado")
    assert data["citations"] == [
        {
            "number": 1,
            "source": {
                "id": full_article.citations.get().source_id,
                "title": "Adverse effects of immunoglobulin therapy",
                "formatted": data["citations"][0]["source"]["formatted"],
                "doi": "10.3389/fimmu.2018.01299",
                "pmid": "29951056",
                "link": "https://doi.org/10.3389/fimmu.2018.01299",
                "retracted_on": None,
                "api_url": f"http://testserver/api/v1/sources/{full_article.citations.get().source_id}/",
            },
        }
    ]
    assert "Guo Y" in data["citations"][0]["source"]["formatted"]
    assert '<sup class="citation"><a href="#source-1"' in data["body"]["html"]
    assert data["body"]["text"] == "Why IVIG helps."
    assert data["attribution"] == "From IVIG Patient Guide, http://testserver/articles/ivig-for-itp/"
    assert data["licence"] == settings.API_LICENCE
    assert [link["name"] for link in data["conditions"]] == ["Immune thrombocytopenia (ITP)"]
    assert {row["side_effect"]["name"] for row in data["article_side_effects"]} == {"Headache", "Aseptic meningitis"}


def test_a_condition_is_found_by_slug_and_by_icd10_code(client, full_article):
    assert client.get("/api/v1/conditions/itp/").json()["icd10_code"] == "D69.3"
    assert client.get("/api/v1/conditions/icd10/D69.3/").json()["slug"] == "itp"
    assert client.get("/api/v1/conditions/icd10/d693/").json()["slug"] == "itp"
    assert client.get("/api/v1/conditions/icd10/D69.4/").status_code == 404
    refused = client.get("/api/v1/conditions/icd10/not-a-code/")
    assert refused.status_code == 400
    assert "is not an ICD-10 code" in refused.json()["code"][0]


# --- Visibility ---------------------------------------------------------------------------------------------

SECRET = "Zebrafish"


def everything_the_api_says(client):
    """Every list and every record the lists lead to, followed to their ends, as one string."""
    bodies = []
    for url in [*LISTS, "/api/v1/conditions/icd10/G61.81/", "/api/v1/conditions/icd10/D69.3/"]:
        while url:
            response = client.get(url)
            bodies.append(response.content.decode())
            data = response.json()
            results = data.get("results", [])
            bodies.extend(client.get(record["api_url"]).content.decode() for record in results)
            url = data.get("next")
    for criteria in (
        {"mainSearchCriteria.v.c": "G61.81"},
        {"mainSearchCriteria.v.c": "D69.3"},
        {"mainSearchCriteria.v.dn": f"{SECRET} syndrome"},
    ):
        params = {"mainSearchCriteria.v.cs": "2.16.840.1.113883.6.90", "knowledgeResponseType": "application/json"}
        feed = client.get("/infobutton/", params | criteria).json()["feed"]
        bodies.append(json.dumps([feed["entry"], feed["subtitle"]]))  # the request's own words are echoed elsewhere
        atom = ET.fromstring(
            client.get("/infobutton/", params | criteria | {"knowledgeResponseType": "text/xml"}).content
        )
        bodies.extend("".join(entry.itertext()) for entry in atom.iter("{http://www.w3.org/2005/Atom}entry"))
    return "\n".join(bodies)


def test_drafts_scheduled_versions_and_working_copies_never_appear(client, full_article, editor, reviewer):
    # A draft of every kind, linked into live content where the model allows it.
    draft_condition = factories.ConditionFactory(
        draft=True, name=f"{SECRET} syndrome", slug="zebra", icd10_code="G61.81", summary=f"{SECRET} summary."
    )
    with seeding():
        full_article.conditions.add(draft_condition)
    draft_source = factories.SourceFactory(draft=True, title=f"{SECRET} trial")
    factories.CitationFactory(article=full_article, source=draft_source, position=2)
    factories.ArticleFactory(draft=True, title=f"{SECRET} article", conditions=[full_article.conditions.first()])
    factories.SideEffectFactory(draft=True, name=f"{SECRET} rash")
    factories.ContributorFactory(draft=True, name=f"{SECRET} Writer")
    factories.ProductFactory(draft=True, brand_name=f"{SECRET}gam")
    unpublished = factories.ProductFactory(brand_name=f"{SECRET}lin", status=Status.UNPUBLISHED)
    assert unpublished.published_at
    # A live record with pending edits in a working copy, and one with a new version scheduled for next month.
    condition = Condition.objects.get(slug="itp")
    copy = workflow.start_new_version(condition, editor)
    copy.summary = f"{SECRET} pending summary."
    copy.save()
    effect = full_article.side_effects.get(slug="headache")
    scheduled = workflow.start_new_version(effect, editor)
    scheduled.description = f"{SECRET} scheduled description."
    scheduled.save()
    workflow.perform(scheduled, "submit", editor)
    workflow.perform(scheduled, "fact_check", reviewer)
    workflow.perform(scheduled, "publish", reviewer, at=timezone.now() + datetime.timedelta(days=30))
    # A first publication that waits for its time.
    factories.ArticleFactory(title=f"{SECRET} future", published_at=timezone.now() + datetime.timedelta(days=3))

    said = everything_the_api_says(client)

    assert "IVIG for immune thrombocytopenia" in said and "Headache" in said
    assert SECRET not in said and SECRET.lower() not in said.lower()


def test_unpublished_records_and_working_copies_are_not_found_by_address(client, full_article, editor):
    factories.ConditionFactory(draft=True, slug="zebra", icd10_code="G61.81")
    copy = workflow.start_new_version(full_article, editor)
    assert client.get("/api/v1/conditions/zebra/").status_code == 404
    assert client.get("/api/v1/conditions/icd10/G61.81/").status_code == 404
    assert client.get(f"/api/v1/sources/{factories.SourceFactory(draft=True).pk}/").status_code == 404
    assert Article.objects.filter(slug=copy.slug).count() == 2
    assert client.get("/api/v1/articles/", {"page_size": 100}).json()["results"][0]["id"] == full_article.pk


def test_a_staff_login_sees_no_more_than_a_reader(client, full_article, editor):
    factories.ConditionFactory(draft=True, name=f"{SECRET} syndrome", slug="zebra")
    client.force_login(editor)
    assert client.get("/api/v1/conditions/zebra/").status_code == 404
    assert SECRET not in client.get("/api/v1/conditions/").content.decode()


# --- Filters and pagination ---------------------------------------------------------------------------------


def test_modified_since_returns_only_what_changed(client, full_article):
    before = timezone.now()
    Source.objects.filter(pk=full_article.citations.get().source_id).update(
        modified_at=before - datetime.timedelta(days=2)
    )
    changed = factories.SourceFactory(title="A fresh source")
    results = client.get("/api/v1/sources/", {"modified_since": before.isoformat()}).json()["results"]
    assert [record["id"] for record in results] == [changed.pk]


def test_reviewed_since_kind_and_condition_filter(client, full_article):
    Article.objects.filter(pk=full_article.pk).update(last_reviewed_on=datetime.date(2025, 6, 1))
    other = factories.ArticleFactory(kind=Article.Kind.NEWS)
    assert ids(client, "/api/v1/articles/", reviewed_since="2025-05-01") == [full_article.pk]
    assert ids(client, "/api/v1/articles/", reviewed_since="2025-07-01") == []
    assert ids(client, "/api/v1/articles/", kind="news") == [other.pk]
    assert ids(client, "/api/v1/articles/", condition="itp") == [full_article.pk]
    assert [p["slug"] for p in client.get("/api/v1/products/", {"condition": "itp"}).json()["results"]] == ["privigen"]


def ids(client, url, **params):
    return [record["id"] for record in client.get(url, params).json()["results"]]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"modified_since": "yesterday"}, "modified_since"),
        ({"reviewed_since": "2025-13-45"}, "reviewed_since"),
        ({"kind": "<script>"}, "kind"),
        ({"cursor": "bm90IGEgY3Vyc29y"}, "cursor"),
        ({"cursor": "%%%"}, "cursor"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "201"}, "page_size"),
    ],
)
def test_bad_parameters_get_a_400_that_names_them(client, full_article, params, field):
    response = client.get("/api/v1/articles/", params)
    assert response.status_code == 400
    assert field in response.json()
    assert response["Content-Type"] == "application/json"


def test_a_record_published_for_later_is_in_the_sync_from_before_it_went_live(client, full_article):
    now = timezone.now()
    Article.objects.filter(pk=full_article.pk).update(modified_at=now - datetime.timedelta(days=2))
    # Saved and published for a later time an hour ago; live since a moment ago. A partner synced in between.
    scheduled = factories.ArticleFactory(slug="scheduled")
    Article.objects.filter(pk=scheduled.pk).update(
        modified_at=now - datetime.timedelta(hours=1), published_at=now - datetime.timedelta(seconds=1)
    )
    synced = now - datetime.timedelta(minutes=30)

    results = client.get("/api/v1/articles/", {"modified_since": synced.isoformat()}).json()["results"]

    assert [record["slug"] for record in results] == ["scheduled"]
    assert results[0]["modified"] == client.get("/api/v1/articles/scheduled/").json()["published"]


def test_any_rfc_3339_moment_is_a_place_to_sync_from(client, full_article):
    assert ids(client, "/api/v1/articles/", modified_since="0001-01-01T00:00:00+23:59") == [full_article.pk]
    assert ids(client, "/api/v1/articles/", modified_since="9999-12-31T23:59:59-23:59") == []


def test_a_cursor_walks_every_record_once(client, full_article):
    for _ in range(4):
        factories.SideEffectFactory()
    seen, url = [], "/api/v1/side-effects/?page_size=2"
    while url:
        data = client.get(url).json()
        seen.extend(record["slug"] for record in data["results"])
        url = data["next"]
    assert len(seen) == len(set(seen)) == 6


# --- Conditional requests -----------------------------------------------------------------------------------


def test_etag_and_last_modified_answer_conditional_requests_with_304(client, full_article):
    first = client.get("/api/v1/articles/ivig-for-itp/")
    assert first.status_code == 200
    assert first["ETag"].startswith('"') and first["Last-Modified"].endswith("GMT")
    assert "no-cache" in first["Cache-Control"]

    again = get(client, "/api/v1/articles/ivig-for-itp/", if_none_match=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    since = get(client, "/api/v1/articles/ivig-for-itp/", if_modified_since=first["Last-Modified"])
    assert since.status_code == 304

    Article.objects.filter(pk=full_article.pk).update(title="IVIG for ITP, revised", modified_at=timezone.now())
    changed = get(client, "/api/v1/articles/ivig-for-itp/", if_none_match=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def test_a_change_to_a_cited_source_changes_the_citing_records_validators(client, full_article):
    first = client.get("/api/v1/articles/ivig-for-itp/")
    Source.objects.filter(pk=full_article.citations.get().source_id).update(
        title="Renamed source", modified_at=timezone.now() + datetime.timedelta(seconds=5)
    )
    second = get(client, "/api/v1/articles/ivig-for-itp/", if_none_match=first["ETag"])
    assert second.status_code == 200
    assert second["Last-Modified"] != first["Last-Modified"]


def test_lists_have_validators_too(client, full_article):
    first = client.get("/api/v1/conditions/")
    assert get(client, "/api/v1/conditions/", if_none_match=first["ETag"]).status_code == 304


# --- Keys and rate limits -----------------------------------------------------------------------------------


@override_settings(API_ANONYMOUS_RATE="2/hour", API_KEY_RATE="4/hour")
def test_anonymous_clients_are_limited_per_address_with_retry_after(client, full_article):
    assert [client.get("/api/v1/conditions/").status_code for _ in range(2)] == [200, 200]
    refused = client.get("/api/v1/conditions/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert "throttled" in refused.json()["detail"].lower()
    assert client.get("/api/v1/conditions/", REMOTE_ADDR="198.51.100.9").status_code == 200


@override_settings(API_ANONYMOUS_RATE="2/hour", API_KEY_RATE="4/hour", PROXY_COUNT=1)
def test_behind_our_proxy_the_real_client_address_is_limited(client, full_article):
    for _ in range(2):
        assert client.get("/api/v1/conditions/", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 200
    assert client.get("/api/v1/conditions/", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert client.get("/api/v1/conditions/", HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 200


@override_settings(API_ANONYMOUS_RATE="1/hour", API_KEY_RATE="3/hour")
def test_a_partner_key_has_its_own_limit_and_its_use_is_counted(client, full_article):
    partner, key = PartnerKey.objects.create_key(name="Portal", organization="St Example Hospital")
    headers = {"HTTP_AUTHORIZATION": f"Api-Key {key}"}
    statuses = [client.get("/api/v1/articles/", **headers).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    partner.refresh_from_db()
    assert (partner.requests, partner.refused) == (3, 1)
    assert partner.last_used_at is not None

    _generous, other_key = PartnerKey.objects.create_key(name="Big", organization="Region", rate_limit=10)
    assert [
        client.get("/api/v1/articles/", HTTP_AUTHORIZATION=f"Api-Key {other_key}").status_code for _ in range(5)
    ] == [200] * 5


def test_a_wrong_or_revoked_key_is_refused_with_401(client, full_article):
    response = client.get("/api/v1/articles/", HTTP_AUTHORIZATION="Api-Key not.a-key")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    _partner, key = PartnerKey.objects.create_key(name="Old", organization="Clinic", revoked=True)
    assert client.get("/api/v1/articles/", HTTP_AUTHORIZATION=f"Api-Key {key}").status_code == 401


def test_a_superuser_issues_a_key_in_the_admin_and_it_works(admin_client, client, full_article):
    response = admin_client.post(
        reverse("admin:api_partnerkey_add"),
        {"organization": "St Example Hospital", "name": "Patient portal", "contact_email": "", "rate_limit": ""},
        follow=True,
    )
    assert response.status_code == 200
    message = " ".join(str(m) for m in response.context["messages"])
    key = re.search(r"API key for Patient portal is: (\w+\.\w+)", message).group(1)
    assert client.get("/api/v1/conditions/", HTTP_AUTHORIZATION=f"Api-Key {key}").status_code == 200
    assert PartnerKey.objects.get().requests == 1


def test_editors_and_reviewers_cannot_issue_keys(client, editor, reviewer):
    for user in (editor, reviewer):
        client.force_login(user)
        assert client.get(reverse("admin:api_partnerkey_add")).status_code == 403


def test_the_schema_and_its_docs_are_served(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/conditions/icd10/{code}/" in schema.json()["paths"]
    assert client.get("/api/v1/schema/", {"format": "json"}).json()["openapi"].startswith("3.")
    assert client.get("/api/v1/schema/").content.startswith(b"openapi: 3.")
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200 and b"swagger-ui" in docs.content


def test_a_nul_character_is_refused_before_the_api(client, full_article):
    assert client.get("/api/v1/articles/", {"kind": "news\x00"}).status_code == 400
    assert client.get("/infobutton/", {"mainSearchCriteria.v.dn": "a\x00b"}).status_code == 400


def test_a_wrong_api_address_answers_json_404(client, db):
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404 and response.json()["detail"]
