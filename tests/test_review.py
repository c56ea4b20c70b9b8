"""
One review mechanism for every record whose words or facts readers see: articles, conditions, products,
side effects, sources, contributor profiles and site pages. Whatever state a record is in, readers see
only what a reviewer published, on every page, list, feed, sitemap, search, JSON-LD and export.
"""

import datetime
import io
import re
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from articles.models import Article, ArticleSideEffect, Condition, Contributor, Product, ProductApproval, SideEffect
from pages.models import Page
from references.models import Source
from review import workflow
from review.content import live_dependents, reviewed_models
from review.guard import seeding
from review.models import FactCheck, ReviewEvent, Status
from tests.admin_forms import change_through_admin
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ConditionFactory,
    ContributorFactory,
    FactCheckerFactory,
    PageFactory,
    ProductApprovalFactory,
    ProductFactory,
    ProductSideEffectFactory,
    SideEffectFactory,
    SourceFactory,
    TranslationFactory,
)
from translations.models import Translation

pytestmark = pytest.mark.django_db

FACTORIES = {
    Article: ArticleFactory,
    Condition: ConditionFactory,
    Product: ProductFactory,
    SideEffect: SideEffectFactory,
    Source: SourceFactory,
    Contributor: ContributorFactory,
    Page: PageFactory,
    Translation: TranslationFactory,
}


def test_every_model_readers_see_is_reviewed():
    assert set(reviewed_models()) == set(FACTORIES)


# --- Who may do what: the same answer over HTTP and when the workflow is called directly ----------------------

# Written out here, not derived from the code under test.
ALLOWED = {
    "submit": {"editor", "superuser"},
    "withdraw": {"editor", "superuser"},
    "reopen": {"editor", "superuser"},
    "request_changes": {"reviewer", "superuser"},
    "fact_check": {"reviewer", "superuser"},
    "publish": {"reviewer", "superuser"},
    "cancel_schedule": {"reviewer", "superuser"},
    "unpublish": {"reviewer", "superuser"},
    "archive": {"reviewer", "superuser"},
}
FROM_STATE = {
    "submit": Status.DRAFT,
    "withdraw": Status.IN_REVIEW,
    "reopen": Status.ARCHIVED,
    "request_changes": Status.IN_REVIEW,
    "fact_check": Status.IN_REVIEW,
    "publish": Status.FACT_CHECKED,
    "cancel_schedule": Status.SCHEDULED,
    "unpublish": Status.PUBLISHED,
    "archive": Status.PUBLISHED,
}


@pytest.fixture
def people(django_user_model, editor, reviewer):
    superuser = django_user_model.objects.create_user("sue", password="pw", is_staff=True, is_superuser=True)
    FactCheckerFactory(name="Sue Super", user=superuser, languages=["en", "es"])
    with seeding():  # both may fact-check the Spanish translations too
        reviewer.contributor.languages = ["en", "es"]
        reviewer.contributor.save()
    return {"editor": editor, "reviewer": reviewer, "superuser": superuser}


@seeding()
def record_in(model, state, editor):
    """A record of ``model`` in ``state``; "scheduled" is a new version of a live record waiting for its time."""
    if state == Status.SCHEDULED:
        copy = workflow.start_new_version(FACTORIES[model](), editor)
        copy.status, copy.published_at = Status.SCHEDULED, timezone.now() + datetime.timedelta(days=3)
        copy.save()
        return copy
    live = state == Status.PUBLISHED
    return FACTORIES[model](status=state, published_at=timezone.now() - datetime.timedelta(days=1) if live else None)


def transition_url(record, name):
    return reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_transition", args=[record.pk, name])


def current(record):
    return type(record).objects.filter(pk=record.pk).first()


@pytest.mark.parametrize("model", list(FACTORIES), ids=lambda model: model._meta.model_name)
@pytest.mark.parametrize("name", list(ALLOWED))
@pytest.mark.parametrize("role", ["editor", "reviewer", "superuser"])
def test_the_workflow_itself_checks_permissions(people, model, name, role):
    record = record_in(model, FROM_STATE[name], people["editor"])
    allowed = role in ALLOWED[name]

    if allowed:
        result = workflow.perform(record, name, people[role], comment="Checked against the sources.")
        assert result.status != FROM_STATE[name] or result.pk != record.pk
    else:
        with pytest.raises(PermissionDenied):
            workflow.perform(record, name, people[role], comment="Checked against the sources.")
        assert current(record).status == FROM_STATE[name]


@pytest.mark.parametrize("model", list(FACTORIES), ids=lambda model: model._meta.model_name)
@pytest.mark.parametrize("name", list(ALLOWED))
@pytest.mark.parametrize("role", ["anonymous", "editor", "reviewer", "superuser"])
def test_the_admin_checks_the_same_permissions(client, people, model, name, role):
    record = record_in(model, FROM_STATE[name], people["editor"])
    if role != "anonymous":
        client.force_login(people[role])

    response = client.post(transition_url(record, name), {"comment": "Checked against the sources."})

    if role == "anonymous":
        assert response.status_code == 302 and "/admin/login/" in response.url
    elif role in ALLOWED[name]:
        assert response.status_code == 302
        changed = current(record)
        assert changed is None or changed.status != FROM_STATE[name]  # a published copy is folded away
    else:
        assert response.status_code == 403
    if role not in ALLOWED[name]:
        assert current(record).status == FROM_STATE[name]


def test_each_transition_is_recorded_with_who_when_and_why(people):
    condition = ConditionFactory(draft=True)

    workflow.perform(condition, "submit", people["editor"])
    workflow.perform(condition, "request_changes", people["reviewer"], comment="Cite the guideline.")

    events = list(ReviewEvent.objects.for_object(condition).order_by("created_at", "id"))
    assert [(e.action, e.actor, e.from_status, e.to_status) for e in events] == [
        ("submit", people["editor"], Status.DRAFT, Status.IN_REVIEW),
        ("request_changes", people["reviewer"], Status.IN_REVIEW, Status.CHANGES_REQUESTED),
    ]
    assert events[1].comment == "Cite the guideline."


def test_a_transition_from_the_wrong_state_is_refused_in_words(people):
    side_effect = SideEffectFactory(draft=True)

    with pytest.raises(workflow.WorkflowError) as error:
        workflow.perform(side_effect, "publish", people["reviewer"])

    assert "is draft; “Publish” is not possible now" in error.value.messages[0]


def test_a_working_copy_cannot_be_archived_even_by_a_direct_post(client, people):
    copy = workflow.start_new_version(ProductFactory(), people["editor"])
    client.force_login(people["reviewer"])

    client.post(transition_url(copy, "archive"), {"comment": "Old."})

    assert current(copy).status == Status.DRAFT


def test_a_publication_time_in_the_past_is_refused(people):
    source = SourceFactory(status=Status.FACT_CHECKED, published_at=None)

    with pytest.raises(workflow.WorkflowError):
        workflow.perform(source, "publish", people["reviewer"], at=timezone.now() - datetime.timedelta(days=365))

    assert current(source).status == Status.FACT_CHECKED


# --- Fact-checks, attribution and separation of duties ---------------------------------------------------------


def test_readers_are_told_who_actually_fact_checked(client, people, publish_through_review):
    product = ProductFactory(draft=True, brand_name="Octagam", slug="octagam")
    impostor = FactCheckerFactory(name="Ivan Impostor")
    client.force_login(people["editor"])
    change_through_admin(client, product, notes="Store in a fridge.", fact_checker=impostor.pk)
    assert current(product).fact_checker is None  # the form has no say in it

    publish_through_review(current(product))

    page = client.get("/products/octagam/").content.decode()
    assert 'Fact-checked by <a class="contributor" href="/contributors/' in page
    assert "Rita Reviewer" in page and "Ivan Impostor" not in page
    check = FactCheck.objects.for_object(product).get()
    assert check.reviewer == people["reviewer"] and check.contributor.name == "Rita Reviewer"
    assert check.snapshot["notes"] == "Store in a fridge."


def test_only_a_superuser_links_a_login_to_a_profile_and_it_is_recorded(client, people):
    profile = FactCheckerFactory(name="Noor Checker")
    url = reverse("admin:articles_contributor_staff_account", args=[profile.pk])
    data = {"user": people["editor"].pk, "reason": "New staff member."}

    client.force_login(people["editor"])
    assert client.post(url, data).status_code == 403
    change_through_admin(client, ContributorFactory(draft=True), user=people["editor"].pk)
    client.force_login(people["reviewer"])
    assert client.post(url, data).status_code == 403
    assert not Contributor.objects.filter(user=people["editor"]).exists()

    client.force_login(people["superuser"])
    form = client.get(reverse("admin:articles_contributor_change", args=[profile.pk])).content.decode()
    assert f'action="{url}"' in form and "Staff account (superusers only)" in form
    client.post(url, data)

    assert current(profile).user == people["editor"]
    event = ReviewEvent.objects.for_object(profile).get(action="link_login")
    assert event.actor == people["superuser"] and "New staff member." in event.comment


def test_relinking_a_login_later_does_not_change_who_readers_see_as_fact_checker(client, people):
    article = ArticleFactory(status=Status.IN_REVIEW, published_at=None, fact_checker=None)
    workflow.perform(article, "fact_check", people["reviewer"])
    workflow.perform(article, "publish", people["reviewer"])
    original_profile = people["reviewer"].contributor

    other = FactCheckerFactory(name="Someone Else")
    Contributor.objects.filter(pk=original_profile.pk).update(user=None)
    Contributor.objects.filter(pk=other.pk).update(user=people["reviewer"])

    assert current(article).fact_checker == original_profile


def test_fact_checking_needs_a_published_profile(people, django_user_model):
    newcomer = django_user_model.objects.create_user("newcomer", password="pw", is_staff=True)
    newcomer.groups.add(Group.objects.get(name="Reviewers"))
    FactCheckerFactory(draft=True, user=newcomer)
    page = PageFactory(status=Status.IN_REVIEW, published_at=None)

    with pytest.raises(workflow.WorkflowError) as error:
        workflow.perform(page, "fact_check", newcomer)

    assert "published contributor profile" in error.value.messages[0]


def test_anyone_who_edited_the_version_under_review_may_not_fact_check_it(client, people, django_user_model):
    both = django_user_model.objects.create_user("both", password="pw", is_staff=True)
    both.groups.add(Group.objects.get(name="Editors"), Group.objects.get(name="Reviewers"))
    FactCheckerFactory(name="Bo Both", user=both)
    condition = ConditionFactory(draft=True)
    client.force_login(both)
    change_through_admin(client, condition, summary="An earlier edit by Bo.")
    client.force_login(people["editor"])
    change_through_admin(client, condition, summary="The last edit, by the editor.")
    workflow.perform(current(condition), "submit", people["editor"])

    with pytest.raises(PermissionDenied):
        workflow.perform(current(condition), "fact_check", both)
    client.force_login(both)
    client.post(transition_url(condition, "fact_check"), {"comment": "Looks fine."})

    assert current(condition).status == Status.IN_REVIEW
    workflow.perform(current(condition), "fact_check", people["reviewer"])
    assert current(condition).status == Status.FACT_CHECKED


def test_nobody_fact_checks_their_own_profile(people):
    profile = people["reviewer"].contributor
    copy = workflow.start_new_version(profile, people["editor"])
    workflow.perform(copy, "submit", people["editor"])

    with pytest.raises(PermissionDenied):
        workflow.perform(copy, "fact_check", people["reviewer"])


def test_the_fact_check_pins_the_exact_version_including_images_and_meta_description(people):
    article = ArticleFactory(
        status=Status.IN_REVIEW,
        published_at=None,
        hero_image="articles/2026/hero.jpg",
        hero_image_alt="A nurse preparing an infusion",
        meta_description="How an infusion day goes.",
    )

    workflow.perform(article, "fact_check", people["reviewer"])

    snapshot = FactCheck.objects.for_object(article).get().snapshot
    assert snapshot["hero_image"] == "articles/2026/hero.jpg"
    assert snapshot["hero_image_alt"] == "A nurse preparing an infusion"
    assert snapshot["meta_description"] == "How an infusion day goes."


def test_the_reviewers_diff_shows_a_changed_image_description_and_meta_description(client, people):
    article = ArticleFactory(hero_image="articles/2026/hero.jpg", hero_image_alt="A nurse")
    copy = workflow.start_new_version(article, people["editor"])
    copy.hero_image_alt, copy.meta_description = "A nurse checking a drip", "New search summary."
    copy.save()
    client.force_login(people["reviewer"])

    page = client.get(reverse("admin:articles_article_change", args=[copy.pk])).content.decode()

    diff = page[page.index("What changed since") :]
    assert "Hero image description" in diff and "A nurse checking a drip" in diff
    assert "Meta description" in diff and "New search summary." in diff


def test_overdue_reviews_of_every_kind_are_listed_for_the_daily_email(people):
    from io import StringIO

    from django.core.management import call_command

    SideEffectFactory(name="Chills", next_review_due=timezone.localdate() - datetime.timedelta(days=3))
    SourceFactory(title="Old trial", review_reason="Cited source retracted.")
    ConditionFactory(name="Fine", next_review_due=timezone.localdate() + datetime.timedelta(days=3))
    out = StringIO()

    call_command("list_overdue_reviews", stdout=out)

    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert any(line.startswith("Chills — review was due") for line in lines)
    assert any(line.startswith("Old trial (2018) — flagged: Cited source retracted.") for line in lines)


def test_shared_pages_show_who_checked_them_when_and_on_which_sources(client, full_article):
    condition = Condition.objects.get(slug="itp")
    source = SourceFactory(title="Guidelines for ITP", citation_key="itp-guideline")
    with seeding():
        condition.overview = "<p>ITP lowers the platelet count [cite:itp-guideline].</p>"
        condition.fact_checker = full_article.fact_checker
        condition.last_reviewed_on = datetime.date(2026, 5, 4)
        condition.save()
    CitationFactory(record=condition, source=source, position=1)

    page = client.get("/conditions/itp/").content.decode()

    assert "Fact-checked by" in page and full_article.fact_checker.name in page
    assert 'Last reviewed <time datetime="2026-05-04">May 4, 2026</time>' in page
    assert 'ITP lowers the platelet count<sup class="citation"><a href="#source-1" id="cite-1-1">1</a></sup>.' in page
    assert 'id="source-1"' in page and "Guidelines for ITP" in page
    assert "[cite:" not in page
    export = client.get("/conditions/itp/sources.ris").content.decode()
    assert "TI  - Guidelines for ITP" in export


@pytest.mark.parametrize("model", [Condition, Product, SideEffect, Contributor, Page], ids=lambda m: m._meta.model_name)
def test_staff_preview_a_new_version_as_readers_will_see_it(client, people, django_user_model, model):
    original = FACTORIES[model](**TEXT[model]("Current"))
    copy = workflow.start_new_version(original, people["editor"])
    for field, value in TEXT[model]("Upcoming").items():
        if field != "slug":
            setattr(copy, field, value)
    copy.save()
    preview = copy.get_absolute_url()
    assert preview != original.get_absolute_url()

    assert client.get(preview).status_code == 302  # anonymous: to the login page
    client.force_login(django_user_model.objects.create_user("intern", password="pw", is_staff=True))
    assert client.get(preview).status_code == 403
    client.force_login(people["reviewer"])
    response = client.get(preview)

    assert response.status_code == 200 and "Upcoming" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]
    client.logout()
    live = client.get(original.get_absolute_url()).content.decode()
    assert "Current" in live and "Upcoming" not in live


# --- Publishing needs what the page shows to be published ----------------------------------------------------


def test_an_article_citing_an_unpublished_source_cannot_be_published(people):
    article = ArticleFactory(status=Status.FACT_CHECKED, published_at=None)
    CitationFactory(article=article, source=SourceFactory(draft=True, title="Unchecked trial"))

    with pytest.raises(workflow.WorkflowError) as error:
        workflow.perform(article, "publish", people["reviewer"])

    assert "source “Unchecked trial (2018)” (draft)" in error.value.messages[0]
    assert not current(article).is_live


def test_a_product_listing_an_unpublished_side_effect_cannot_be_published(people):
    product = ProductFactory(status=Status.FACT_CHECKED, published_at=None)
    ProductSideEffectFactory(product=product, side_effect=SideEffectFactory(draft=True, name="Chills"))

    with pytest.raises(workflow.WorkflowError, match="side effect “Chills”"):
        workflow.perform(product, "publish", people["reviewer"])


# --- Shared records: one reviewed change, every page at once ----------------------------------------------------


def test_a_shared_records_review_screen_lists_the_pages_it_reaches(client, people, full_article):
    headache = SideEffect.objects.get(slug="headache")
    copy = workflow.start_new_version(headache, people["editor"])
    copy.description = "A dull ache behind the eyes, newly worded."
    copy.save()
    client.force_login(people["reviewer"])

    page = client.get(reverse("admin:articles_sideeffect_change", args=[copy.pk])).content.decode()

    assert "Published pages this change reaches" in page
    assert f'href="{full_article.get_absolute_url()}"' in page
    assert 'href="/products/privigen/"' in page
    assert {model: set(records) for model, records in live_dependents(headache)} == {
        Article: {full_article},
        Product: {Product.objects.get(slug="privigen")},
    }


def test_a_reviewed_change_to_a_shared_record_goes_live_everywhere_at_once(
    client, people, full_article, publish_through_review
):
    headache = SideEffect.objects.get(slug="headache")
    copy = workflow.start_new_version(headache, people["editor"])
    copy.description = "A dull ache behind the eyes, newly worded."
    copy.save()
    pages = [full_article.get_absolute_url(), "/products/privigen/", "/side-effects/headache/"]
    assert not any("newly worded" in client.get(url).content.decode() for url in pages)

    publish_through_review(copy)

    assert [url for url in pages if "newly worded" not in client.get(url).content.decode()] == []
    assert not SideEffect.objects.filter(draft_of__isnull=False).exists()


# --- Scheduled new versions: live at their time, not before, not later, with no cron job --------------------------


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


READER_URLS = [
    "/",
    "/articles/",
    "/articles/ivig-for-itp/",
    "/conditions/itp/",
    "/products/privigen/",
    "/side-effects/headache/",
    "/feeds/rss/",
    "/feeds/atom/",
    "/conditions/itp/rss/",
    "/sitemap.xml",
    "/search/?q=autumn",
    "/articles/ivig-for-itp/sources.ris",
]


def everything_readers_get(client):
    return "\n".join(client.get(url).content.decode() for url in READER_URLS)


def test_a_scheduled_new_version_goes_live_at_its_time_and_not_before(client, people, full_article):
    copy = workflow.start_new_version(full_article, people["editor"])
    copy.title, copy.body = "Autumn update on IVIG for ITP", "<h2>Autumn</h2><p>New autumn advice.</p>"
    copy.save()
    workflow.perform(copy, "submit", people["editor"])
    workflow.perform(copy, "fact_check", people["reviewer"])
    go_live = timezone.now() + datetime.timedelta(days=30)
    scheduled = workflow.perform(copy, "publish", people["reviewer"], at=go_live)
    assert scheduled.status == Status.SCHEDULED

    with at(go_live - datetime.timedelta(minutes=1)):
        before = everything_readers_get(client)
    assert "Autumn" not in before and "autumn advice" not in before
    assert "IVIG for immune thrombocytopenia" in before

    with at(go_live + datetime.timedelta(seconds=1)):
        after = everything_readers_get(client)
    assert after.count("Autumn update on IVIG for ITP") >= 6  # page, home, list, feeds, condition page…
    assert "New autumn advice." in after
    article = Article.objects.get(pk=full_article.pk)
    assert article.title == "Autumn update on IVIG for ITP"
    assert article.published_at == full_article.published_at  # first publication stays
    assert not Article.objects.working_copies().exists()
    assert FactCheck.objects.for_object(article).count() == 1
    assert ReviewEvent.objects.for_object(article).filter(action="publish_new_version").exists()


def test_a_scheduled_version_is_found_even_after_the_cache_was_emptied(client, people, full_article):
    copy = workflow.start_new_version(full_article, people["editor"])
    copy.title = "Winter update"
    copy.save()
    workflow.perform(copy, "submit", people["editor"])
    workflow.perform(copy, "fact_check", people["reviewer"])
    go_live = timezone.now() + datetime.timedelta(hours=2)
    workflow.perform(copy, "publish", people["reviewer"], at=go_live)
    cache.clear()

    with at(go_live + datetime.timedelta(minutes=1)):
        assert "Winter update" in client.get("/articles/ivig-for-itp/").content.decode()


def test_a_scheduled_shared_record_waits_on_every_page_that_shows_it(client, people, full_article):
    headache = SideEffect.objects.get(slug="headache")
    copy = workflow.start_new_version(headache, people["editor"])
    copy.what_helps = "Rest in a dark room and sip water slowly."
    copy.save()
    workflow.perform(copy, "submit", people["editor"])
    workflow.perform(copy, "fact_check", people["reviewer"])
    go_live = timezone.now() + datetime.timedelta(days=2)
    workflow.perform(copy, "publish", people["reviewer"], at=go_live)

    pages = ["/products/privigen/", "/side-effects/headache/", full_article.get_absolute_url()]
    with at(go_live - datetime.timedelta(seconds=5)):
        assert not any("dark room" in client.get(url).content.decode() for url in pages)
    with at(go_live + datetime.timedelta(seconds=5)):
        assert all("dark room" in client.get(url).content.decode() for url in pages)


def test_a_scheduled_version_can_be_called_back_before_its_time(client, people, full_article):
    copy = workflow.start_new_version(full_article, people["editor"])
    copy.title = "Premature title"
    copy.save()
    workflow.perform(copy, "submit", people["editor"])
    workflow.perform(copy, "fact_check", people["reviewer"])
    go_live = timezone.now() + datetime.timedelta(days=1)
    workflow.perform(copy, "publish", people["reviewer"], at=go_live)

    workflow.perform(copy, "cancel_schedule", people["reviewer"])

    with at(go_live + datetime.timedelta(days=1)):
        assert "Premature title" not in client.get("/articles/ivig-for-itp/").content.decode()
    assert current(copy).status == Status.FACT_CHECKED


def test_the_admin_says_scheduled_not_published(client, people):
    condition = ConditionFactory(status=Status.FACT_CHECKED, published_at=None)
    client.force_login(people["reviewer"])
    when = (timezone.localtime() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")

    response = client.post(transition_url(condition, "publish"), {"publish_at": when, "substantive": "on"})

    message = str(next(iter(response.wsgi_request._messages)))
    assert "is scheduled for" in message and "is now" not in message
    assert not current(condition).is_live


def test_an_impossible_publication_date_is_explained(client, people):
    condition = ConditionFactory(status=Status.FACT_CHECKED, published_at=None)
    client.force_login(people["reviewer"])

    response = client.post(transition_url(condition, "publish"), {"publish_at": "2025-02-30T10:00"})

    assert response.status_code == 302
    assert "not a date and time we can read" in str(next(iter(response.wsgi_request._messages)))


# --- Nothing unpublished appears anywhere readers look --------------------------------------------------------

STATES = [
    "draft",
    "in_review",
    "fact_checked",
    "unpublished",
    "archived",
    "scheduled_first_publication",
    "live_with_pending_new_version",
    "scheduled_new_version",
]

# The words readers may see on each record, and where a secret word goes.
TEXT = {
    Article: lambda word: {"title": f"{word} guide", "body": f"<p>{word} advice.</p>", "dek": f"{word} summary."},
    Condition: lambda word: {"name": f"{word} syndrome", "overview": f"<p>{word} overview.</p>"},
    Product: lambda word: {"brand_name": f"{word}gam", "notes": f"{word} storage notes."},
    SideEffect: lambda word: {"name": f"{word} rash", "description": f"{word} description."},
    Source: lambda word: {"title": f"{word} trial results"},
    Contributor: lambda word: {"name": f"{word} Person", "credentials": "MD"},
    Page: lambda word: {"title": f"{word} policy", "body": f"<p>{word} policy text.</p>"},
    Translation: lambda word: {"text": {"title": f"{word} guía", "dek": f"{word} resumen.", "body": f"<p>{word}.</p>"}},
}


def secret(model, state):
    return f"Zq{model._meta.model_name}{state.replace('_', '')}"


def visible(model):
    return f"Ok{model._meta.model_name}"


@pytest.fixture
def host(full_article):
    """A live article and product that show every other kind of record they link to."""
    full_article.body += "<p>Sources [cite:host-source].</p>"
    full_article.save()
    CitationFactory(article=full_article, source=SourceFactory(citation_key="host-source"), position=2)
    full_article.main_condition = full_article.conditions.get()
    full_article.main_product = full_article.products.get()
    return full_article


@seeding()
def link(record, host):
    """Tie ``record`` into the live pages, as editors do, so that any leak would show."""
    condition, product = host.main_condition, host.main_product
    if isinstance(record, Article):
        record.conditions.add(condition)
        record.products.add(product)
    elif isinstance(record, Condition):
        host.conditions.add(record)
        ProductApproval.objects.create(product=product, condition=record, region="EU")
        condition.related_conditions.add(record)
    elif isinstance(record, Product):
        host.products.add(record)
        ProductApprovalFactory(product=record, condition=condition)
    elif isinstance(record, SideEffect):
        ArticleSideEffect.objects.create(article=host, side_effect=record, position=9)
        ProductSideEffectFactory(product=product, side_effect=record)
    elif isinstance(record, Source):
        CitationFactory(article=host, source=record, position=9)
    elif isinstance(record, Translation):  # the host article's Spanish version: its words on /es/ pages
        record.content_type = ContentType.objects.get_for_model(host)
        record.object_id = host.pk
        record.save()
    elif isinstance(record, Contributor):
        record.on_expert_board = True
        record.save()
        ArticleFactory(author=record, fact_checker=record, conditions=[condition], title="Guide by a profile")


@seeding()
def place(model, state, host, editor):
    """A record of ``model`` whose secret words readers must never see, in ``state``."""
    word, shown = secret(model, state), visible(model)
    future = timezone.now() + datetime.timedelta(days=5)
    if state in {"live_with_pending_new_version", "scheduled_new_version"}:
        record = FACTORIES[model](**TEXT[model](shown))
        link(record, host)
        copy = workflow.start_new_version(record, editor)
        for field, value in TEXT[model](word).items():
            setattr(copy, field, value)
        if state == "scheduled_new_version":
            copy.status, copy.published_at = Status.SCHEDULED, future
        else:
            copy.status = Status.IN_REVIEW
        copy.save()
        workflow.forget_next_due()
        return shown
    if state == "scheduled_first_publication":
        record = FACTORIES[model](status=Status.PUBLISHED, published_at=future, **TEXT[model](word))
    else:
        record = FACTORIES[model](status=state, published_at=None, **TEXT[model](word))
    link(record, host)
    return None


def crawl(client, extra):
    """Every reader page reachable from the home page, plus feeds, sitemap, search and exports."""
    seen, queue, bodies = set(), ["/", *extra], {}
    while queue and len(seen) < 400:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200:
            continue
        if response["Content-Type"] == "application/pdf":  # a printable handout: the words a reader gets
            body = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
        else:
            body = response.content.decode()
        bodies[url] = body
        for found in re.findall(r'(?:href="|<loc>http://testserver)(/[^"#<]*)', body):
            found = found.replace("&amp;", "&")
            if not found.startswith(("/admin/", "/static/", "/media/", "/preview/", "/ckeditor/")):
                queue.append(found)
    return bodies


@pytest.mark.parametrize("state", STATES)
def test_nothing_unreviewed_appears_anywhere_readers_look(client, host, editor, state):
    shown_words = [place(model, state, host, editor) for model in FACTORIES]
    secrets = [secret(model, state) for model in FACTORIES]
    extra = [
        "/feeds/rss/",
        "/feeds/atom/",
        "/conditions/itp/rss/",
        "/conditions/itp/atom/",
        "/sitemap.xml",
        f"{host.get_absolute_url()}sources.ris",
        f"{host.get_absolute_url()}sources.bib",
        *(f"/search/?q={word}" for word in secrets),
        *(f"/es/search/?q={word}" for word in secrets),
        "/es/feeds/rss/",
    ]

    pages = crawl(client, extra)

    assert host.get_absolute_url() in pages and "/sitemap.xml" in pages
    assert f"{host.get_absolute_url()}handout.pdf" in pages
    for word in secrets:  # a search page repeats what was asked; what it found must not
        page = pages[f"/search/?q={word}"]
        assert f"No results for “{word}”" in page
        pages[f"/search/?q={word}"] = page.replace(word, "")
        pages[f"/es/search/?q={word}"] = pages[f"/es/search/?q={word}"].replace(word, "")
    leaks = {word: [url for url, body in pages.items() if word.lower() in body.lower()] for word in secrets}
    assert {word: urls for word, urls in leaks.items() if urls} == {}
    everything = "\n".join(pages.values())
    for word in filter(None, shown_words):  # the live versions are there: the crawl looked in the right places
        assert word in everything
