"""
Every reviewed reader page says when it was last reviewed and when its next review is due, in the site's date
format, and says the new dates as soon as a reviewer publishes a new version.
"""

import datetime

import pytest
from django.utils import timezone
from django.utils.dateformat import format as format_date

from articles.models import Article, Condition, Product, SideEffect
from review.workflow import perform, start_new_version
from tests.factories import ArticleFactory, ConditionFactory, ContributorFactory, ProductFactory, SideEffectFactory
from tests.html import main_content
from tests.people import member_of

pytestmark = pytest.mark.django_db

LAST_REVIEWED = datetime.date(2026, 3, 2)
NEXT_REVIEW = datetime.date(2027, 3, 2)
FACTORIES = {"article": ArticleFactory, "condition": ConditionFactory, "product": ProductFactory}
FACTORIES["side effect"] = SideEffectFactory
MODELS = {"article": Article, "condition": Condition, "product": Product, "side effect": SideEffect}


def said(date):
    """A date as reader pages say it."""
    return f'<time datetime="{date.isoformat()}">{format_date(date, "F j, Y")}</time>'


@pytest.mark.parametrize("kind", FACTORIES)
def test_the_page_says_when_it_was_last_reviewed_and_when_the_next_review_is_due(client, kind):
    record = FACTORIES[kind](last_reviewed_on=LAST_REVIEWED, next_review_due=NEXT_REVIEW)

    page = main_content(client.get(record.get_absolute_url()))

    assert f"Last reviewed {said(LAST_REVIEWED)}" in page
    assert f"Next review due {said(NEXT_REVIEW)}" in page
    assert 'Last reviewed <time datetime="2026-03-02">March 2, 2026</time>' in page


@pytest.mark.parametrize("kind", FACTORIES)
def test_a_page_never_reviewed_yet_still_says_when_its_review_is_due(client, kind):
    record = FACTORIES[kind](next_review_due=NEXT_REVIEW, fact_checker=None, last_reviewed_on=None)

    page = main_content(client.get(record.get_absolute_url()))

    assert f"Next review due {said(NEXT_REVIEW)}" in page
    assert "Last reviewed" not in page


@pytest.mark.parametrize("kind", FACTORIES)
def test_the_dates_change_when_a_reviewer_publishes_a_new_version(client, kind):
    today = timezone.localdate()
    reviewed, due = today - datetime.timedelta(days=400), today - datetime.timedelta(days=35)  # overdue
    record = FACTORIES[kind](last_reviewed_on=reviewed, next_review_due=due)
    editor, reviewer = member_of("Editors"), member_of("Reviewers")
    ContributorFactory(user=reviewer, is_writer=False, is_fact_checker=True)
    assert f"Next review due {said(due)}" in main_content(client.get(record.get_absolute_url()))

    copy = start_new_version(MODELS[kind].objects.get(pk=record.pk), editor)
    copy = perform(copy, "submit", editor)
    copy = perform(copy, "fact_check", reviewer, "Checked again.")
    published = perform(copy, "publish", reviewer)

    page = main_content(client.get(record.get_absolute_url()))
    assert published.last_reviewed_on == today and published.next_review_due > today
    assert f"Last reviewed {said(today)}" in page
    assert f"Next review due {said(published.next_review_due)}" in page
    assert said(reviewed) not in page and said(due) not in page


def test_an_article_says_its_review_dates_next_to_its_last_update(client):
    article = ArticleFactory(last_reviewed_on=LAST_REVIEWED, next_review_due=NEXT_REVIEW)

    page = main_content(client.get(article.get_absolute_url()))
    header = page[page.index("<header") : page.index("</header>")]

    assert "Last updated" in header
    assert f"Last reviewed {said(LAST_REVIEWED)}" in header
    assert f"Next review due {said(NEXT_REVIEW)}" in header
