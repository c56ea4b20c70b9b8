"""
The review bar at the top of every reviewed record's admin page: each role finds there exactly the actions it may
take, and each works from there; publication times in the site's words and zone; the queue of records waiting for
a clinician; which published pages a change reaches; a pending change to a cited source on the article's desk;
and the history comparing a new version with the published one.
"""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Product
from references.models import Source
from review import workflow
from review.models import Status
from tests.admin_forms import admin_change_url, change_through_admin
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    FactCheckerFactory,
    ProductFactory,
    SourceAuthorFactory,
    SourceFactory,
)
from tests.people import medical_reviewer, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return member_of("Editors", "ella")


@pytest.fixture
def reviewer():
    user = member_of("Reviewers", "rita")
    FactCheckerFactory(name="Rita Reviewer", slug="rita-reviewer", user=user)
    return user


@pytest.fixture
def clinician():
    return medical_reviewer()


class BarReader(HTMLParser):
    """The actions in the review bar: what submits a form or follows a link, with where it goes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0  # <div> nesting inside the bar; 0 outside it
        self.form = None
        self.actions = []
        self.text_of = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and attrs.get("id") == "review-bar":
            self.depth = 1
            return
        if not self.depth:
            return
        if tag == "div":
            self.depth += 1
        elif tag == "form":
            self.form = attrs.get("action")
        elif tag == "input" and attrs.get("type") == "submit":
            self.actions.append({"label": attrs["value"], "url": self.form, **attrs})
        elif tag == "button" or (tag == "a" and "button" in attrs.get("class", "").split()):
            self.actions.append({"label": "", "url": attrs.get("href", self.form), "tag": tag, **attrs})
            self.text_of = self.actions[-1]

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "div":
            self.depth -= 1
        elif tag == "form":
            self.form = None
        elif tag in ("button", "a"):
            self.text_of = None

    def handle_data(self, data):
        if self.text_of is not None:
            self.text_of["label"] = (self.text_of["label"] + data).strip()


def bar_of(page):
    reader = BarReader()
    reader.feed(page)
    return reader.actions


def labels(actions):
    return sorted(action["label"] for action in actions)


def open_page(client, user, record):
    client.force_login(user)
    response = client.get(admin_change_url(record))
    assert response.status_code == 200
    return response.content.decode()


def action(actions, label):
    found = [candidate for candidate in actions if candidate["label"] == label]
    assert len(found) == 1, (label, labels(actions))
    return found[0]


def fresh(record):
    return type(record).objects.get(pk=record.pk)


def message(response):
    return " ".join(str(message) for message in response.wsgi_request._messages)


# --- Every action the user may take, in the bar -----------------------------------------------------------------

SAVES = ["Save", "Save and continue editing", "Save and submit for review"]


def test_an_editor_finds_every_save_in_the_bar_and_each_saves_the_form(client, editor):
    article = ArticleFactory(draft=True)

    actions = bar_of(open_page(client, editor, article))

    assert labels(actions) == sorted([*SAVES, "History", "Preview on site"])
    for label in SAVES:
        assert action(actions, label)["form"] == "article_form"  # the form below, as its own buttons would
    assert action(actions, "Save and submit for review").get("class") == "button default"
    assert action(actions, "History")["url"] == reverse("admin:articles_article_history", args=[article.pk])


def test_save_and_submit_from_the_bar_submits_what_was_typed(client, editor):
    article = ArticleFactory(draft=True, title="Before")
    client.force_login(editor)
    bar_button = action(bar_of(open_page(client, editor, article)), "Save and submit for review")

    response = change_through_admin(
        client, article, title="Typed just now", **{bar_button["name"]: bar_button["value"]}
    )

    assert response.status_code == 302
    assert (fresh(article).title, fresh(article).status) == ("Typed just now", Status.IN_REVIEW)


def test_a_reviewer_gets_the_reviewers_actions_and_no_save(client, editor, reviewer):
    article = workflow.perform(ArticleFactory(draft=True), "submit", editor)

    actions = bar_of(open_page(client, reviewer, article))

    assert labels(actions) == ["History", "Mark as fact-checked", "Preview on site", "Request changes"]


def test_fact_checking_from_the_bar_works(client, editor, reviewer):
    article = workflow.perform(ArticleFactory(draft=True), "submit", editor)
    fact_check = action(bar_of(open_page(client, reviewer, article)), "Mark as fact-checked")

    response = client.post(fact_check["url"], {"comment": "Doses checked against the label."})

    assert response.status_code == 302
    assert fresh(article).status == Status.FACT_CHECKED


def test_a_change_request_from_the_bar_asks_for_its_reason_and_sends_the_record_back(client, editor, reviewer):
    article = workflow.perform(ArticleFactory(draft=True), "submit", editor)
    page = open_page(client, reviewer, article)
    form_url = action(bar_of(page), "Request changes")["url"]

    assert re.search(r'<label for="comment-request_changes">[^<]*required', page)
    assert re.search(r'<input type="text" id="comment-request_changes" name="comment"[^>]* required', page)
    response = client.post(form_url, {"comment": "The second dose is wrong."})

    assert response.status_code == 302
    assert fresh(article).status == Status.CHANGES_REQUESTED


def test_an_editor_may_only_withdraw_what_is_in_review(client, editor):
    article = workflow.perform(ArticleFactory(draft=True), "submit", editor)

    actions = bar_of(open_page(client, editor, article))

    assert labels(actions) == ["History", "Preview on site", "Withdraw from review"]
    client.post(action(actions, "Withdraw from review")["url"])
    assert fresh(article).status == Status.DRAFT


def test_edit_as_a_new_version_is_in_the_bar_and_opens_the_new_version(client, editor):
    article = ArticleFactory(title="Infusion day")

    actions = bar_of(open_page(client, editor, article))

    assert labels(actions) == ["Edit as a new version", "History", "View on site"]
    response = client.post(action(actions, "Edit as a new version")["url"])
    copy = Article.objects.get(draft_of=article)
    assert response.url == admin_change_url(copy)
    assert labels(bar_of(open_page(client, editor, article))) == ["History", "Open the new version", "View on site"]


def test_a_new_version_is_discarded_from_its_bar(client, editor):
    article = ArticleFactory()
    copy = workflow.start_new_version(article, editor)

    actions = bar_of(open_page(client, editor, copy))

    assert labels(actions) == sorted([*SAVES, "Discard this new version", "History", "Preview on site"])
    client.post(action(actions, "Discard this new version")["url"])
    assert not Article.objects.filter(pk=copy.pk).exists()
    assert fresh(article).status == Status.PUBLISHED


def test_a_reviewer_may_unpublish_or_archive_a_published_record_but_not_edit_it(client, reviewer):
    article = ArticleFactory()

    actions = bar_of(open_page(client, reviewer, article))

    assert labels(actions) == ["Archive", "History", "Unpublish", "View on site"]
    response = client.post(action(actions, "Unpublish")["url"], {"comment": "Dosing advice under review."})
    assert response.status_code == 302
    assert fresh(article).status == Status.UNPUBLISHED


def test_the_bar_buttons_look_like_the_admins_own(client, editor):
    page = open_page(client, editor, ArticleFactory(draft=True))

    for found in bar_of(page):
        assert found.get("type") == "submit" or "button" in found.get("class", "").split(), found


def test_the_panel_under_the_form_no_longer_repeats_the_version_actions(client, editor):
    page = open_page(client, editor, ArticleFactory())

    panel = page[page.index('id="workflow"') :]
    assert "Edit as a new version" not in panel
    assert page.count("Edit as a new version") == 1


# --- Waiting for a clinician ---------------------------------------------------------------------------------------


def fact_checked_guide(editor, reviewer, **fields):
    guide = ArticleFactory(draft=True, kind=Article.Kind.THERAPY_GUIDE, **fields)
    guide = workflow.perform(guide, "submit", editor)
    return workflow.perform(guide, "fact_check", reviewer, "Checked against the sources.")


def test_publish_waits_for_the_clinician_and_the_bar_says_why(client, editor, reviewer):
    guide = fact_checked_guide(editor, reviewer)

    page = open_page(client, reviewer, guide)

    assert labels(bar_of(page)) == ["History", "Preview on site", "Request changes"]
    assert "Needs a medical review by a clinician before it can be published." in page


def test_the_clinician_reviews_from_the_bar_and_then_publish_is_offered(client, editor, reviewer, clinician):
    guide = fact_checked_guide(editor, reviewer)
    actions = bar_of(open_page(client, clinician, guide))

    client.post(action(actions, "Mark as medically reviewed")["url"], {"comment": "Dosing is right."})

    assert fresh(guide).status == Status.MEDICALLY_REVIEWED
    page = open_page(client, reviewer, guide)
    assert "Publish" in labels(bar_of(page))
    assert "Needs a medical review" not in page


def test_a_kind_without_a_required_review_is_published_after_the_fact_check(client, editor, reviewer):
    article = ArticleFactory(draft=True, kind=Article.Kind.TREATMENT_GUIDE)
    article = workflow.perform(workflow.perform(article, "submit", editor), "fact_check", reviewer)

    page = open_page(client, reviewer, article)

    assert "Publish" in labels(bar_of(page))
    assert "Needs a medical review" not in page


def queue_counts(page):
    rows = re.findall(
        r'<th scope="row">(?:<a href="[^"]*">)?([^<]+)(?:</a>)?</th>\s*<td class="review-count">(\d+)', page
    )
    return {label: int(count) for label, count in rows}


def test_the_home_page_queues_what_waits_for_a_clinician_apart_from_what_is_ready(client, editor, reviewer):
    fact_checked_guide(editor, reviewer, title="Waiting for a clinician")
    ready = ArticleFactory(draft=True, kind=Article.Kind.TREATMENT_GUIDE)
    workflow.perform(workflow.perform(ready, "submit", editor), "fact_check", reviewer)
    client.force_login(reviewer)

    counts = queue_counts(client.get(reverse("admin:index")).content.decode())

    assert counts["Awaiting medical review"] == 1
    assert counts["Fact-checked, ready to publish"] == 1


def test_the_list_filters_by_waiting_for_a_clinician_and_by_ready_to_publish(client, editor, reviewer):
    fact_checked_guide(editor, reviewer, title="Waiting for a clinician")
    ready = ArticleFactory(draft=True, kind=Article.Kind.TREATMENT_GUIDE, title="Ready to go")
    workflow.perform(workflow.perform(ready, "submit", editor), "fact_check", reviewer)
    client.force_login(reviewer)
    changelist = reverse("admin:articles_article_changelist")

    waiting = client.get(changelist, {"review": "medical"}).content.decode()
    to_publish = client.get(changelist, {"review": "ready"}).content.decode()

    assert "Waiting for a clinician" in waiting and "Ready to go" not in waiting
    assert "Ready to go" in to_publish and "Waiting for a clinician" not in to_publish


def test_publishing_in_bulk_leaves_what_waits_for_a_clinician_and_says_why(client, editor, reviewer):
    guide = fact_checked_guide(editor, reviewer, title="Waiting for a clinician")
    client.force_login(reviewer)

    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [guide.pk]},
        follow=True,
    )

    assert fresh(guide).status == Status.FACT_CHECKED
    assert "published only after a clinician" in response.content.decode()


# --- Publication times: the admin's calendar and clock, read in the site's zone -----------------------------------


@pytest.fixture
def ready_to_publish(editor, reviewer):
    article = ArticleFactory(draft=True, kind=Article.Kind.TREATMENT_GUIDE, title="Infusion day")
    return workflow.perform(workflow.perform(article, "submit", editor), "fact_check", reviewer)


def publish(client, record, **fields):
    url = reverse("admin:articles_article_transition", args=[record.pk, "publish"])
    return client.post(url, {"substantive": "on", **fields}, follow=True)


def test_publish_offers_the_admins_date_and_time_inputs_with_the_zone(client, reviewer, ready_to_publish):
    page = open_page(client, reviewer, ready_to_publish)

    publish_form = page[page.index('id="action-publish"') : page.index("</form>", page.index('id="action-publish"'))]
    assert re.search(
        r'<label for="publish-at-date">Date</label>\s*<input type="text" name="publish_at_0"', publish_form
    )
    assert 'class="vDateField"' in publish_form and 'class="vTimeField"' in publish_form
    assert "Time zone: UTC" in publish_form
    assert "admin/js/admin/DateTimeShortcuts.js" in page  # the calendar and the clock


def test_a_date_and_a_time_schedule_the_publication_and_are_said_back(client, reviewer, ready_to_publish):
    client.force_login(reviewer)
    when = timezone.localdate() + datetime.timedelta(days=30)

    response = publish(client, ready_to_publish, publish_at_0=when.isoformat(), publish_at_1="09:03")

    record = fresh(ready_to_publish)
    assert record.published_at == datetime.datetime.combine(when, datetime.time(9, 3), tzinfo=datetime.UTC)
    assert f"is scheduled for {when.day} {when:%B %Y}, 09:03 (UTC)" in response.content.decode()


@pytest.mark.parametrize(
    ("day", "hour", "said"),
    [
        ("2030-12-05", "", "The publication date (2030-12-05) has no time"),
        ("", "09:00", "The publication time (09:00) has no date"),
        ("2030-02-30", "09:00", "“2030-02-30 09:00” is not a date and time we can read"),
        ("2030-12-05", "9 o'clock", "is not a date and time we can read: write the time as hours and minutes"),
    ],
)
def test_an_incomplete_or_impossible_time_is_refused_in_words_and_kept(
    client, reviewer, ready_to_publish, day, hour, said
):
    client.force_login(reviewer)

    response = publish(client, ready_to_publish, publish_at_0=day, publish_at_1=hour, comment="For the launch.")

    assert fresh(ready_to_publish).status == Status.FACT_CHECKED
    assert said in message(response)
    page = response.content.decode()
    assert re.search(rf'name="publish_at_0" id="publish-at-date"[^>]* value="{day}"', page)
    assert 'value="For the launch."' in page
    assert re.search(r'<details class="publish-options" open>', page)


def test_a_time_the_clocks_skip_is_refused(client, reviewer, ready_to_publish, settings):
    settings.TIME_ZONE = "Europe/London"
    client.force_login(reviewer)

    response = publish(client, ready_to_publish, publish_at_0="2030-03-31", publish_at_1="01:30")

    assert fresh(ready_to_publish).status == Status.FACT_CHECKED
    assert "01:30 on 31 March 2030 does not exist in Europe/London" in message(response)


def test_a_time_that_happens_twice_is_refused(client, reviewer, ready_to_publish, settings):
    settings.TIME_ZONE = "Europe/London"
    client.force_login(reviewer)

    response = publish(client, ready_to_publish, publish_at_0="2030-10-27", publish_at_1="01:30")

    assert fresh(ready_to_publish).status == Status.FACT_CHECKED
    assert "happens twice in Europe/London" in message(response)


def test_a_refused_time_in_the_past_is_said_back_in_the_sites_words(client, reviewer, ready_to_publish):
    client.force_login(reviewer)

    response = publish(client, ready_to_publish, publish_at_0="2020-01-02", publish_at_1="08:00")

    assert fresh(ready_to_publish).status == Status.FACT_CHECKED
    assert "(You chose 2 January 2020, 08:00 (UTC).)" in message(response)
    assert "Goes live on 2 January 2020, 08:00 (UTC)" in response.content.decode()


def test_no_time_publishes_now(client, reviewer, ready_to_publish):
    client.force_login(reviewer)

    publish(client, ready_to_publish, publish_at_0="", publish_at_1="")

    assert fresh(ready_to_publish).is_live


# --- The published pages a change reaches ------------------------------------------------------------------------


def cited_source(*articles, **fields):
    source = SourceFactory(**fields)
    SourceAuthorFactory(source=source, family_name="Guo", given_names="Y")
    for article in articles:
        CitationFactory(article=article, source=source, position=1)
    return source


def reach_of(page):
    start = page.index('id="review-reach"')
    return page[start : page.index('id="review-desk"')]


def test_a_sources_new_title_reaches_the_articles_citing_it(client, editor, reviewer):
    citing = ArticleFactory(title="Headaches after IVIG")
    source = cited_source(citing, title="Adverse effects of immunoglobulin therapy")
    copy = workflow.start_new_version(source, editor)
    copy.title = "Adverse effects of intravenous immunoglobulin therapy"
    copy.save()

    reach = reach_of(open_page(client, reviewer, copy))

    assert "Published pages this change reaches" in reach
    assert f'<a href="{citing.get_absolute_url()}">Headaches after IVIG</a>' in reach


def test_a_product_change_no_article_shows_reaches_no_article(client, editor, reviewer):
    product = ProductFactory(brand_name="Privigen", notes="Stored at room temperature.")
    article = ArticleFactory(title="Choosing a product", products=[product])
    copy = workflow.start_new_version(product, editor)
    copy.notes = "Stored at room temperature; ask your pharmacy how it is delivered."
    copy.save()

    reach = reach_of(open_page(client, reviewer, copy))

    assert article.get_absolute_url() not in reach
    assert "None: no published page shows what changed" in reach
    assert "One more published page shows this product, but none of what changed." in reach


def test_a_product_change_an_article_shows_reaches_it(client, editor, reviewer):
    product = ProductFactory(brand_name="Privigen", manufacturer="CSL Behring")
    article = ArticleFactory(title="Choosing a product", products=[product])
    copy = workflow.start_new_version(product, editor)
    copy.manufacturer = "CSL Behring AG"
    copy.save()

    reach = reach_of(open_page(client, reviewer, copy))

    assert f'<a href="{article.get_absolute_url()}">Choosing a product</a>' in reach


def test_the_reach_is_shown_before_the_desk_and_not_under_the_form(client, editor, reviewer):
    source = cited_source(ArticleFactory())
    copy = workflow.start_new_version(source, editor)
    copy.title = "A new title"
    copy.save()

    page = open_page(client, reviewer, copy)

    assert page.index('id="review-bar"') < page.index('id="review-reach"') < page.index('id="review-desk"')
    assert "this change reaches" not in page[page.index('id="workflow"') :]


def test_asking_the_pages_costs_the_same_however_many_cite_the_source(client, editor, reviewer):
    def queries_for(count):
        source = cited_source(*ArticleFactory.create_batch(count))
        copy = workflow.start_new_version(source, editor)
        copy.title = f"A new title {count}"
        copy.save()
        client.force_login(reviewer)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(admin_change_url(copy)).status_code == 200
        return len(queries)

    assert queries_for(2) == queries_for(6)


# --- A pending change to a record the article shows, on the article's desk ---------------------------------------


def test_a_pending_change_to_a_cited_source_shows_on_the_articles_desk_as_its_citation_changes(
    client, editor, reviewer
):
    article = workflow.perform(ArticleFactory(draft=True, title="Headaches after IVIG"), "submit", editor)
    source = cited_source(article, title="Adverse effects of immunoglobulin therapy")
    copy = workflow.start_new_version(source, editor)
    copy.title = "Adverse effects of intravenous immunoglobulin therapy"
    copy.save()
    workflow.perform(copy, "submit", editor)

    page = open_page(client, reviewer, article)

    reach = page[page.index('id="review-reach"') : page.index('id="review-desk"')]
    assert "Records this article shows have new versions on their way" in reach
    assert f'href="{admin_change_url(copy)}">new version, in review</a>' in reach
    assert "Guo Y. Adverse effects of <ins>intravenous </ins>immunoglobulin therapy." in reach


def test_a_pending_change_the_article_does_not_show_is_named_without_a_diff(client, editor, reviewer):
    product = ProductFactory(brand_name="Privigen", notes="Stored at room temperature.")
    article = workflow.perform(ArticleFactory(draft=True, products=[product]), "submit", editor)
    copy = workflow.start_new_version(product, editor)
    copy.notes = "Stored at room temperature; ask your pharmacy how it is delivered."
    copy.save()

    page = open_page(client, reviewer, article)

    reach = page[page.index('id="review-reach"') : page.index('id="review-desk"')]
    assert "changing nothing readers see on this article" in reach
    assert f'<a href="{admin_change_url(copy)}">Privigen</a> (draft)' in reach


def test_nothing_is_saved_while_the_reach_is_worked_out(client, editor, reviewer):
    article = ArticleFactory(title="Headaches after IVIG")
    source = cited_source(article, title="Adverse effects of immunoglobulin therapy")
    copy = workflow.start_new_version(source, editor)
    copy.title = "A title nobody reviewed"
    copy.save()

    open_page(client, reviewer, copy)
    open_page(client, reviewer, article)

    assert Source.objects.get(pk=source.pk).title == "Adverse effects of immunoglobulin therapy"
    assert "A title nobody reviewed" not in client.get(article.get_absolute_url()).content.decode()


# --- History: a new version against the published one ------------------------------------------------------------


def test_the_history_compares_a_new_version_with_the_published_one(client, editor, reviewer):
    product = ProductFactory(brand_name="Privigen", manufacturer="CSL Behring")
    copy = workflow.start_new_version(product, editor)
    copy.manufacturer = "CSL Behring AG"
    copy.save()
    client.force_login(reviewer)

    history = client.get(reverse("admin:articles_product_history", args=[product.pk])).content.decode()
    link = re.search(r'<a href="([^"]+)" id="compare-published-and-new">', history).group(1).replace("&amp;", "&")
    compared = client.get(link).content.decode()

    assert "From the published version to the new version (draft, not published yet)" in compared
    assert "CSL <del>Behring</del><ins>Behring AG</ins>" in compared
    assert Product.objects.get(pk=product.pk).manufacturer == "CSL Behring"


def test_the_new_versions_history_offers_the_same_comparison(client, editor, reviewer):
    product = ProductFactory(brand_name="Privigen", manufacturer="CSL Behring")
    copy = workflow.start_new_version(product, editor)
    client.force_login(reviewer)

    history = client.get(reverse("admin:articles_product_history", args=[copy.pk])).content.decode()

    assert 'id="compare-published-and-new"' in history
    assert '<option value="published" selected>' in history and '<option value="new" selected>' in history


# --- The desk's words for a first version ---------------------------------------------------------------------


def test_a_first_version_is_not_compared_with_nothing(client, editor, reviewer):
    article = workflow.perform(ArticleFactory(draft=True), "submit", editor)

    page = open_page(client, reviewer, article)

    assert "since nothing" not in page
    assert "As readers will see it; a first version, so all of it is new" in page
    assert re.search(r'id="review-diff-heading">All of it is new: a first version<', page)
