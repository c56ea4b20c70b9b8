"""
Medical review: the clinician's step after the fact-check, required for the kinds that declare it, run by the
same transition table as every other step, and named to readers wherever review is shown.
"""

import datetime
import re
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Condition, Contributor
from review.models import FactCheck, ReviewEvent
from review.workflow import WorkflowError, perform, publish_due, start_new_version
from tests.factories import ArticleFactory, ConditionFactory, ContributorFactory, FactCheckerFactory
from tests.html import json_ld, main_content
from tests.people import medical_reviewer, member_of

pytestmark = pytest.mark.django_db

Status = Article.Status


@pytest.fixture
def clinician():
    return medical_reviewer()


@pytest.fixture
def guide():
    return ArticleFactory(draft=True, kind=Article.Kind.THERAPY_GUIDE, title="IVIG therapy", slug="ivig-therapy")


def fact_checked(record, editor, reviewer):
    record = perform(record, "submit", editor)
    return perform(record, "fact_check", reviewer, "Checked against the sources.")


def fresh(record):
    return type(record).objects.get(pk=record.pk)


def perms(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


# --- The role ------------------------------------------------------------------------------------------------


def test_medical_reviewers_review_and_send_back_but_neither_edit_nor_check_nor_publish():
    granted = perms("Medical reviewers")

    for model in ("article", "condition", "product", "sideeffect"):
        assert {f"articles.medically_review_{model}", f"articles.review_{model}"} <= granted
        assert f"articles.view_{model}" in granted
        for action in ("change", "add", "delete", "submit", "fact_check", "publish"):
            assert f"articles.{action}_{model}" not in granted
    # Profiles, sources and site pages offer no medical review.
    assert "articles.medically_review_contributor" not in granted
    assert "references.medically_review_source" not in granted
    assert "pages.medically_review_page" not in granted
    assert not any(codename.split(".")[1].startswith("medically_review") for codename in perms("Reviewers"))
    assert not any(codename.split(".")[1].startswith("medically_review") for codename in perms("Editors"))


# --- Required where declared ---------------------------------------------------------------------------------


def test_therapy_guide_is_not_published_until_a_clinician_reviews_it(client, editor, reviewer, guide):
    guide = fact_checked(guide, editor, reviewer)

    with pytest.raises(WorkflowError, match="medically reviewed"):
        perform(guide, "publish", reviewer)

    assert fresh(guide).status == Status.FACT_CHECKED
    assert client.get("/articles/ivig-therapy/").status_code == 404


def test_medical_review_pins_the_version_and_names_the_clinician_on_publication(editor, reviewer, clinician, guide):
    guide = fact_checked(guide, editor, reviewer)

    guide = perform(guide, "medically_review", clinician, "Dosing and warning signs are right.")

    assert guide.status == Status.MEDICALLY_REVIEWED
    review = FactCheck.objects.for_object(guide).medical_reviews().get()
    assert review.contributor == clinician.contributor
    assert review.reviewer == clinician
    assert review.lock_version == guide.lock_version
    assert review.snapshot["title"] == "IVIG therapy"
    assert review.notes == "Dosing and warning signs are right."
    assert FactCheck.objects.for_object(guide).fact_checks().count() == 1  # the fact-check is its own record
    assert ReviewEvent.objects.for_object(guide).filter(action="medically_review", actor=clinician).exists()

    published = perform(guide, "publish", reviewer)

    assert published.is_live
    assert published.medical_reviewer == clinician.contributor
    assert published.medically_reviewed_on == timezone.localdate()
    assert published.fact_checker == reviewer.contributor


def test_condition_overview_articles_require_it_and_treatment_guides_do_not(editor, reviewer):
    overview = fact_checked(ArticleFactory(draft=True, kind=Article.Kind.CONDITION_OVERVIEW), editor, reviewer)
    treatment = fact_checked(ArticleFactory(draft=True, kind=Article.Kind.TREATMENT_GUIDE), editor, reviewer)

    with pytest.raises(WorkflowError):
        perform(overview, "publish", reviewer)
    published = perform(treatment, "publish", reviewer)

    assert published.is_live
    assert published.medical_reviewer is None


def test_optional_kinds_may_be_medically_reviewed_and_profiles_may_not(editor, reviewer, clinician):
    condition = fact_checked(ConditionFactory(draft=True), editor, reviewer)
    profile = fact_checked(ContributorFactory(draft=True), editor, reviewer)

    condition = perform(condition, "medically_review", clinician)
    assert perform(condition, "publish", reviewer).medical_reviewer == clinician.contributor

    with pytest.raises((WorkflowError, PermissionDenied)):
        perform(profile, "medically_review", clinician)
    assert fresh(profile).status == Status.FACT_CHECKED


# --- Who may -------------------------------------------------------------------------------------------------


def test_editors_and_fact_checkers_may_not_medically_review(editor, reviewer, guide):
    guide = fact_checked(guide, editor, reviewer)

    for user in (editor, reviewer):
        with pytest.raises(PermissionDenied):
            perform(guide, "medically_review", user)

    assert fresh(guide).status == Status.FACT_CHECKED
    assert not FactCheck.objects.for_object(guide).medical_reviews().exists()


@pytest.mark.parametrize(
    "profile",
    [
        {"on_expert_board": False},
        {"credentials": ""},
        {"is_medical_reviewer": False},
        {"status": Status.DRAFT, "published_at": None},
    ],
    ids=["not-on-the-board", "no-credentials", "not-a-medical-reviewer", "profile-not-published"],
)
def test_clinician_needs_a_published_board_profile_with_credentials(editor, reviewer, guide, profile):
    user = medical_reviewer(**profile)
    guide = fact_checked(guide, editor, reviewer)

    with pytest.raises(WorkflowError, match="medical reviewer on the expert board"):
        perform(guide, "medically_review", user)

    assert fresh(guide).status == Status.FACT_CHECKED


def test_a_medical_reviewer_without_a_profile_is_told_to_get_one_linked(editor, reviewer, guide):
    user = member_of("Medical reviewers", "newcomer")
    guide = fact_checked(guide, editor, reviewer)

    with pytest.raises(WorkflowError, match="link your login"):
        perform(guide, "medically_review", user)


def test_the_author_may_not_medically_review_their_own_article(editor, reviewer, clinician, guide):
    guide.author = clinician.contributor
    guide.save()
    guide = fact_checked(guide, editor, reviewer)

    with pytest.raises(PermissionDenied, match="another clinician"):
        perform(guide, "medically_review", clinician)


def test_the_fact_checker_may_not_also_medically_review_the_same_version(editor, django_user_model, guide):
    both = django_user_model.objects.create_user("both", password="pw", is_staff=True)
    both.groups.add(Group.objects.get(name="Reviewers"), Group.objects.get(name="Medical reviewers"))
    FactCheckerFactory(name="Ola Twohats", user=both, credentials="MD", is_medical_reviewer=True, on_expert_board=True)
    guide = fact_checked(guide, editor, both)

    with pytest.raises(PermissionDenied, match="You fact-checked this version"):
        perform(guide, "medically_review", both)

    assert fresh(guide).status == Status.FACT_CHECKED


# --- Sending back, new versions, scheduling ------------------------------------------------------------------


def test_clinician_sends_it_back_and_the_next_version_needs_a_fresh_review(editor, reviewer, clinician, guide):
    guide = perform(fact_checked(guide, editor, reviewer), "medically_review", clinician)

    guide = perform(guide, "request_changes", clinician, "Say when to call 911.")
    assert guide.status == Status.CHANGES_REQUESTED

    guide = fact_checked(guide, editor, reviewer)
    with pytest.raises(WorkflowError, match="medically reviewed"):
        perform(guide, "publish", reviewer)
    guide = perform(guide, "medically_review", clinician)
    assert perform(guide, "publish", reviewer).is_live


@pytest.fixture
def reviewed_guide(editor, reviewer, clinician, guide):
    guide = perform(fact_checked(guide, editor, reviewer), "medically_review", clinician)
    return perform(guide, "publish", reviewer)


def test_new_version_needs_its_own_review_while_readers_keep_the_reviewed_one(client, editor, reviewer, reviewed_guide):
    second_clinician = medical_reviewer("second", name="Ines Varga")
    copy = start_new_version(reviewed_guide, editor)
    copy.title = "IVIG therapy, updated"
    copy.save()
    copy = fact_checked(copy, editor, reviewer)

    with pytest.raises(WorkflowError, match="medically reviewed"):
        perform(copy, "publish", reviewer)
    page = main_content(client.get("/articles/ivig-therapy/"))
    assert "Medically reviewed by" in page and "Dana Okafor, MD" in page

    copy = perform(copy, "medically_review", second_clinician)
    original = perform(copy, "publish", reviewer)

    assert original.pk == reviewed_guide.pk
    assert original.title == "IVIG therapy, updated"
    assert original.medical_reviewer == second_clinician.contributor
    assert FactCheck.objects.for_object(original).medical_reviews().count() == 2  # both reviews, on the original
    assert "Ines Varga, MD" in main_content(client.get("/articles/ivig-therapy/"))


def test_scheduled_new_version_keeps_its_review_when_cancelled_and_goes_live_with_it(
    editor, reviewer, clinician, reviewed_guide
):
    copy = fact_checked(start_new_version(reviewed_guide, editor), editor, reviewer)
    copy = perform(copy, "medically_review", clinician)
    later = timezone.now() + datetime.timedelta(days=2)

    copy = perform(copy, "publish", reviewer, at=later)
    assert copy.status == Status.SCHEDULED
    copy = perform(copy, "cancel_schedule", reviewer)
    assert copy.status == Status.MEDICALLY_REVIEWED  # back where it was: no second review needed
    copy = perform(copy, "publish", reviewer, at=later)

    assert publish_due(now=later + datetime.timedelta(minutes=1)) == [reviewed_guide]
    original = fresh(reviewed_guide)
    assert original.medical_reviewer == clinician.contributor
    assert not Article.objects.filter(draft_of=original).exists()


def test_a_version_published_without_a_medical_review_no_longer_names_the_clinician(
    client, editor, reviewer, clinician
):
    treatment = ArticleFactory(draft=True, kind=Article.Kind.TREATMENT_GUIDE, slug="ivig-for-itp")
    treatment = perform(fact_checked(treatment, editor, reviewer), "medically_review", clinician)
    treatment = perform(treatment, "publish", reviewer)
    assert treatment.medical_reviewer == clinician.contributor

    copy = start_new_version(treatment, editor)
    copy.dek = "Rewritten after the clinician's review."
    copy.save()
    original = perform(fact_checked(copy, editor, reviewer), "publish", reviewer)

    assert original.medical_reviewer is None
    assert original.medically_reviewed_on is None
    assert "Medically reviewed by" not in main_content(client.get("/articles/ivig-for-itp/"))


# --- The admin panel -----------------------------------------------------------------------------------------


def test_admin_offers_the_step_to_the_clinician_only_and_runs_it(client, editor, reviewer, clinician, guide):
    guide = fact_checked(guide, editor, reviewer)
    change = reverse("admin:articles_article_change", args=[guide.pk])
    transition = reverse("admin:articles_article_transition", args=[guide.pk, "medically_review"])

    client.force_login(reviewer)
    assert "Mark as medically reviewed" not in client.get(change).content.decode()
    assert client.post(transition, {"comment": "Looks fine."}).status_code == 403

    client.force_login(clinician)
    page = client.get(change).content.decode()
    assert "Mark as medically reviewed" in page
    assert 'name="_save"' not in page  # clinicians review, they do not edit
    response = client.post(transition, {"comment": "Clinically accurate."})

    assert response.status_code == 302
    assert fresh(guide).status == Status.MEDICALLY_REVIEWED
    client.force_login(reviewer)
    assert "Publish" in client.get(change).content.decode()


# --- What readers see ----------------------------------------------------------------------------------------


def test_article_byline_is_one_line_naming_the_clinician_with_a_link(client, reviewed_guide):
    page = main_content(client.get("/articles/ivig-therapy/"))

    byline = re.search(r'<p class="byline">(.*?)</p>', page, re.DOTALL).group(1)
    profile = Contributor.objects.get(name="Dana Okafor").get_absolute_url()
    assert f'Medically reviewed by <a class="contributor" href="{profile}">Dana Okafor, MD</a>' in byline
    assert "Fact-checked by" in byline and "Rita Reviewer" in byline
    assert "By <a" in byline and "Last updated" in byline
    assert byline.index("By <a") < byline.index("Medically reviewed") < byline.index("Fact-checked")
    assert client.get(profile).status_code == 200


def test_condition_review_note_names_the_clinician(client, editor, reviewer, clinician):
    condition = ConditionFactory(draft=True, name="Immune thrombocytopenia", slug="itp")
    condition = perform(fact_checked(condition, editor, reviewer), "medically_review", clinician)
    perform(condition, "publish", reviewer)

    page = main_content(client.get("/conditions/itp/"))

    note = re.search(r'<p class="review-note">(.*?)</p>', page, re.DOTALL).group(1)
    assert 'Medically reviewed by <a class="contributor" href="/contributors/dana-okafor/">Dana Okafor, MD</a>' in note
    assert "Fact-checked by" in note


def test_review_note_stays_quiet_about_a_clinician_whose_profile_is_not_live(client, editor, reviewer, clinician):
    condition = ConditionFactory(draft=True, slug="itp")
    perform(perform(fact_checked(condition, editor, reviewer), "medically_review", clinician), "publish", reviewer)
    Contributor.objects.filter(pk=clinician.contributor.pk).update(status=Status.UNPUBLISHED)

    page = main_content(client.get("/conditions/itp/"))

    assert "Medically reviewed" not in page
    assert "Fact-checked by" in page


def test_structured_data_names_the_clinician_as_reviewer(client, reviewed_guide):
    (data,) = json_ld(client.get("/articles/ivig-therapy/"))

    assert data["reviewedBy"]["name"] == "Dana Okafor"
    assert data["reviewedBy"]["honorificSuffix"] == "MD"
    assert data["reviewedBy"]["url"] == "http://testserver/contributors/dana-okafor/"


def test_api_names_the_medical_reviewer(client, reviewed_guide):
    review = client.get("/api/v1/articles/ivig-therapy/").json()["review"]

    assert review["medically_reviewed_by"]["name"] == "Dana Okafor, MD"
    assert review["medically_reviewed_by"]["url"] == "http://testserver/contributors/dana-okafor/"
    assert review["fact_checked_by"]["name"] == "Rita Reviewer, PharmD"


# --- Contributor pages ---------------------------------------------------------------------------------------


def test_profile_lists_what_the_clinician_reviewed_with_affiliation_and_disclosures(
    client, editor, reviewer, clinician, reviewed_guide
):
    Contributor.objects.filter(pk=clinician.contributor.pk).update(
        affiliation="Neurologist, Riverbend Clinic", disclosures="Spoke at a meeting paid for by <Acme>."
    )
    condition = ConditionFactory(draft=True, name="Chronic inflammatory demyelinating polyneuropathy", slug="cidp")
    perform(perform(fact_checked(condition, editor, reviewer), "medically_review", clinician), "publish", reviewer)

    page = main_content(client.get("/contributors/dana-okafor/"))

    assert "Neurologist, Riverbend Clinic" in page
    assert "Spoke at a meeting paid for by &lt;Acme&gt;." in page
    reviewed = page[page.index('id="medically-reviewed-heading"') :]
    assert "IVIG therapy" in reviewed
    assert 'href="/conditions/cidp/"' in reviewed


def test_profile_lists_what_the_writer_wrote_and_the_checker_checked(client, reviewed_guide):
    author_page = main_content(client.get(reviewed_guide.author.get_absolute_url()))
    checker_page = main_content(client.get(reviewed_guide.fact_checker.get_absolute_url()))

    assert "Articles by" in author_page and "IVIG therapy" in author_page
    assert "Articles fact-checked by Rita Reviewer" in checker_page and "IVIG therapy" in checker_page
    assert "Medically reviewed by" not in author_page


def test_profile_page_queries_do_not_grow_with_the_number_of_reviews(
    client, editor, reviewer, clinician, django_assert_max_num_queries
):
    def review_one(n):
        article = ArticleFactory(draft=True, kind=Article.Kind.THERAPY_GUIDE, conditions=[ConditionFactory()])
        perform(perform(fact_checked(article, editor, reviewer), "medically_review", clinician), "publish", reviewer)
        condition = ConditionFactory(draft=True)
        perform(perform(fact_checked(condition, editor, reviewer), "medically_review", clinician), "publish", reviewer)

    review_one(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/contributors/dana-okafor/")
    for n in range(2, 6):
        review_one(n)

    with django_assert_max_num_queries(len(one.captured_queries)):
        page = main_content(client.get("/contributors/dana-okafor/"))
    assert page.count('href="/conditions/') >= 5


# --- Demo content --------------------------------------------------------------------------------------------


def test_demo_therapy_guide_and_itp_overview_are_medically_reviewed_through_the_workflow(client, demo_site):

    guide = Article.objects.originals().get(slug="ivig-therapy")
    itp = Condition.objects.originals().get(slug="itp")
    for record in (guide, itp):
        assert record.is_live
        clinician = record.medical_reviewer
        assert clinician.on_expert_board and clinician.is_medical_reviewer and clinician.credentials == "MD"
        review = FactCheck.objects.for_object(record).medical_reviews().get()
        assert review.contributor == clinician
        assert review.reviewer.groups.filter(name="Medical reviewers").exists()
        actions = list(ReviewEvent.objects.for_object(record).values_list("action", flat=True))
        assert {"submit", "fact_check", "medically_review", "publish_new_version"} <= set(actions)
    page = main_content(client.get("/articles/ivig-therapy/"))
    assert "Medically reviewed by" in page and "Priya Raman, MD" in page
    assert "Priya Raman, MD" in main_content(client.get("/conditions/itp/"))


def test_demo_contributors_have_drawn_portraits_affiliations_and_disclosures(client, demo_site):
    from PIL import Image

    people = Contributor.objects.published().originals()
    assert people.count() == 5
    for person in people:
        assert person.affiliation and person.disclosures
        assert person.name in person.photo_alt
        with person.photo.open("rb") as photo, Image.open(photo) as image:
            assert image.size == (320, 320)
    page = client.get("/contributors/priya-raman/").content.decode()
    assert '<img class="profile-photo"' in page and 'alt="Illustrated portrait of Priya Raman' in page
    assert "Consultant hematologist" in page and "Disclosures" in page


def test_outside_development_the_demo_creates_no_login_anyone_can_use(demo_site):

    clinician = Contributor.objects.originals().get(slug="priya-raman").user
    assert clinician.username == "demo-priya-raman"
    assert not clinician.has_usable_password()
    assert FactCheck.objects.medical_reviews().filter(reviewer=clinician).count() == 2
    assert not Contributor.objects.filter(user__username__in=["editor", "reviewer", "medical"]).exists()


def test_in_local_development_the_demo_clinician_can_log_in_and_did_the_reviews(settings, client):
    settings.DEBUG = True
    out = StringIO()
    call_command("load_demo_content", stdout=out)

    assert "log in at /admin/ as “medical” with password “medical”" in out.getvalue()
    assert client.login(username="medical", password="medical")
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 200
    clinician = Contributor.objects.originals().get(slug="priya-raman").user
    assert clinician.username == "medical"
    assert FactCheck.objects.medical_reviews().filter(reviewer=clinician).count() == 2


def test_editors_write_a_profiles_affiliation_and_disclosures_in_the_admin(client, editor):
    from tests.admin_forms import change_through_admin

    profile = ContributorFactory(draft=True, name="Lena Holm", slug="lena-holm")
    client.force_login(editor)

    change_through_admin(client, profile, affiliation="Nurse, Fjordside Infusion Centre", disclosures="None.")

    profile = fresh(profile)
    assert profile.affiliation == "Nurse, Fjordside Infusion Centre"
    assert profile.disclosures == "None."
