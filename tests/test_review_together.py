"""
One review for a record and the new records it brings with it: an article and the sources imported for it, a new
side effect or author it names. The editor submits once, one fact-check covers the set (recorded per record), one
Publish puts them live together; the preview shows the page as it will be, numbered sources included.
"""

import pytest
from django.urls import reverse

from articles.models import Article, Condition, SideEffect
from references.models import Source
from review.models import FactCheck, ReviewEvent, Status
from review.workflow import WorkflowError, companions, perform
from tests.factories import (
    ArticleFactory,
    ArticleSideEffectFactory,
    CitationFactory,
    ConditionFactory,
    ContributorFactory,
    FactCheckerFactory,
    SideEffectFactory,
    SourceFactory,
)
from tests.people import medical_reviewer, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    user = member_of("Editors", "ella")
    ContributorFactory(name="Ella Editor", user=user)
    return user


@pytest.fixture
def reviewer():
    user = member_of("Reviewers", "rory")
    FactCheckerFactory(name="Rory Reviewer", user=user)
    return user


@pytest.fixture
def article(editor):
    """A news article (no medical review) with two sources imported for it and a new side effect, all drafts."""
    article = ArticleFactory(
        draft=True,
        kind=Article.Kind.NEWS,
        title="Home infusions",
        body="<p>Most people feel well after a home infusion.[cite:one] Headaches are common.[cite:two]</p>",
        created_by=editor,
        last_edited_by=editor,
    )
    for key, title in [("one", "Home infusion of immunoglobulin"), ("two", "Headache after IVIG")]:
        source = SourceFactory(draft=True, citation_key=key, title=title, created_by=editor, last_edited_by=editor)
        CitationFactory(article=article, source=source)
    effect = SideEffectFactory(draft=True, name="Tiredness after an infusion", created_by=editor, last_edited_by=editor)
    ArticleSideEffectFactory(article=article, side_effect=effect)
    return article


def new_records():
    return [
        *Source.objects.filter(citation_key__in=["one", "two"]).order_by("citation_key"),
        SideEffect.objects.get(name="Tiredness after an infusion"),
    ]


def statuses(*records):
    return {type(r).objects.get(pk=r.pk).status for r in records}


def transition(client, user, record, name, **data):
    client.force_login(user)
    url = reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_transition", args=[record.pk, name])
    return client.post(url, {"comment": "", **data})


def messages_of(response):
    return [str(message) for message in response.wsgi_request._messages]


def test_one_submit_one_fact_check_and_one_publish_take_the_new_sources_with_the_article(
    client, article, editor, reviewer
):
    transition(client, editor, article, "submit")
    assert statuses(article, *new_records()) == {Status.IN_REVIEW}

    transition(client, reviewer, article, "fact_check", comment="Checked both studies.")
    assert statuses(article, *new_records()) == {Status.FACT_CHECKED}
    for record in [article, *new_records()]:
        check = FactCheck.objects.for_object(record).get()
        assert check.reviewer == reviewer
        assert check.lock_version == type(record).objects.get(pk=record.pk).lock_version
    source_check = FactCheck.objects.for_object(new_records()[0]).get()
    assert source_check.notes == "Together with article “Home infusions”. Checked both studies."
    assert source_check.snapshot["title"] == "Home infusion of immunoglobulin"

    transition(client, reviewer, article, "publish", substantive="on")
    assert statuses(article, *new_records()) == {Status.PUBLISHED}

    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Home infusion of immunoglobulin" in page
    assert "Headache after IVIG" in page
    assert "Tiredness after an infusion" in page
    assert client.get(new_records()[0].get_absolute_url()).status_code == 200
    events = ReviewEvent.objects.for_object(new_records()[0])
    assert list(events.values_list("action", flat=True).reverse()) == ["submit", "fact_check", "publish"]


def test_the_preview_of_the_first_draft_shows_the_numbered_sources_readers_will_see(client, article, editor):
    client.force_login(editor)
    preview = client.get(reverse("articles:article_preview", args=[article.pk])).content.decode()

    assert "Home infusion of immunoglobulin" in preview
    assert "Headache after IVIG" in preview
    assert '<a href="#source-2" id="cite-2-1">2</a>' in preview  # the second citation is numbered
    assert 'id="source-2"' in preview
    desk = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "Headache after IVIG" in desk
    # Readers see none of it until it is published.
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(new_records()[0].get_absolute_url()).status_code == 404


def test_a_live_page_never_shows_a_new_source_on_its_way(client, editor):
    live = ArticleFactory(title="Live guide", body="<p>Fact.[cite:soon]</p>")
    CitationFactory(
        article=live, source=SourceFactory(draft=True, citation_key="soon", title="A study not checked yet")
    )

    assert "A study not checked yet" not in client.get(live.get_absolute_url()).content.decode()


def test_withdrawing_or_sending_back_the_article_takes_its_new_sources_back_too(client, article, editor, reviewer):
    transition(client, editor, article, "submit")
    transition(client, editor, article, "withdraw")
    assert statuses(article, *new_records()) == {Status.DRAFT}

    transition(client, editor, article, "submit")
    transition(client, reviewer, article, "request_changes", comment="The second study is about adults only.")
    assert statuses(article, *new_records()) == {Status.CHANGES_REQUESTED}
    event = ReviewEvent.objects.for_object(new_records()[1]).first()
    assert "The second study is about adults only." in event.comment


def test_a_new_source_the_reviewer_edited_stops_the_whole_fact_check_and_says_which(client, article, editor, reviewer):
    transition(client, editor, article, "submit")
    Source.objects.filter(citation_key="two").update(last_edited_by=reviewer)

    response = transition(client, reviewer, article, "fact_check")

    assert statuses(article, *new_records()) == {Status.IN_REVIEW}
    assert not FactCheck.objects.exists()
    said = " ".join(messages_of(response))
    assert "Source “Headache after IVIG (2018)” goes through review with article “Home infusions”" in said
    assert "someone else has to fact-check it" in said


def test_a_record_published_before_is_not_taken_along(article, editor, reviewer):
    """A source that was live once and then unpublished comes back only through its own review."""
    returning = Source.objects.get(citation_key="two")
    Source.objects.filter(pk=returning.pk).update(status=Status.UNPUBLISHED, published_at=article.created_at)
    perform(article, "submit", editor)

    assert Source.objects.get(pk=returning.pk).status == Status.UNPUBLISHED
    perform(article, "fact_check", reviewer)
    with pytest.raises(WorkflowError, match="Headache after IVIG"):
        perform(article, "publish", reviewer)
    assert Article.objects.get(pk=article.pk).status == Status.FACT_CHECKED


def test_what_a_clinician_may_not_send_back_stays_checked_and_goes_live_with_the_next_review(article, editor, reviewer):
    """Clinicians send back guides and side effects, not sources: the sources keep their fact-check meanwhile."""
    Article.objects.filter(pk=article.pk).update(kind=Article.Kind.THERAPY_GUIDE)
    clinician = medical_reviewer()
    perform(article, "submit", editor)
    perform(article, "fact_check", reviewer)
    with pytest.raises(WorkflowError, match="medically reviewed"):
        perform(article, "publish", reviewer)

    perform(article, "request_changes", clinician, "Say who may not have IVIG at home.")
    sources, effect = new_records()[:2], new_records()[2]
    assert statuses(article, effect) == {Status.CHANGES_REQUESTED}
    assert statuses(*sources) == {Status.FACT_CHECKED}

    perform(article, "submit", editor)
    perform(article, "fact_check", reviewer)
    perform(article, "medically_review", clinician)
    perform(article, "publish", reviewer)
    assert statuses(article, *new_records()) == {Status.PUBLISHED}
    assert not FactCheck.objects.for_object(new_records()[0]).medical_reviews().exists()


def test_new_records_that_show_each_other_are_taken_along_once(editor, reviewer):
    first = ConditionFactory(draft=True, name="Kawasaki disease", created_by=editor)
    second = ConditionFactory(draft=True, name="Multisystem inflammatory syndrome", created_by=editor)
    first.related_conditions.add(second)
    second.related_conditions.add(first)

    perform(first, "submit", editor)

    assert statuses(first, second) == {Status.IN_REVIEW}
    assert ReviewEvent.objects.for_object(second).filter(action="submit").count() == 1
    assert [record.pk for record in companions(Condition.objects.get(pk=first.pk))] == [second.pk]
