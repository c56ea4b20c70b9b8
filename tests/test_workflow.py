"""
The editorial workflow, driven the way staff drive it: through the admin over HTTP.
Nothing unreviewed reaches a reader.
"""

import datetime
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Condition
from review.models import FactCheck, ReviewEvent
from tests.admin_forms import change_through_admin
from tests.factories import (
    ArticleFactory,
    ArticleSideEffectFactory,
    CitationFactory,
    ConditionFactory,
    ContributorFactory,
    FactCheckerFactory,
    SideEffectFactory,
)

pytestmark = pytest.mark.django_db

Status = Article.Status


def staff(django_user_model, username, group=None, superuser=False, contributor=None):
    user = django_user_model.objects.create_user(username, password="pw", is_staff=True, is_superuser=superuser)
    if group:
        user.groups.add(Group.objects.get(name=group))
    if contributor:
        contributor.user = user
        contributor.save()
    return user


@pytest.fixture
def editor_user(django_user_model):
    return staff(django_user_model, "ella", "Editors", contributor=ContributorFactory(name="Ella Editor"))


@pytest.fixture
def reviewer_user(django_user_model):
    return staff(django_user_model, "rory", "Reviewers", contributor=FactCheckerFactory(name="Rory Reviewer"))


@pytest.fixture
def superuser(django_user_model):
    return staff(django_user_model, "sue", superuser=True, contributor=FactCheckerFactory(name="Sue Super"))


@pytest.fixture
def users(editor_user, reviewer_user, superuser):
    return {"anonymous": None, "editor": editor_user, "reviewer": reviewer_user, "superuser": superuser}


def transition_url(record, name):
    return reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_transition", args=[record.pk, name])


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def post_transition(client, user, article, name, **data):
    client.logout()
    if user:
        client.force_login(user)
    return client.post(transition_url(article, name), {"comment": "Checked against the sources.", **data})


def messages_of(response):
    return [str(message) for message in response.wsgi_request._messages]


def refreshed(article):
    return Article.objects.get(pk=article.pk)


# --- Roles -------------------------------------------------------------------------------------


def perms(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_editors_write_and_submit_but_cannot_check_or_publish():
    editors = perms("Editors")
    assert {"articles.add_article", "articles.change_article", "articles.submit_article"} <= editors
    assert {"references.add_source", "references.delete_citation"} <= editors
    assert not editors & {"articles.fact_check_article", "articles.publish_article", "articles.review_article"}


def test_reviewers_see_everything_check_and_publish_but_do_not_write():
    reviewers = perms("Reviewers")
    assert {"articles.view_article", "references.view_source", "articles.view_condition"} <= reviewers
    assert {"pages.view_page", "feedback.view_feedback"} <= reviewers
    assert {"articles.fact_check_article", "articles.publish_article", "articles.review_article"} <= reviewers
    writes = {p for p in reviewers if p.split(".")[1].startswith(("add_", "change_", "delete_"))}
    assert writes == {"feedback.change_feedback"}  # marking readers' feedback as dealt with


def test_editors_maintain_policy_pages_and_handle_feedback():
    editors = perms("Editors")
    assert {"pages.add_page", "pages.change_page", "feedback.change_feedback"} <= editors
    assert "feedback.add_feedback" not in editors


# --- The permission matrix: every role × every transition, over HTTP ----------------------------

SOURCE_STATE = {
    "submit": Status.DRAFT,
    "request_changes": Status.IN_REVIEW,
    "fact_check": Status.IN_REVIEW,
    "publish": Status.FACT_CHECKED,
    "unpublish": Status.PUBLISHED,
    "archive": Status.PUBLISHED,
    "reopen": Status.ARCHIVED,
}
TARGET_STATE = {
    "submit": Status.IN_REVIEW,
    "request_changes": Status.CHANGES_REQUESTED,
    "fact_check": Status.FACT_CHECKED,
    "publish": Status.PUBLISHED,
    "unpublish": Status.UNPUBLISHED,
    "archive": Status.ARCHIVED,
    "reopen": Status.DRAFT,
}
ALLOWED = {
    "anonymous": set(),
    "editor": {"submit", "reopen"},
    "reviewer": {"request_changes", "fact_check", "publish", "unpublish", "archive"},
    "superuser": set(SOURCE_STATE),
}


@pytest.mark.parametrize("role", list(ALLOWED))
@pytest.mark.parametrize("transition", list(SOURCE_STATE))
def test_permission_matrix(client, users, role, transition):
    published_at = timezone.now() - datetime.timedelta(days=3) if transition in {"unpublish", "archive"} else None
    article = ArticleFactory(status=SOURCE_STATE[transition], published_at=published_at)

    response = post_transition(client, users[role], article, transition)

    if transition in ALLOWED[role]:
        assert response.status_code == 302
        assert refreshed(article).status == TARGET_STATE[transition]
        assert ReviewEvent.objects.for_object(article).filter(action=transition, actor=users[role]).exists()
    else:
        assert response.status_code in {302, 403}
        if role == "anonymous":
            assert reverse("admin:login") in response["Location"]
        else:
            assert response.status_code == 403
        assert refreshed(article).status == SOURCE_STATE[transition]
        assert not ReviewEvent.objects.for_object(article).exists()


ADMIN_VIEWS = {
    #            changelist, add, change (GET), change (POST saves)
    "anonymous": (302, 302, 302, False),
    "editor": (200, 200, 200, True),
    "reviewer": (200, 403, 200, False),
    "superuser": (200, 200, 200, True),
}


@pytest.mark.parametrize("role", list(ADMIN_VIEWS))
def test_admin_views_by_role(client, users, role):
    article = ArticleFactory(draft=True, title="Before")
    if users[role]:
        client.force_login(users[role])
    changelist, add, change, can_save = ADMIN_VIEWS[role]

    assert client.get(reverse("admin:articles_article_changelist")).status_code == changelist
    assert client.get(reverse("admin:articles_article_add")).status_code == add
    assert client.get(change_url(article)).status_code == change
    if can_save:
        change_through_admin(client, article, title="After")
    else:
        client.post(change_url(article), {"title": "After"})
    assert (refreshed(article).title == "After") is can_save


def test_reviewer_sees_no_save_button_and_cannot_change_text(client, reviewer_user):
    article = ArticleFactory(status=Status.IN_REVIEW, body="<h2>Dosing</h2><p>Text.</p>")
    client.force_login(reviewer_user)
    page = client.get(change_url(article)).content.decode()
    assert 'name="_save"' not in page
    assert '<div class="rendered-body"><h2>Dosing</h2><p>Text.</p></div>' in page
    assert "Mark as fact-checked" in page
    assert client.post(change_url(article), {"title": "Changed"}).status_code == 403


def test_bulk_fact_check_action_is_offered_to_reviewers_only(client, editor_user, reviewer_user):
    first, second = ArticleFactory.create_batch(2, status=Status.IN_REVIEW)
    changelist = reverse("admin:articles_article_changelist")
    data = {"action": "fact_check_selected", "_selected_action": [first.pk, second.pk]}

    client.force_login(editor_user)
    assert "fact_check_selected" not in client.get(changelist).content.decode()
    client.post(changelist, data)
    assert refreshed(first).status == Status.IN_REVIEW

    client.force_login(reviewer_user)
    client.post(changelist, data)
    assert refreshed(first).status == refreshed(second).status == Status.FACT_CHECKED


def test_request_changes_needs_a_comment(client, reviewer_user):
    article = ArticleFactory(status=Status.IN_REVIEW)
    response = post_transition(client, reviewer_user, article, "request_changes", comment="  ")
    assert response.status_code == 302
    assert refreshed(article).status == Status.IN_REVIEW
    assert "Add a comment that says why." in messages_of(response)


def test_editor_cannot_publish_a_draft_by_any_path(client, editor_user):
    article = ArticleFactory(draft=True)
    client.force_login(editor_user)
    for name in ("publish", "fact_check"):
        assert client.post(transition_url(article, name)).status_code == 403
    change_through_admin(client, article, status="published")
    assert refreshed(article).status == Status.DRAFT
    assert client.get(article.get_absolute_url()).status_code == 200  # a preview for staff…
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404  # …and nothing for readers


# --- Separation of duties --------------------------------------------------------------------------


def test_reviewer_cannot_fact_check_an_article_they_wrote(client, reviewer_user):
    article = ArticleFactory(status=Status.IN_REVIEW, author=reviewer_user.contributor)
    response = post_transition(client, reviewer_user, article, "fact_check")
    assert refreshed(article).status == Status.IN_REVIEW
    assert not FactCheck.objects.exists()
    assert "You wrote or edited this version" in messages_of(response)[0]


def test_reviewer_cannot_fact_check_an_article_they_edited_last(client, reviewer_user):
    article = ArticleFactory(status=Status.IN_REVIEW, last_edited_by=reviewer_user)
    post_transition(client, reviewer_user, article, "fact_check")
    assert refreshed(article).status == Status.IN_REVIEW


def test_separation_of_duties_holds_outside_the_admin_too(reviewer_user):
    from django.core.exceptions import PermissionDenied

    from review.workflow import perform

    article = ArticleFactory(status=Status.IN_REVIEW, created_by=reviewer_user)
    with pytest.raises(PermissionDenied):
        perform(article, "fact_check", reviewer_user)


def test_fact_check_needs_a_contributor_profile_to_show_readers(client, django_user_model):
    anonymous_reviewer = staff(django_user_model, "nobody", "Reviewers")
    article = ArticleFactory(status=Status.IN_REVIEW)
    response = post_transition(client, anonymous_reviewer, article, "fact_check")
    assert refreshed(article).status == Status.IN_REVIEW
    assert "contributor profile" in messages_of(response)[0]


# --- The whole journey and the fact-check record ----------------------------------------------------


def test_draft_goes_through_review_to_readers(client, editor_user, reviewer_user):
    client.force_login(editor_user)
    article = ArticleFactory(draft=True, title="Infusions at home", created_by=editor_user)
    post_transition(client, editor_user, article, "submit")
    post_transition(client, reviewer_user, article, "fact_check", comment="Doses checked against the label.")
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404  # fact-checked is not yet published
    post_transition(client, reviewer_user, article, "publish", substantive="on")

    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Infusions at home" in page
    assert "Rory Reviewer" in page
    check = FactCheck.objects.for_object(article).get()
    assert check.reviewer == reviewer_user
    assert check.notes == "Doses checked against the label."
    assert check.snapshot["title"] == "Infusions at home"
    assert check.lock_version == refreshed(article).lock_version
    assert list(ReviewEvent.objects.for_object(article).values_list("action", flat=True).reverse()) == [
        "submit",
        "fact_check",
        "publish",
    ]


def test_publishing_sets_the_review_dates(client, reviewer_user, settings):
    settings.REVIEW_PERIOD_MONTHS = 6
    article = ArticleFactory(status=Status.FACT_CHECKED, published_at=None)
    post_transition(client, reviewer_user, article, "publish")
    article = refreshed(article)
    today = timezone.localdate()
    assert article.last_reviewed_on == today
    assert 180 <= (article.next_review_due - today).days <= 184


def test_last_reviewed_is_the_day_of_the_fact_check(client, reviewer_user, settings):
    settings.REVIEW_PERIOD_MONTHS = 12
    article = ArticleFactory(status=Status.IN_REVIEW, published_at=None)
    ten_days_ago = timezone.now() - datetime.timedelta(days=10)
    with mock.patch("django.utils.timezone.now", return_value=ten_days_ago):
        post_transition(client, reviewer_user, article, "fact_check")
    post_transition(client, reviewer_user, article, "publish")
    article = refreshed(article)
    assert article.last_reviewed_on == timezone.localdate(ten_days_ago)
    assert article.next_review_due == article.last_reviewed_on + datetime.timedelta(days=365)


def test_scheduled_article_goes_live_at_its_time_without_a_job(client, reviewer_user):
    article = ArticleFactory(status=Status.FACT_CHECKED, published_at=None)
    at = timezone.now() + datetime.timedelta(hours=2)
    post_transition(
        client, reviewer_user, article, "publish", publish_at=timezone.localtime(at).strftime("%Y-%m-%dT%H:%M")
    )
    client.logout()

    assert refreshed(article).status == Status.PUBLISHED
    assert client.get(article.get_absolute_url()).status_code == 404
    with mock.patch("django.utils.timezone.now", return_value=at + datetime.timedelta(minutes=1)):
        assert client.get(article.get_absolute_url()).status_code == 200


# --- Editing a published article -------------------------------------------------------------------


@pytest.fixture
def live_article():
    article = ArticleFactory(
        title="Old title",
        body="<h2>Dosing</h2><p>Old advice.</p>",
        last_updated=datetime.date(2025, 1, 10),
        published_at=timezone.make_aware(datetime.datetime(2025, 1, 10, 9)),
    )
    CitationFactory(article=article, source__title="Old source")
    ArticleSideEffectFactory(article=article, side_effect=SideEffectFactory(name="Headache"))
    return article


def start_new_version(client, user, article):
    client.force_login(user)
    response = client.post(reverse("admin:articles_article_new_version", args=[article.pk]))
    return Article.objects.get(draft_of=article), response


def test_published_article_cannot_be_edited_in_place(client, editor_user, live_article):
    client.force_login(editor_user)
    page = client.get(change_url(live_article)).content.decode()
    assert "Edit as a new version" in page
    assert client.post(change_url(live_article), {"title": "Sneaky"}).status_code == 403
    assert refreshed(live_article).title == "Old title"


def test_edits_to_a_published_article_wait_for_review(client, editor_user, reviewer_user, live_article):
    copy, _ = start_new_version(client, editor_user, live_article)
    new_source = CitationFactory(source__title="New source").source
    change_through_admin(
        client,
        copy,
        title="New title",
        body="<h2>Dosing</h2><p>New advice.</p>",
        **{"references-citation-content_type-object_id-0-source": str(new_source.pk)},
    )
    copy = refreshed(copy)
    copy.article_side_effects.all().delete()
    post_transition(client, editor_user, copy, "submit")

    client.logout()
    page = client.get(live_article.get_absolute_url()).content.decode()
    assert "Old title" in page and "Old advice." in page and "Old source" in page and "Headache" in page
    assert "New title" not in page and "New advice." not in page and "New source" not in page

    post_transition(client, reviewer_user, copy, "fact_check")
    post_transition(client, reviewer_user, copy, "publish", substantive="on")

    client.logout()
    page = client.get(live_article.get_absolute_url()).content.decode()
    assert "New title" in page and "New advice." in page and "New source" in page
    assert "Old advice." not in page and "Headache" not in page
    live = refreshed(live_article)
    assert live.slug == live_article.slug and live.published_at == live_article.published_at
    assert live.last_updated == timezone.localdate()
    assert not Article.objects.filter(pk=copy.pk).exists()
    assert FactCheck.objects.get().record == live


def test_minor_correction_keeps_the_last_updated_date(client, editor_user, reviewer_user, live_article):
    copy, _ = start_new_version(client, editor_user, live_article)
    change_through_admin(client, copy, title="Old title, typo fixed")
    post_transition(client, editor_user, copy, "submit")
    post_transition(client, reviewer_user, copy, "fact_check")
    post_transition(client, reviewer_user, copy, "publish")  # "substantive" left unticked
    assert refreshed(live_article).last_updated == datetime.date(2025, 1, 10)
    assert refreshed(live_article).title == "Old title, typo fixed"


def test_reviewer_sees_what_changed_since_the_published_version(client, editor_user, reviewer_user, live_article):
    copy, _ = start_new_version(client, editor_user, live_article)
    change_through_admin(client, copy, body="<h2>Dosing</h2><p>New advice.</p>")
    post_transition(client, editor_user, copy, "submit")

    client.force_login(reviewer_user)
    page = client.get(change_url(copy)).content.decode()
    assert "What changed since the published version" in page
    # One edited paragraph, shown once and word by word.
    assert "<del>Old </del><ins>New </ins>advice." in page


def test_starting_a_new_version_twice_reuses_it(client, editor_user, live_article):
    first, _ = start_new_version(client, editor_user, live_article)
    second, _ = start_new_version(client, editor_user, live_article)
    assert first == second


def test_discarding_a_new_version_leaves_the_published_one(client, editor_user, live_article):
    copy, _ = start_new_version(client, editor_user, live_article)
    client.post(reverse("admin:articles_article_discard_version", args=[copy.pk]))
    assert not Article.objects.filter(pk=copy.pk).exists()
    assert refreshed(live_article).status == Status.PUBLISHED


def test_working_copies_never_reach_readers(client, editor_user, live_article):
    copy, _ = start_new_version(client, editor_user, live_article)
    client.logout()
    assert client.get(reverse("articles:article_preview", args=[copy.pk])).status_code in {302, 403, 404}
    assert list(Article.objects.published()) == [live_article]


# --- No lost work --------------------------------------------------------------------------------------


def test_stale_save_is_refused_and_both_edits_survive(client, django_user_model, editor_user):
    other_editor = staff(django_user_model, "olga", "Editors")
    article = ArticleFactory(draft=True, title="First title", body="<p>Shared text.</p>")
    from tests.admin_forms import _AdminFormReader

    client.force_login(editor_user)
    reader = _AdminFormReader()
    reader.feed(client.get(change_url(article)).content.decode())
    stale_form = reader.data  # Ella opened the form…

    client.force_login(other_editor)
    change_through_admin(client, article, title="Olga's title")  # …Olga saved first.

    client.force_login(editor_user)
    response = client.post(change_url(article), {**stale_form, "title": ["Ella's title"]})

    assert response.status_code == 200
    page = response.content.decode()
    assert "olga saved this article" in page and "after you opened it" in page and "have NOT been saved" in page
    assert "Saved version vs. your form" in page and "Olga&#x27;s title" in page
    assert 'value="Ella&#x27;s title"' in page  # Ella's edit is still in her form
    assert refreshed(article).title == "Olga's title"  # Olga's edit is kept


def test_saving_again_after_reading_the_comparison_succeeds(client, django_user_model, editor_user):
    other_editor = staff(django_user_model, "olga", "Editors")
    article = ArticleFactory(draft=True, title="First title")
    from tests.admin_forms import _AdminFormReader

    client.force_login(editor_user)
    reader = _AdminFormReader()
    reader.feed(client.get(change_url(article)).content.decode())
    stale_form = reader.data
    client.force_login(other_editor)
    change_through_admin(client, article, title="Olga's title")
    client.force_login(editor_user)
    refused = client.post(change_url(article), {**stale_form, "title": ["Ella's title"]})

    resolved = _AdminFormReader()
    resolved.feed(refused.content.decode())  # the refused form, as Ella sees it, with her input kept
    response = client.post(change_url(article), resolved.data)

    assert response.status_code == 302
    assert refreshed(article).title == "Ella's title"


def test_a_save_without_the_edit_version_is_refused(client, editor_user):
    article = ArticleFactory(draft=True, title="First title")
    from tests.admin_forms import _AdminFormReader

    client.force_login(editor_user)
    reader = _AdminFormReader()
    reader.feed(client.get(change_url(article)).content.decode())
    del reader.data["edit_version"]

    response = client.post(change_url(article), {**reader.data, "title": ["Overwritten"]})

    assert response.status_code == 200
    assert "missing its edit version" in response.content.decode()
    assert refreshed(article).title == "First title"


def test_restore_an_earlier_version(client, editor_user):
    client.force_login(editor_user)
    article = ArticleFactory(draft=True, title="Version one")
    change_through_admin(client, article, title="Version two")
    change_through_admin(client, article, title="Version three")
    versions = Version.objects.get_for_object(article)
    first = versions.last()
    assert first.field_dict["title"] == "Version two"

    history = client.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    assert "Version" in history
    revert_url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    from tests.admin_forms import _AdminFormReader

    reader = _AdminFormReader()
    reader.feed(client.get(revert_url).content.decode())
    client.post(revert_url, reader.data)

    restored = refreshed(article)
    assert restored.title == "Version two"
    assert restored.status == Status.DRAFT
    assert restored.lock_version > 2


def test_restoring_never_publishes_or_changes_a_published_article(client, editor_user, live_article):
    client.force_login(editor_user)
    version_url = reverse("admin:articles_article_revision", args=[live_article.pk, 1])
    response = client.get(version_url)
    assert response.status_code == 302
    assert "Start a new version and copy what you need from the history." in messages_of(response)[0]
    assert refreshed(live_article).title == "Old title"


def test_deleted_article_is_recovered_as_a_draft(client, editor_user):
    client.force_login(editor_user)
    article = ArticleFactory(draft=True, title="Worth keeping")
    change_through_admin(client, article, title="Worth keeping, edited")
    delete_url = reverse("admin:articles_article_delete", args=[article.pk])
    client.post(delete_url, {"post": "yes"})
    assert not Article.objects.filter(pk=article.pk).exists()

    recover_list = client.get(reverse("admin:articles_article_recoverlist")).content.decode()
    assert "Worth keeping, edited" in recover_list
    version = Version.objects.get_deleted(Article).get()
    recover_url = reverse("admin:articles_article_recover", args=[version.pk])
    from tests.admin_forms import _AdminFormReader

    reader = _AdminFormReader()
    reader.feed(client.get(recover_url).content.decode())
    client.post(recover_url, reader.data)

    recovered = Article.objects.get(pk=article.pk)
    assert recovered.title == "Worth keeping, edited"
    assert recovered.status == Status.DRAFT


def test_published_article_cannot_be_deleted(client, editor_user, live_article):
    client.force_login(editor_user)
    response = client.post(reverse("admin:articles_article_delete", args=[live_article.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Article.objects.filter(pk=live_article.pk).exists()


# --- Review cycle and queue ----------------------------------------------------------------------------


@pytest.fixture
def queue(editor_user):
    today = timezone.localdate()
    ArticleFactory.create_batch(2, status=Status.IN_REVIEW)
    ArticleFactory(status=Status.FACT_CHECKED)
    ArticleFactory(kind=Article.Kind.THERAPY_GUIDE, status=Status.FACT_CHECKED)  # a clinician must review it first
    ArticleFactory(kind=Article.Kind.THERAPY_GUIDE, status=Status.MEDICALLY_REVIEWED)
    ArticleFactory(status=Status.CHANGES_REQUESTED)
    ArticleFactory(title="Overdue one", next_review_due=today - datetime.timedelta(days=1))
    ArticleFactory(title="Due later", next_review_due=today + datetime.timedelta(days=100))
    ArticleFactory(title="Flagged one", review_reason="Cited source retracted.")
    ArticleFactory.create_batch(3, draft=True, created_by=editor_user)
    ArticleFactory(draft=True)


def queue_counts(page):
    import re

    row = r'<th scope="row">(?:<a href="[^"]*">)?([^<]+)(?:</a>)?</th>\s*<td class="review-count">(\d+)</td>'
    rows = re.findall(row, page)
    return {label: int(count) for label, count in rows}


def test_admin_home_shows_the_review_queue(client, editor_user, queue):
    client.force_login(editor_user)
    counts = queue_counts(client.get(reverse("admin:index")).content.decode())
    assert counts == {
        "Awaiting fact-check": 2,
        "Awaiting medical review": 1,
        "Fact-checked, ready to publish": 2,
        "Changes requested": 1,
        "Scheduled": 0,
        "Overdue for review": 2,
        "My drafts": 3,
    }


def test_overdue_filter_lists_overdue_and_flagged_articles(client, reviewer_user, queue):
    client.force_login(reviewer_user)
    page = client.get(reverse("admin:articles_article_changelist"), {"review": "overdue"}).content.decode()
    assert "Overdue one" in page and "Flagged one" in page
    assert "Due later" not in page


def test_list_overdue_reviews_command(queue):
    from io import StringIO

    out = StringIO()
    call_command("list_overdue_reviews", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert any(line.startswith("Overdue one — review was due") for line in lines)
    assert any("Flagged one — flagged: Cited source retracted." in line for line in lines)


def test_republishing_clears_the_review_flag(client, reviewer_user):
    article = ArticleFactory(status=Status.FACT_CHECKED, review_reason="Cited source retracted.")
    post_transition(client, reviewer_user, article, "publish")
    assert refreshed(article).review_reason == ""
    assert not Article.objects.overdue_for_review().exists()


# --- Conditions and policy pages follow the same rule ----------------------------------------------------


def test_an_editors_edit_of_a_live_condition_waits_for_review(client, editor_user):
    condition = ConditionFactory(summary="Reviewed summary.")
    client.force_login(editor_user)
    assert change_through_admin(client, condition, summary="Edited summary.").status_code == 403

    client.post(reverse("admin:articles_condition_new_version", args=[condition.pk]))
    copy = Condition.objects.get(draft_of=condition)
    change_through_admin(client, copy, summary="Edited summary.")

    client.logout()
    page = client.get(condition.get_absolute_url()).content.decode()
    assert "Reviewed summary." in page and "Edited summary." not in page


def test_only_a_reviewer_puts_a_condition_page_live(client, editor_user, reviewer_user):
    condition = ConditionFactory(status=Status.FACT_CHECKED, published_at=None)
    changelist = reverse("admin:articles_condition_changelist")
    data = {"action": "publish_selected", "_selected_action": [condition.pk]}

    client.force_login(editor_user)
    client.post(changelist, data)
    assert Condition.objects.get(pk=condition.pk).status == Status.FACT_CHECKED

    client.force_login(reviewer_user)
    client.post(changelist, data)
    assert Condition.objects.get(pk=condition.pk).is_live


def test_editor_cannot_put_a_policy_page_live(client, editor_user):
    from tests.factories import PageFactory

    page = PageFactory(draft=True)
    client.force_login(editor_user)
    change_through_admin(client, page, status="published", title="Corrections policy, revised")
    page.refresh_from_db()
    assert page.title == "Corrections policy, revised"
    assert page.status == Status.DRAFT
    assert post_transition(client, editor_user, page, "publish").status_code == 403


# --- Demo logins ------------------------------------------------------------------------------------------


def test_demo_editor_and_reviewer_can_log_in_locally(client, settings):
    settings.DEBUG = True
    call_command("load_demo_content", verbosity=0)
    assert client.login(username="editor", password="editor")
    assert client.get(reverse("admin:articles_article_add")).status_code == 200
    assert client.login(username="reviewer", password="reviewer")
    assert client.get(reverse("admin:articles_article_add")).status_code == 403
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 200


def test_demo_logins_are_not_created_outside_development(django_user_model, demo_site):
    assert not django_user_model.objects.filter(username__in=["editor", "reviewer"]).exists()


def test_unpublished_article_is_edited_and_reviewed_again_before_it_returns(client, editor_user, reviewer_user):
    article = ArticleFactory(title="Withdrawn")
    post_transition(client, reviewer_user, article, "unpublish", comment="Dosing advice is out of date.")
    client.force_login(editor_user)
    change_through_admin(client, refreshed(article), title="Corrected")
    assert refreshed(article).title == "Corrected"
    post_transition(client, editor_user, article, "submit")
    assert refreshed(article).status == Status.IN_REVIEW
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404
