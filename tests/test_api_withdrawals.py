"""
Partners learn of every withdrawal: a record readers can no longer see is reported to an incremental sync, the
validators of every answer it left (or that linked it) move, and the records that showed it get a new ``modified``.
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django.utils.http import http_date

from api.models import Withdrawal
from articles.models import Article, Condition, Contributor, SideEffect
from references.models import Source
from references.services import merge_sources
from review import workflow
from review.guard import seeding
from review.models import Status
from tests import factories

pytestmark = pytest.mark.django_db


def conditional(client, url, response):
    """The answers to ``url`` when the client sends back each validator of an earlier ``response``."""
    return (
        client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code,
        client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code,
    )


def test_an_incremental_sync_from_before_an_unpublish_returns_the_withdrawal(client, full_article, reviewer):
    t0 = timezone.now().isoformat()
    condition = Condition.objects.get(slug="itp")
    workflow.perform(condition, "unpublish", reviewer, "The dosing advice is out of date.")

    page = client.get("/api/v1/conditions/", {"modified_since": t0}).json()

    assert page["results"] == []
    [withdrawn] = page["withdrawn"]
    assert withdrawn["kind"] == "conditions" and withdrawn["id"] == condition.pk and withdrawn["slug"] == "itp"
    assert withdrawn["api_url"] == "http://testserver/api/v1/conditions/itp/"
    assert withdrawn["canonical_url"] == "http://testserver/conditions/itp/"
    assert (withdrawn["reason"], withdrawn["comment"]) == ("unpublished", "The dosing advice is out of date.")
    assert withdrawn["withdrawn"] >= t0 and withdrawn["replaced_by"] is None
    assert client.get(withdrawn["api_url"]).status_code == 404
    assert client.get("/api/v1/withdrawals/", {"since": t0}).json()["results"] == [withdrawn]
    assert client.get("/api/v1/withdrawals/", {"since": t0, "kind": "condition"}).json()["results"] == [withdrawn]
    assert client.get("/api/v1/withdrawals/", {"since": t0, "kind": "articles"}).json()["results"] == []


def test_a_sync_from_after_the_withdrawal_or_a_full_list_does_not_repeat_it(client, full_article, reviewer):
    workflow.perform(Condition.objects.get(slug="itp"), "unpublish", reviewer, "Out of date.")
    later = (timezone.now() + datetime.timedelta(seconds=2)).isoformat()
    assert client.get("/api/v1/conditions/", {"modified_since": later}).json()["withdrawn"] == []
    assert client.get("/api/v1/conditions/").json()["withdrawn"] == []
    assert client.get("/api/v1/articles/", {"modified_since": "2000-01-01T00:00:00Z"}).json()["withdrawn"] == []


def test_old_validators_get_200_everywhere_the_withdrawn_record_was_shown(client, full_article, reviewer):
    urls = ["/api/v1/conditions/", "/api/v1/articles/", "/api/v1/articles/ivig-for-itp/"]
    before = {url: client.get(url) for url in urls}
    for url, response in before.items():
        assert conditional(client, url, response) == (304, 304), url

    workflow.perform(Condition.objects.get(slug="itp"), "unpublish", reviewer, "Out of date.")

    for url, response in before.items():
        assert conditional(client, url, response) == (200, 200), url


def test_the_article_that_linked_the_withdrawn_record_has_a_new_modified(client, full_article, reviewer):
    before = client.get("/api/v1/articles/ivig-for-itp/").json()
    assert [link["name"] for link in before["conditions"]] == ["Immune thrombocytopenia (ITP)"]

    workflow.perform(Condition.objects.get(slug="itp"), "archive", reviewer, "Merged into the ITP guide.")

    after = client.get("/api/v1/articles/ivig-for-itp/").json()
    assert after["conditions"] == []
    assert after["modified"] > before["modified"]
    assert client.get("/api/v1/articles/", {"modified_since": before["modified"]}).json()["results"][0]["id"] == (
        full_article.pk
    )
    assert Withdrawal.objects.get().reason == Withdrawal.Reason.ARCHIVED


def test_a_renamed_linked_record_moves_the_linking_records_modified(client, full_article, editor, reviewer):
    before = client.get("/api/v1/articles/ivig-for-itp/")
    copy = workflow.start_new_version(Condition.objects.get(slug="itp"), editor)
    copy.name = "Primary immune thrombocytopenia"
    copy.save()
    workflow.perform(copy, "submit", editor)
    workflow.perform(copy, "fact_check", reviewer)
    workflow.perform(copy, "publish", reviewer)

    after = client.get("/api/v1/articles/ivig-for-itp/")
    assert after.json()["conditions"][0]["name"] == "Primary immune thrombocytopenia (ITP)"
    assert after.json()["modified"] > before.json()["modified"]
    assert conditional(client, "/api/v1/articles/ivig-for-itp/", before) == (200, 200)
    assert not Withdrawal.objects.exists()


def test_a_withdrawn_fact_checker_moves_the_records_they_reviewed(client, full_article, reviewer):
    before = client.get("/api/v1/articles/ivig-for-itp/").json()
    assert before["review"]["fact_checked_by"]["name"] == "Tomasz Wren, PharmD"

    workflow.perform(Contributor.objects.get(slug="tomasz-wren"), "unpublish", reviewer, "Left the board.")

    after = client.get("/api/v1/articles/ivig-for-itp/").json()
    assert after["review"]["fact_checked_by"] is None
    assert after["modified"] > before["modified"]


def test_publishing_a_withdrawn_record_again_ends_its_withdrawal(client, full_article, editor, reviewer):
    t0 = timezone.now().isoformat()
    condition = workflow.perform(Condition.objects.get(slug="itp"), "unpublish", reviewer, "Out of date.")
    withdrawals = client.get("/api/v1/withdrawals/")
    assert len(withdrawals.json()["results"]) == 1

    condition = workflow.perform(condition, "submit", editor)
    condition = workflow.perform(condition, "fact_check", reviewer)
    workflow.perform(condition, "publish", reviewer)

    page = client.get("/api/v1/conditions/", {"modified_since": t0}).json()
    assert [record["slug"] for record in page["results"]] == ["itp"] and page["withdrawn"] == []
    assert client.get("/api/v1/withdrawals/").json()["results"] == []
    assert conditional(client, "/api/v1/withdrawals/", withdrawals) == (200, 200)
    assert (
        client.get("/api/v1/articles/ivig-for-itp/").json()["conditions"][0]["name"] == "Immune thrombocytopenia (ITP)"
    )


def test_a_record_published_again_for_later_stays_withdrawn_until_its_time(client, full_article, editor, reviewer):
    condition = workflow.perform(Condition.objects.get(slug="itp"), "unpublish", reviewer, "Out of date.")
    condition = workflow.perform(condition, "submit", editor)
    condition = workflow.perform(condition, "fact_check", reviewer)
    workflow.perform(condition, "publish", reviewer, at=timezone.now() + datetime.timedelta(days=1))
    assert [w["slug"] for w in client.get("/api/v1/withdrawals/").json()["results"]] == ["itp"]

    Condition.objects.filter(pk=condition.pk).update(published_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/api/v1/withdrawals/").json()["results"] == []


def test_a_record_partners_saw_stays_withdrawn_once_deleted(client, full_article, reviewer):
    t0 = timezone.now().isoformat()
    zebra = factories.ConditionFactory(name="Zebra syndrome", slug="zebra", icd10_code="G61.81")
    with seeding():
        full_article.conditions.add(zebra)
    before = client.get("/api/v1/articles/ivig-for-itp/")
    zebra_id = zebra.pk
    # A live record is never deleted outright (review.guard): it is archived through review, then deleted.
    zebra = workflow.perform(zebra, "archive", reviewer, "Not a condition IVIG treats.")
    zebra.delete()

    [withdrawn] = client.get("/api/v1/conditions/", {"modified_since": t0}).json()["withdrawn"]
    assert (withdrawn["id"], withdrawn["reason"], withdrawn["slug"]) == (zebra_id, "archived", "zebra")
    assert withdrawn["comment"] == "Not a condition IVIG treats."
    article = client.get("/api/v1/articles/ivig-for-itp/")
    assert [link["name"] for link in article.json()["conditions"]] == ["Immune thrombocytopenia (ITP)"]
    assert article.json()["modified"] > before.json()["modified"]
    assert conditional(client, "/api/v1/articles/ivig-for-itp/", before) == (200, 200)


def test_a_merged_duplicate_names_the_record_that_replaces_it(client, full_article, editor, reviewer):
    survivor = Source.objects.get(doi="10.3389/fimmu.2018.01299")
    duplicate = factories.SourceFactory(title="Adverse effects of IVIG (duplicate entry)")
    duplicate_id = duplicate.pk
    t0 = timezone.now().isoformat()
    # As editors do: a reviewer archives the published duplicate, then an editor merges it into the one kept.
    workflow.perform(duplicate, "archive", reviewer, "A second entry for the Guo review.")
    result = merge_sources(survivor, [duplicate], by=editor)
    assert len(result.deleted) == 1

    [withdrawn] = client.get("/api/v1/sources/", {"modified_since": t0}).json()["withdrawn"]
    assert (withdrawn["id"], withdrawn["reason"]) == (duplicate_id, "merged")
    assert withdrawn["comment"] == f"Merged into “{survivor}”."
    assert withdrawn["replaced_by"]["api_url"] == f"http://testserver/api/v1/sources/{survivor.pk}/"
    assert withdrawn["api_url"] == f"http://testserver/api/v1/sources/{duplicate_id}/"


def test_records_readers_never_saw_leave_no_withdrawal(client, full_article, editor, reviewer):
    draft = factories.ConditionFactory(draft=True, slug="draft")
    workflow.perform(draft, "archive", reviewer, "Not needed.")
    factories.SideEffectFactory(draft=True).delete()
    future = factories.ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=2))
    workflow.perform(future, "unpublish", reviewer, "Not yet.")
    copy = workflow.start_new_version(Condition.objects.get(slug="itp"), editor)
    workflow.perform(copy, "submit", editor)
    workflow.perform(copy, "fact_check", reviewer)
    workflow.perform(copy, "publish", reviewer)  # the working copy is deleted once written onto its original

    assert not Withdrawal.objects.exists()
    assert client.get("/api/v1/withdrawals/").json()["results"] == []


def test_the_withdrawals_resource_pages_with_cursors_and_answers_304(client, full_article, reviewer):
    for slug in ("one", "two", "three"):
        condition = factories.ConditionFactory(slug=slug)
        workflow.perform(condition, "unpublish", reviewer, f"Withdrawn {slug}.")
    seen, url = [], "/api/v1/withdrawals/?page_size=2"
    while url:
        response = client.get(url)
        seen.extend(withdrawal["slug"] for withdrawal in response.json()["results"])
        url = response.json()["next"]
    assert seen == ["one", "two", "three"]
    first = client.get("/api/v1/withdrawals/")
    assert conditional(client, "/api/v1/withdrawals/", first) == (304, 304)


@pytest.mark.parametrize(
    ("params", "field"),
    [({"since": "yesterday"}, "since"), ({"kind": "pages"}, "kind"), ({"page_size": "0"}, "page_size")],
)
def test_bad_withdrawal_parameters_get_a_400_that_names_them(client, db, params, field):
    response = client.get("/api/v1/withdrawals/", params)
    assert response.status_code == 400 and field in response.json()


def test_the_infobutton_stops_showing_a_withdrawn_article_and_its_validators_move(client, full_article, reviewer):
    url = "/infobutton/?mainSearchCriteria.v.c=D69.3&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90"
    before = client.get(url)
    assert b"IVIG for immune thrombocytopenia" in before.content
    assert conditional(client, url, before) == (304, 304)

    workflow.perform(Article.objects.get(slug="ivig-for-itp"), "unpublish", reviewer, "Under revision.")

    after = client.get(url)
    assert b"IVIG for immune thrombocytopenia" not in after.content
    assert conditional(client, url, before) == (200, 200)


def test_an_unpublished_record_with_a_tombstone_is_still_refused_by_address(client, full_article, reviewer):
    workflow.perform(SideEffect.objects.get(slug="headache"), "unpublish", reviewer, "Rewritten elsewhere.")
    assert client.get("/api/v1/side-effects/headache/").status_code == 404
    assert SideEffect.objects.get(slug="headache").status == Status.UNPUBLISHED


def test_a_sync_pages_date_counts_the_sources_its_records_cite(client, full_article, reviewer):
    workflow.perform(factories.ArticleFactory(slug="old-news"), "unpublish", reviewer, "Superseded.")
    cited = timezone.now() + datetime.timedelta(minutes=1)
    Source.objects.filter(citations__object_id=full_article.pk).update(modified_at=cited)

    response = client.get("/api/v1/articles/", {"modified_since": "2000-01-01T00:00:00Z"})

    assert [withdrawn["slug"] for withdrawn in response.json()["withdrawn"]] == ["old-news"]
    assert response["Last-Modified"] == http_date(int(cited.timestamp()))


# Serialized: its flush then leaves the tables empty, as tests/test_backup.py expects to find them (a plain flush
# would create the staff groups again, which that file's own serialized data then collides with).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_upgrade_lists_records_withdrawn_before_it(client):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    before = [node for node in latest if node[0] != "api"] + [("api", "0002_withdrawals_and_webhooks")]
    executor.migrate(before)
    executor.loader.build_graph()
    old = executor.loader.project_state(before).apps
    last_week = timezone.now() - datetime.timedelta(days=7)
    Condition = old.get_model("articles", "Condition")
    gone = Condition.objects.create(
        name="Zebra syndrome", slug="zebra", summary="…", status="unpublished", published_at=last_week
    )
    Condition.objects.create(name="Never shown", slug="never", summary="…", status="archived")
    ContentType = old.get_model("contenttypes", "ContentType")
    old.get_model("review", "ReviewEvent").objects.create(
        content_type=ContentType.objects.get(app_label="articles", model="condition"),
        object_id=gone.pk,
        action="unpublish",
        comment="The advice was wrong.",
    )
    upgraded = timezone.now()

    executor.loader.build_graph()
    executor.migrate(latest)

    [withdrawn] = client.get("/api/v1/withdrawals/", {"since": upgraded.isoformat()}).json()["results"]
    assert (withdrawn["slug"], withdrawn["reason"], withdrawn["comment"]) == (
        "zebra",
        "unpublished",
        "The advice was wrong.",
    )
    assert withdrawn["api_url"] == "http://testserver/api/v1/conditions/zebra/"
