"""
The rules that keep unreviewed content from readers, each tested so that changing it fails the suite.

Most tests here are generated from the declarations in :mod:`review.workflow` and :class:`review.models.Status`:
every transition is tried from every state, by every role, with and without a comment, so a transition or state
added later is covered without a new test. Generated tests cannot notice a wrong declaration, though: a table
that let "Publish" start from "In review" would be obeyed faithfully. So :data:`POLICY` states the editorial
policy once more, in the words a person would use, and the declaration must match it.

``tests/mutation/REPORT.md`` lists the changes to these rules that the suite was run against (mutation testing).
"""

import datetime

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import UniqueConstraint
from django.utils import timezone

from articles.models import Article, CodeSystem, Condition, ConditionCode
from references.models import Source
from review.guard import NotEditable, WorkflowError, seeding
from review.merging import CONFLICT, MINE, SALT, THEIRS, decide, edit_version, merge_form, read_edit_version
from review.models import EDITABLE_STATUSES, FactCheck, ReviewEvent, Status, is_published
from review.workflow import (
    PAST_TOLERANCE,
    TRANSITIONS,
    perform,
    publish_due,
    record_event,
    start_new_version,
    version_to_edit,
)
from tests.factories import (
    ArticleFactory,
    ArticleSideEffectFactory,
    CitationFactory,
    ConditionFactory,
    ContributorFactory,
    SourceFactory,
)
from tests.people import member_of, superuser

pytestmark = pytest.mark.django_db

S = Status
EDITORS, REVIEWERS, CLINICIANS = "Editors", "Reviewers", "Medical reviewers"

# name: (from, to, who may do it, needs a comment, for whom: "originals", "copies" or "both")
POLICY = {
    "submit": ({S.DRAFT, S.CHANGES_REQUESTED, S.UNPUBLISHED}, S.IN_REVIEW, {EDITORS}, False, "both"),
    "withdraw": ({S.IN_REVIEW}, S.DRAFT, {EDITORS}, False, "both"),
    "request_changes": (
        {S.IN_REVIEW, S.FACT_CHECKED, S.MEDICALLY_REVIEWED}, S.CHANGES_REQUESTED, {REVIEWERS, CLINICIANS}, True, "both"
    ),
    # Only a reviewer fact-checks, only from "In review"; only a clinician of the board reviews medically, after it.
    "fact_check": ({S.IN_REVIEW}, S.FACT_CHECKED, {REVIEWERS}, False, "both"),
    "medically_review": ({S.FACT_CHECKED}, S.MEDICALLY_REVIEWED, {CLINICIANS}, False, "both"),
    # Nothing is published that was not fact-checked.
    "publish": ({S.FACT_CHECKED, S.MEDICALLY_REVIEWED}, S.PUBLISHED, {REVIEWERS}, False, "both"),
    "cancel_schedule": ({S.SCHEDULED}, S.FACT_CHECKED, {REVIEWERS}, False, "copies"),
    "unpublish": ({S.PUBLISHED}, S.UNPUBLISHED, {REVIEWERS}, True, "originals"),
    "archive": ({S.DRAFT, S.CHANGES_REQUESTED, S.PUBLISHED, S.UNPUBLISHED}, S.ARCHIVED, {REVIEWERS}, True, "originals"),
    "reopen": ({S.ARCHIVED}, S.DRAFT, {EDITORS}, False, "originals"),
}  # fmt: skip


def test_the_declared_transitions_are_the_editorial_policy():
    declared = {
        name: (
            set(t.sources),
            t.target,
            t.needs_comment,
            "originals" if t.originals_only else "copies" if t.copies_only else "both",
        )
        for name, t in TRANSITIONS.items()
    }
    stated = {name: (sources, target, comment, whom) for name, (sources, target, _, comment, whom) in POLICY.items()}
    assert declared == stated


def test_no_path_to_readers_skips_the_fact_check():
    """Follow every declared transition but "fact_check" from a draft: no state readers see may be reached."""
    reached, frontier = {S.DRAFT}, [S.DRAFT]
    while frontier:
        state = frontier.pop()
        for name, transition in TRANSITIONS.items():
            if name != "fact_check" and state in transition.sources and transition.target not in reached:
                reached.add(transition.target)
                frontier.append(transition.target)
    assert not reached & {S.PUBLISHED, S.SCHEDULED}, reached


# --- Records in any state, and people in any role ----------------------------------------------------------------


def profile_for(user, name):
    """A live profile that could sign anything: only the permission (and the rules) may stop its user."""
    return ContributorFactory(
        name=name, user=user, credentials="MD", is_fact_checker=True, is_medical_reviewer=True, on_expert_board=True
    )


@pytest.fixture
def chief():
    user = superuser()
    profile_for(user, "Chris Chief")
    return user


def condition_in(status, copy=False, **fields):
    """
    A condition in ``status``; with ``copy``, the new version of a published one. None when the database refuses
    that combination (a scheduled original, a published working copy): no transition can start from it.
    """
    now = timezone.now()
    published_at = {S.PUBLISHED: now - datetime.timedelta(days=1), S.SCHEDULED: now + datetime.timedelta(days=1)}
    fields = {"status": status, "published_at": published_at.get(status), **fields}
    try:
        with transaction.atomic():
            if copy:
                fields["draft_of"] = ConditionFactory()
            return ConditionFactory(**fields)
    except IntegrityError:
        return None


def whom(name):
    return POLICY[name][4]


def records_for(name, status):
    """The records ``name`` is tried on in ``status``: originals, working copies, or both, as it applies to."""
    kinds = {"originals": [False], "copies": [True], "both": [False, True]}[whom(name)]
    records = [condition_in(status, copy=copy) for copy in kinds]
    return [record for record in records if record is not None]


def comment_for(name):
    return "Checked against the cited sources." if POLICY[name][3] else ""


def state_of(record):
    record = type(record).objects.filter(pk=record.pk).first()
    return record and (record.status, record.published_at, record.fact_checker_id, record.lock_version)


def events_of(record):
    return ReviewEvent.objects.for_object(record).count()


# --- Generated from the declaration ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", TRANSITIONS)
def test_every_transition_is_refused_from_every_state_it_does_not_start_from(name, chief):
    for status in S:
        for copy in (False, True):
            record = condition_in(status, copy=copy)
            if record is None:
                continue
            sources, _, _, _, whom = POLICY[name]
            applies = status in sources and whom in ("both", "copies" if copy else "originals")
            if applies:
                continue
            before, events = state_of(record), events_of(record)
            with pytest.raises(WorkflowError, match="is not possible now"):
                perform(record, name, chief, comment_for(name) or "A reason.")
            assert (state_of(record), events_of(record)) == (before, events), (name, status, copy)


@pytest.mark.parametrize("name", TRANSITIONS)
def test_every_transition_moves_a_record_from_each_state_it_starts_from_to_its_target(name, chief):
    transition = TRANSITIONS[name]
    for status in transition.sources:
        for record in records_for(name, status):
            result = perform(record, name, chief, comment_for(name))
            if record.is_working_copy and transition.target == S.PUBLISHED:
                assert result.pk == record.draft_of_id  # its content went onto the original
                assert not Condition.objects.filter(pk=record.pk).exists()
            else:
                assert result.pk == record.pk
            result.refresh_from_db()
            assert result.status == transition.target, (name, status)
            event = ReviewEvent.objects.for_object(result).first()
            assert event.actor == chief and event.to_status == transition.target
            assert event.from_status == status
            published_copy = record.is_working_copy and transition.target == S.PUBLISHED
            assert event.comment == ("Substantive update." if published_copy else comment_for(name))


@pytest.mark.parametrize("name", [name for name, rule in POLICY.items() if rule[3]])
@pytest.mark.parametrize("comment", ["", "   \n\t"])
def test_transitions_that_need_a_reason_refuse_an_empty_comment(name, comment, chief):
    record = records_for(name, sorted(TRANSITIONS[name].sources)[0])[0]
    before, events = state_of(record), events_of(record)
    with pytest.raises(WorkflowError, match="Add a comment"):
        perform(record, name, chief, comment)
    assert (state_of(record), events_of(record)) == (before, events)


def test_a_comment_with_a_nul_byte_is_refused_not_stored(chief):
    record = condition_in(S.PUBLISHED)
    with pytest.raises(WorkflowError, match="NUL"):
        perform(record, "unpublish", chief, "Withdrawn\x00 for now.")
    assert state_of(record)[0] == S.PUBLISHED


def test_an_unknown_transition_is_refused_in_words(chief):
    record = condition_in(S.DRAFT)
    with pytest.raises(WorkflowError, match="no workflow action called"):
        perform(record, "publish_now", chief)
    assert state_of(record)[0] == S.DRAFT


@pytest.mark.parametrize("name", TRANSITIONS)
@pytest.mark.parametrize("role", [EDITORS, REVIEWERS, CLINICIANS])
def test_only_the_roles_the_policy_names_may_run_each_transition(name, role):
    user = member_of(role)
    profile_for(user, f"{role} member")
    record = records_for(name, sorted(TRANSITIONS[name].sources)[0])[0]
    before, events = state_of(record), events_of(record)
    if role in POLICY[name][2]:
        assert perform(record, name, user, comment_for(name)).status == TRANSITIONS[name].target
    else:
        with pytest.raises(PermissionDenied):
            perform(record, name, user, comment_for(name))
        assert (state_of(record), events_of(record)) == (before, events)


@pytest.mark.parametrize("role", [EDITORS, REVIEWERS, CLINICIANS])
def test_the_admin_offers_each_transition_exactly_where_the_policy_allows_it(role):
    """The review bar's buttons (``available_to``): only from the policy's states, on its records, to its roles."""
    user = member_of(role)
    for status in S:
        for copy in (False, True):
            record = condition_in(status, copy=copy)
            if record is None:
                continue
            offered = {name for name, transition in TRANSITIONS.items() if transition.available_to(user, record)}
            allowed = {
                name
                for name, (sources, _, roles, _, whom) in POLICY.items()
                if status in sources and role in roles and whom in ("both", "copies" if copy else "originals")
            }
            assert offered == allowed, (role, status, copy)


# --- What a reader may see ----------------------------------------------------------------------------------------


def test_readers_see_only_published_records_whose_time_has_come():
    minute = datetime.timedelta(minutes=1)
    now = timezone.now()
    shown = {}
    for status in S:
        for label, when in [("past", now - minute), ("future", now + minute)]:
            shown[(status, label)] = condition_in(status, published_at=when) or condition_in(
                status, copy=True, published_at=when
            )
    visible = set(Condition.objects.published().values_list("pk", flat=True))
    originals_of_copies = {record.draft_of_id for record in shown.values() if record.is_working_copy}
    assert visible - originals_of_copies == {shown[(S.PUBLISHED, "past")].pk}
    assert [record.is_live for record in shown.values()].count(True) == 1
    assert shown[(S.PUBLISHED, "past")].is_live and not shown[(S.PUBLISHED, "future")].is_live


def test_a_record_published_at_this_very_moment_is_live():
    now = timezone.now()
    record = condition_in(S.PUBLISHED, published_at=now)
    assert Condition.objects.filter(is_published(now), pk=record.pk).exists()
    assert not Condition.objects.filter(is_published(now - datetime.timedelta(microseconds=1)), pk=record.pk).exists()


# --- Publishing: what it checks, and whom it names -------------------------------------------------------------


# Pages cite originals, and only a working copy is ever scheduled.
NOT_LIVE = [status for status in S if status not in (S.PUBLISHED, S.SCHEDULED)] + ["published later"]


@pytest.mark.parametrize("source_state", NOT_LIVE)
def test_a_page_is_not_published_while_a_source_it_cites_is_not_live(source_state, chief):
    """
    Drafts, sources in review, sent back, checked but unpublished, scheduled, withdrawn or archived alike. A checked
    source at the page's own step is one that was live before (unpublished, then checked again): it returns through
    its own publication. A first version there goes live with the page (the next test).
    """
    if source_state == "published later":
        source = SourceFactory(published_at=timezone.now() + datetime.timedelta(days=2))
    elif source_state in TRANSITIONS["publish"].sources:
        source = SourceFactory(status=source_state, published_at=timezone.now() - datetime.timedelta(days=30))
    else:
        source = SourceFactory(status=source_state, published_at=None)
    article = ArticleFactory(status=S.FACT_CHECKED, published_at=None)
    CitationFactory(record=article, source=source)
    with pytest.raises(WorkflowError, match="Publish these first") as refused:
        perform(article, "publish", chief)
    assert source.title in str(refused.value)
    assert Article.objects.get(pk=article.pk).status == S.FACT_CHECKED
    assert not Article.objects.published().filter(pk=article.pk).exists()


@pytest.mark.parametrize("source_state", TRANSITIONS["publish"].sources)
def test_a_new_source_checked_as_far_as_the_page_goes_live_with_it(source_state, chief):
    source = SourceFactory(status=source_state, published_at=None)
    article = ArticleFactory(status=S.FACT_CHECKED, published_at=None)
    CitationFactory(record=article, source=source)

    assert perform(article, "publish", chief).status == S.PUBLISHED
    assert set(Source.objects.published()) == {source}
    assert ReviewEvent.objects.for_object(source).get().to_status == S.PUBLISHED


def test_a_page_citing_only_live_sources_is_published(chief):
    article = ArticleFactory(status=S.FACT_CHECKED, published_at=None)
    CitationFactory(record=article, source=SourceFactory())
    assert perform(article, "publish", chief).status == S.PUBLISHED
    assert Source.objects.published().count() == 1


def fact_checked_new_version(original, editor, checker, **changes):
    copy = start_new_version(original, editor)
    for field, value in changes.items():
        setattr(copy, field, value)
    copy.last_edited_by = editor
    copy.save()
    copy = perform(copy, "submit", editor)
    return perform(copy, "fact_check", checker, "Checked.")


def test_publishing_a_new_version_names_who_checked_that_version(client):
    editor = member_of(EDITORS)
    first, second, clinician = member_of(REVIEWERS, "first"), member_of(REVIEWERS, "second"), member_of(CLINICIANS)
    first_profile, second_profile = profile_for(first, "Fiona First"), profile_for(second, "Sean Second")
    profile_for(clinician, "Cleo Clinician")
    original = condition_in(S.DRAFT, created_by=editor)
    original = perform(original, "submit", editor)
    original = perform(original, "fact_check", first, "Checked.")
    original = perform(original, "medically_review", clinician, "Reviewed.")
    original = perform(original, "publish", first)
    assert (original.fact_checker, original.medical_reviewer.name) == (first_profile, "Cleo Clinician")

    copy = fact_checked_new_version(original, editor, second, summary="What changed in this version.")
    published = perform(copy, "publish", second)

    published.refresh_from_db()
    assert published.pk == original.pk and published.summary == "What changed in this version."
    assert published.fact_checker == second_profile
    assert published.last_reviewed_on == timezone.localdate()
    # The clinician reviewed the earlier version, not this one: readers must not see their name on it.
    assert published.medical_reviewer is None and published.medically_reviewed_on is None
    page = client.get(published.get_absolute_url()).content.decode()
    assert "Sean Second" in page and "Fiona First" not in page and "Cleo Clinician" not in page


def test_a_medical_review_of_an_earlier_version_is_not_carried_onto_a_later_one(chief):
    article = ArticleFactory(status=S.IN_REVIEW, published_at=None, kind=required_kind())
    clinician = member_of(CLINICIANS)
    profile_for(clinician, "Cleo Clinician")
    article = perform(article, "fact_check", chief, "Checked.")
    article = perform(article, "medically_review", clinician, "Reviewed.")
    article = perform(article, "request_changes", chief, "One more fix.")
    article.lock_version += 1  # the editor's fix, as the admin saves it
    article.save()
    article = perform(article, "submit", chief)
    article = perform(article, "fact_check", chief, "Checked again.")
    with pytest.raises(WorkflowError, match="medically reviewed"):
        perform(article, "publish", chief)


def required_kind():
    from review.models import MedicalReview

    kinds = [kind for kind, rule in Article.medical_review_by_kind.items() if rule == MedicalReview.REQUIRED]
    assert kinds, "some article kind requires a medical review"
    return kinds[0]


def test_a_kind_that_requires_a_medical_review_is_not_published_on_a_fact_check_alone(chief):
    article = ArticleFactory(status=S.FACT_CHECKED, published_at=None, kind=required_kind())
    with pytest.raises(WorkflowError, match="medically reviewed"):
        perform(article, "publish", chief)
    assert Article.objects.get(pk=article.pk).status == S.FACT_CHECKED


def test_publish_is_offered_only_once_a_required_medical_review_is_done(chief):
    """The admin offers what ``available_to`` allows: not "Publish" while the clinician has yet to review."""
    article = ArticleFactory(status=S.IN_REVIEW, published_at=None, kind=required_kind())
    article = perform(article, "fact_check", chief, "Checked.")
    assert not TRANSITIONS["publish"].available_to(chief, article)
    assert TRANSITIONS["request_changes"].available_to(chief, article)  # only publishing waits
    clinician = member_of(CLINICIANS)
    profile_for(clinician, "Cleo Clinician")
    article = perform(article, "medically_review", clinician, "Reviewed.")
    assert TRANSITIONS["publish"].available_to(chief, article)


def test_a_publication_time_in_the_past_is_refused_but_a_minute_ago_is_not(chief):
    stale = condition_in(S.FACT_CHECKED)
    with pytest.raises(WorkflowError, match="in the past"):
        perform(stale, "publish", chief, at=timezone.now() - PAST_TOLERANCE - datetime.timedelta(minutes=1))
    assert state_of(stale)[0] == S.FACT_CHECKED
    recent = condition_in(S.FACT_CHECKED)
    assert perform(recent, "publish", chief, at=timezone.now() - datetime.timedelta(minutes=1)).is_live


def test_a_new_version_published_for_later_waits_and_goes_live_at_its_time(chief, django_user_model):
    editor = member_of(EDITORS)
    original = condition_in(S.PUBLISHED, summary="The reviewed summary.")
    copy = fact_checked_new_version(original, editor, chief, summary="The next summary.")
    at = timezone.now() + datetime.timedelta(hours=2)
    scheduled = perform(copy, "publish", chief, at=at)
    assert scheduled.status == S.SCHEDULED and scheduled.pk == copy.pk
    assert publish_due(now=at - datetime.timedelta(minutes=1)) == []
    assert Condition.objects.published().get(pk=original.pk).summary == "The reviewed summary."
    published = publish_due(now=at)
    assert [record.pk for record in published] == [original.pk]
    assert Condition.objects.published().get(pk=original.pk).summary == "The next summary."
    assert not Condition.objects.filter(pk=copy.pk).exists()


# --- Separation of duties -------------------------------------------------------------------------------------


def test_who_edited_since_the_last_publication_may_not_fact_check_but_earlier_editors_may():
    creator, before, since, last = (member_of(EDITORS, name) for name in ["creator", "before", "since", "last"])
    earlier, later = member_of(REVIEWERS, "earlier"), member_of(REVIEWERS, "later")
    for user in (earlier, later):
        profile_for(user, user.username.title())
    record = condition_in(S.IN_REVIEW, created_by=creator, last_edited_by=last)
    long_ago = timezone.now() - datetime.timedelta(days=30)
    event = record_event(record, before, "edit")
    ReviewEvent.objects.filter(pk=event.pk).update(created_at=long_ago)
    for reviewer in (earlier,):
        event = record_event(record, reviewer, "edit")
        ReviewEvent.objects.filter(pk=event.pk).update(created_at=long_ago)
    event = record_event(record, earlier, "publish", "", S.FACT_CHECKED, S.PUBLISHED)
    ReviewEvent.objects.filter(pk=event.pk).update(created_at=long_ago + datetime.timedelta(days=1))
    record_event(record, since, "edit")
    record_event(record, later, "edit")

    assert record.review_conflicts() == {creator.pk, since.pk, later.pk, last.pk}
    with pytest.raises(PermissionDenied, match="someone else"):
        perform(record, "fact_check", later, "Checked.")
    assert perform(record, "fact_check", earlier, "Checked.").status == S.FACT_CHECKED


def test_nobody_fact_checks_their_own_article_or_their_own_profile():
    author_user, owner, newcomer = (member_of(REVIEWERS, name) for name in ["author", "owner", "newcomer"])
    author = profile_for(author_user, "Ada Author")
    article = ArticleFactory(status=S.IN_REVIEW, published_at=None, author=author)
    with pytest.raises(PermissionDenied, match="someone else"):
        perform(article, "fact_check", author_user, "Checked.")
    # A new version of one's own published profile, and one's first profile, alike.
    new_version = ContributorFactory(status=S.IN_REVIEW, published_at=None, draft_of=profile_for(owner, "Owen Owner"))
    first_profile = ContributorFactory(status=S.IN_REVIEW, published_at=None, user=newcomer, name="Nia Newcomer")
    for user, profile in [(owner, new_version), (newcomer, first_profile)]:
        with pytest.raises(PermissionDenied, match="someone else"):
            perform(profile, "fact_check", user, "Checked.")
        assert state_of(profile)[0] == S.IN_REVIEW
    assert perform(article, "fact_check", owner, "Checked.").status == S.FACT_CHECKED


def test_the_clinician_who_fact_checked_a_version_does_not_also_review_it_medically():
    both = member_of(REVIEWERS, "both")
    both.groups.add(Group.objects.get(name=CLINICIANS))
    profile_for(both, "Bo Both")
    record = condition_in(S.IN_REVIEW)
    record = perform(record, "fact_check", both, "Checked.")
    with pytest.raises(PermissionDenied, match="You fact-checked"):
        perform(record, "medically_review", both, "Reviewed.")
    assert FactCheck.objects.for_object(record).medical_reviews().count() == 0


# --- What an editor is told before the database refuses (Reviewed.clean) --------------------------------------


def names_no_two_originals_share(model):
    """``{field: message}`` of the database's rules that no two records (new versions aside) share a value."""
    return {
        constraint.fields[0]: constraint.violation_error_message
        for constraint in model._meta.constraints
        if isinstance(constraint, UniqueConstraint) and len(constraint.fields) == 1 and constraint.condition
    }


@pytest.mark.parametrize("field", names_no_two_originals_share(Condition))
def test_a_name_another_record_holds_is_explained_but_a_record_and_its_new_version_share_theirs(field):
    taken = condition_in(S.PUBLISHED)
    other = condition_in(S.DRAFT)
    setattr(other, field, getattr(taken, field))
    with pytest.raises(ValidationError) as refused:
        other.full_clean()
    message = names_no_two_originals_share(Condition)[field]
    assert refused.value.message_dict == {field: [f"{message} Choose another one."]}

    taken.full_clean()  # a record does not clash with itself
    new_version = start_new_version(taken, member_of(EDITORS))
    new_version.full_clean()  # nor a new version with the record it revises
    assert getattr(new_version, field) == getattr(taken, field)


def test_a_last_update_may_not_come_before_the_first_publication_but_a_new_versions_date_is_its_own():
    record = condition_in(S.PUBLISHED)
    first_day = timezone.localdate(record.published_at)
    record.last_updated = first_day - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        record.full_clean()
    assert refused.value.message_dict == {"last_updated": ["The last update cannot be before the first publication."]}
    record.last_updated = first_day
    record.full_clean()
    # A new version set to go live next week was last updated today: its publication time is not a first one.
    scheduled = condition_in(S.SCHEDULED, copy=True, last_updated=timezone.localdate())
    scheduled.full_clean()


def test_a_kinds_own_content_rules_are_explained_with_the_others():
    article = ArticleFactory(draft=True, funding_disclosure="  ")
    with pytest.raises(ValidationError) as refused:
        article.full_clean()
    assert list(refused.value.message_dict) == ["funding_disclosure"]


# --- Two editors at once: the edit lock (review.merging) -------------------------------------------------------

# Whose version of a part a save keeps, from the digests of the part as the form was opened (base), as saved
# since (theirs) and as submitted (mine; None when the editor's input did not validate), and the editor's choice
# once a conflict was shown.
LOCK_POLICY = [
    # base, theirs, mine, keep, saved
    ("a", "a", "a", None, None),  # nobody changed it
    ("a", "a", "b", None, MINE),  # only this editor did: their change is saved
    ("a", "b", "a", None, THEIRS),  # only the other editor did: it is never reverted
    ("a", "b", "b", None, None),  # both made the same change
    ("a", "b", "c", None, CONFLICT),  # both changed it differently: shown side by side
    ("a", "b", None, None, CONFLICT),  # the other changed it and this editor's input is invalid: shown, not lost
    ("a", "a", None, None, MINE),  # invalid input alone: the form refuses it with its message
    (None, "b", "c", None, CONFLICT),  # a base that does not know the part cannot say who changed it
    (None, "b", "b", None, None),
    ("a", "b", "c", THEIRS, THEIRS),  # "Keep theirs" after the conflict
    ("a", "b", "b", THEIRS, None),
    ("b", "b", "c", MINE, MINE),  # "Keep mine": the form was reshown on the saved version, so mine is the change
]


@pytest.mark.parametrize(("base", "theirs", "mine", "keep", "saved"), LOCK_POLICY)
def test_a_save_keeps_each_part_from_the_side_that_changed_it(base, theirs, mine, keep, saved):
    assert decide(base, theirs, mine, keep) == saved


class SummaryForm(forms.ModelForm):
    # Inputs that are not the record's fields (the admin's edit version, a choice) are passed over, wherever they sit.
    note = forms.CharField(required=False)

    class Meta:
        model = Condition
        fields = ["note", "name", "summary", "overview", "related_conditions"]


def open_form(record):
    """What the editor's browser holds: the signed edit version of ``record`` as its form was opened."""
    return edit_version(record, SummaryForm(instance=record))


def test_the_edit_version_is_read_only_for_the_record_it_was_made_for():
    record, other = condition_in(S.DRAFT), condition_in(S.DRAFT)
    opened = open_form(record)
    assert read_edit_version(opened, record)["version"] == record.lock_version
    assert read_edit_version(opened, other) is None  # another record's form
    another_kind = {"record": "articles.article", "pk": record.pk, "version": record.lock_version, "parts": {}}
    assert read_edit_version(signing.dumps(another_kind, salt=SALT), record) is None
    for forged in ["", "not signed", opened[:-2] + "xx", signing.dumps(["parts"], salt=SALT)]:
        assert read_edit_version(forged, record) is None


def test_the_edit_version_holds_each_list_of_rows_so_a_change_to_them_is_seen():
    record = condition_in(S.DRAFT)
    before = read_edit_version(open_form(record), record)["parts"]
    ConditionCode.objects.create(condition=record, system=CodeSystem.ICD10CM, code="D69.3")
    after = read_edit_version(open_form(record), record)["parts"]
    assert before["codes"] != after["codes"]
    assert {name: digest for name, digest in before.items() if name != "codes"} == {
        name: digest for name, digest in after.items() if name != "codes"
    }


def saved_by_someone_else(record, **changes):
    """Another editor's save since ``record``'s form was opened."""
    colleague = member_of(EDITORS)
    colleague.first_name, colleague.last_name = "Lena", "Ortiz"
    colleague.save()
    same_time = Condition.objects.get(pk=record.pk)
    for name, value in changes.items():
        setattr(same_time, name, value)
    same_time.lock_version, same_time.last_edited_by = same_time.lock_version + 1, colleague
    same_time.save()
    return same_time


def save_with(record, opened, **typed):
    """Merge what an editor typed into the form opened as ``opened`` with the row as it is now."""
    shown = {"name": record.name, "summary": record.summary, "overview": record.overview}
    related = [condition.pk for condition in record.related_conditions.all()]
    form = SummaryForm({**shown, "related_conditions": related, **typed}, instance=record)
    form.is_valid()
    current = Condition.objects.get(pk=record.pk)
    return merge_form(form, dict(form.cleaned_data), current, read_edit_version(opened, current))


def test_a_save_based_on_an_older_version_keeps_the_change_saved_since_and_says_so():
    record = condition_in(S.DRAFT, name="Immune thrombocytopenia")
    opened = open_form(record)
    same_time = saved_by_someone_else(record, name="Immune thrombocytopenia (ITP)")

    form = SummaryForm(
        {"name": record.name, "summary": "Platelets are destroyed.", "overview": record.overview}, record
    )
    assert form.is_valid()
    cleaned = dict(form.cleaned_data)
    merge = merge_form(form, cleaned, Condition.objects.get(pk=record.pk), read_edit_version(opened, record))

    assert (merge.stale, merge.who, merge.when) == (True, "Lena Ortiz", same_time.modified_at)
    assert cleaned["name"] == "Immune thrombocytopenia (ITP)"  # the other editor's change is not reverted
    assert cleaned["summary"] == "Platelets are destroyed."
    assert (merge.kept_theirs, merge.kept_mine, merge.conflicts) == (["name"], ["short summary"], [])


def test_a_save_on_the_current_version_is_not_stale():
    record = condition_in(S.DRAFT)
    merge = save_with(record, open_form(record), summary="New words.")
    assert (merge.stale, merge.kept_theirs, merge.kept_mine, merge.conflicts) == (False, [], [], [])


def test_both_editors_changing_a_part_is_a_conflict_shown_side_by_side_not_a_silent_overwrite():
    record = condition_in(S.DRAFT)
    opened = open_form(record)
    saved_by_someone_else(record, summary="Their words.")
    merge = save_with(record, opened, summary="My words.")
    assert merge.stale
    [conflict] = merge.conflicts
    assert (conflict.name, conflict.label, conflict.named) == ("summary", "Short summary", "short summary")
    assert ("Their words." in str(conflict.theirs), "My words." in str(conflict.mine)) == (True, True)


def test_a_rich_text_conflict_is_shown_paragraph_by_paragraph():
    record = condition_in(S.DRAFT, overview="<p>Platelets help blood clot.</p><p>ITP lowers them.</p>")
    opened = open_form(record)
    saved_by_someone_else(record, overview="<p>Platelets help blood clot.</p><p>ITP lowers their number.</p>")
    merge = save_with(record, opened, overview="<p>Platelets help blood clot.</p><p>ITP destroys them.</p>")
    [conflict] = merge.conflicts
    theirs, mine = [line.text for line in conflict.theirs], [line.text for line in conflict.mine]
    assert theirs == ["Platelets help blood clot.", "ITP lowers their number."]
    assert mine == ["Platelets help blood clot.", "ITP destroys them."]


def test_related_conditions_both_changed_are_a_conflict_naming_each_condition():
    record = condition_in(S.DRAFT)
    theirs, mine = ConditionFactory(name="Kawasaki disease"), ConditionFactory(name="Myasthenia gravis")
    opened = open_form(record)
    saved_by_someone_else(record).related_conditions.set([theirs])
    merge = save_with(record, opened, related_conditions=[mine.pk])
    [conflict] = merge.conflicts
    assert [line.text for line in conflict.theirs] == [str(theirs)]  # by name, not by number
    assert [line.text for line in conflict.mine] == [str(mine)]


def test_an_invalid_entry_where_the_other_editor_changed_the_part_is_shown_as_typed():
    record = condition_in(S.DRAFT)
    opened = open_form(record)
    saved_by_someone_else(record, name="Their name")
    merge = save_with(record, opened, name="x" * 300)  # too long for the field: the form refuses it
    [conflict] = merge.conflicts
    assert conflict.name == "name" and "x" * 300 in str(conflict.mine) and "Their name" in str(conflict.theirs)


def test_keep_theirs_takes_the_saved_version_and_says_whose_change_it_kept():
    record = condition_in(S.DRAFT)
    opened = open_form(record)
    saved_by_someone_else(record, summary="Their words.", name="Their name")
    # After the conflict was shown, the editor keeps theirs for the summary and for the name, which they had left.
    merge = save_with(record, opened, summary="My words.", **{"keep-summary": THEIRS, "keep-name": THEIRS})
    assert (merge.conflicts, sorted(merge.kept_theirs)) == ([], ["name", "short summary"])


def test_keep_theirs_on_a_part_only_this_editor_changed_is_not_reported_as_their_change():
    record = condition_in(S.DRAFT)
    opened = open_form(record)
    saved_by_someone_else(record, name="Their name")
    merge = save_with(record, opened, summary="My words.", **{"keep-summary": THEIRS})
    assert merge.kept_theirs == ["name"]  # the summary went back to the saved one, which nobody else changed


# --- The guard: content changes only while its record is editable ----------------------------------------------

LOCKED = [status for status in S if status not in EDITABLE_STATUSES]
# An archived record, and its rows with it, may be deleted: no reader sees it and no reviewer is checking it.
DELETABLE = (*EDITABLE_STATUSES, S.ARCHIVED)


def article_in(status, **fields):
    """An article in ``status`` (a working copy where only one can be), with a condition and a citation."""
    published_at = {S.PUBLISHED: timezone.now() - datetime.timedelta(days=1)}.get(status)
    if status == S.SCHEDULED:
        fields.update(draft_of=ArticleFactory(), published_at=timezone.now() + datetime.timedelta(days=1))
    article = ArticleFactory(status=status, **{"published_at": published_at, **fields})
    with seeding():
        article.conditions.add(ConditionFactory())
        CitationFactory(record=article)
    return Article.objects.get(pk=article.pk)


def article_row(article):
    """What readers could be shown of ``article``, as the database holds it."""
    article = Article.objects.get(pk=article.pk)
    return (
        article.status,
        article.title,
        sorted(article.conditions.values_list("pk", flat=True)),
        sorted(article.citations.values_list("pk", "source_id", "position")),
        sorted(article.article_side_effects.values_list("pk", "side_effect_id")),
    )


def attempts(article):
    """Every way code could change an article's content past the workflow, each a function of no arguments."""
    other = ConditionFactory()
    citation = article.citations.get()

    def edit_title():
        article.title = "A title nobody reviewed"
        article.save()

    def edit_title_only():
        article.title = "A title nobody reviewed"
        article.save(update_fields=["title"])

    def move_citation_away():
        citation.record = ArticleFactory(draft=True)
        citation.save()

    def move_citation_here():
        with seeding():
            elsewhere = CitationFactory(record=ArticleFactory(draft=True))
        elsewhere.record = article
        elsewhere.save()

    def move_side_effect_here():
        with seeding():
            link = ArticleSideEffectFactory(article=ArticleFactory(draft=True))
        link.article = article
        link.save()

    def change_citation():
        citation.position += 5
        citation.save()

    return {
        "edit a field": edit_title,
        "edit a field with update_fields": edit_title_only,
        "add a many-to-many link": lambda: article.conditions.add(other),
        "remove a many-to-many link": lambda: article.conditions.remove(article.conditions.get()),
        "clear the many-to-many links": lambda: article.conditions.clear(),
        "set the many-to-many links": lambda: article.conditions.set([other]),
        "link from the other side": lambda: other.articles.add(article),
        "clear from the other side": lambda: article.conditions.get().articles.clear(),
        "add a child row": lambda: CitationFactory._meta.model.objects.create(
            record=article, source=SourceFactory(), position=9
        ),
        "change a child row": change_citation,
        "move a child row away": move_citation_away,
        "move a child row here": move_citation_here,
        "move a side-effect link here": move_side_effect_here,
        "delete a child row": lambda: citation.delete(),
        "change the state by saving": lambda: (setattr(article, "status", S.DRAFT), article.save()),
    }


@pytest.mark.parametrize("status", LOCKED)
def test_no_write_past_the_workflow_changes_a_record_that_is_not_editable(status):
    article = article_in(status)
    for label in attempts(article):
        if label == "delete a child row" and status in DELETABLE:
            continue
        article = Article.objects.get(pk=article.pk)
        before = article_row(article)
        with pytest.raises(NotEditable) as refused, transaction.atomic():
            attempts(article)[label]()
            pytest.fail(f"{label} went through on a record that is {status}")  # not reached when refused
        assert article_row(article) == before, label
        if label != "change the state by saving":
            assert WAY_OUT[status] in " ".join(refused.value.messages), label


@pytest.mark.parametrize("status", EDITABLE_STATUSES)
def test_the_same_writes_go_through_while_the_record_is_editable(status):
    for label in attempts(article_in(status)):
        if label == "change the state by saving":
            continue
        article = article_in(status)
        before = article_row(article)
        attempts(article)[label]()
        assert article_row(article) != before or label.startswith("edit"), label
        assert Article.objects.get(pk=article.pk).status == status


@pytest.mark.parametrize("status", S)
def test_a_record_is_deleted_only_from_a_state_no_reader_or_reviewer_depends_on(status):
    article = article_in(status)
    if status in DELETABLE:
        article.delete()
        assert not Article.objects.filter(pk=article.pk).exists()
    else:
        with pytest.raises(NotEditable), transaction.atomic():
            article.delete()
        assert Article.objects.filter(pk=article.pk).exists()


@pytest.mark.parametrize("status", S)
def test_a_new_record_starts_as_a_draft(status):
    record = Condition(name="New condition", slug="new-condition", abbreviation="NC", status=status)
    if status in EDITABLE_STATUSES:
        record.save()
        assert Condition.objects.filter(pk=record.pk).exists()
    else:
        with pytest.raises(NotEditable, match="starts as a draft"):
            record.save()
        assert not Condition.objects.filter(slug="new-condition").exists()


# What a refusal tells the editor to do instead, by the state the record is in.
WAY_OUT = {
    S.IN_REVIEW: "Withdraw it from review",
    S.FACT_CHECKED: "Request changes",
    S.MEDICALLY_REVIEWED: "Request changes",
    S.SCHEDULED: "Cancel the scheduled publication",
    S.PUBLISHED: "Edit as a new version",
    S.ARCHIVED: "Reopen it as a draft",
}


@pytest.mark.parametrize("status", LOCKED)
def test_a_refused_edit_names_the_state_and_the_way_out(status):
    article = article_in(status)
    article.title = "A title nobody reviewed"
    with pytest.raises(NotEditable) as refused:
        article.save()
    message = " ".join(refused.value.messages)
    assert f"is {S(status).label.lower()}, so its content cannot change" in message
    assert WAY_OUT[status] in message


@pytest.mark.parametrize("status", S)
def test_the_version_an_editor_changes_is_the_record_its_new_version_or_none(status):
    editor = member_of(EDITORS)
    article = article_in(status)
    if status in EDITABLE_STATUSES:
        assert version_to_edit(article, editor).pk == article.pk
    elif status == S.PUBLISHED:
        copy = version_to_edit(article, editor)
        assert copy.draft_of_id == article.pk and copy.status == S.DRAFT
        assert version_to_edit(article, editor).pk == copy.pk  # the same new version, not a second one
        perform(copy, "submit", editor)
        with pytest.raises(NotEditable, match="already has a new version that is in review"):
            version_to_edit(article, editor)
    else:
        with pytest.raises(NotEditable) as refused:
            version_to_edit(article, editor)
        assert WAY_OUT[status] in " ".join(refused.value.messages)
    assert state_of(article)[0] == status


def test_only_editors_get_a_version_to_edit():
    for role in (REVIEWERS, CLINICIANS):
        with pytest.raises(PermissionDenied):
            version_to_edit(article_in(S.DRAFT), member_of(role))


# --- The lists staff work from --------------------------------------------------------------------------------


def test_each_queue_lists_exactly_the_records_in_its_state():
    editor, other = member_of(EDITORS), member_of(EDITORS, "other")
    now, today = timezone.now(), timezone.localdate()
    made = {}
    for status in S:
        for copy in (False, True):
            record = condition_in(status, copy=copy, created_by=editor)
            if record is not None:
                made[(status, copy)] = record
    later = condition_in(S.PUBLISHED, published_at=now + datetime.timedelta(days=3))
    overdue = condition_in(S.PUBLISHED, next_review_due=today - datetime.timedelta(days=1))
    flagged = condition_in(S.PUBLISHED, next_review_due=today + datetime.timedelta(days=90), review_reason="Retracted.")
    fresh = condition_in(S.PUBLISHED, next_review_due=today + datetime.timedelta(days=90))
    due_copy = condition_in(S.SCHEDULED, copy=True, published_at=now - datetime.timedelta(minutes=1))

    def pks(queryset):
        return set(queryset.values_list("pk", flat=True))

    objects = Condition.objects
    copies = {record.pk for (status, copy), record in made.items() if copy} | {due_copy.pk}
    assert pks(objects.working_copies()) == copies
    assert pks(objects.originals()) == pks(objects.all()) - copies
    assert pks(objects.scheduled()) == {made[(S.SCHEDULED, True)].pk, due_copy.pk, later.pk}
    assert pks(objects.due()) == {due_copy.pk}
    assert pks(objects.due(now + datetime.timedelta(days=2))) == {due_copy.pk, made[(S.SCHEDULED, True)].pk}
    assert pks(objects.overdue_for_review()) == {overdue.pk, flagged.pk}
    assert fresh.pk not in pks(objects.overdue_for_review())
    mine = {record.pk for (status, copy), record in made.items() if status in EDITABLE_STATUSES}
    assert pks(objects.drafts_of(editor)) == mine
    assert pks(objects.drafts_of(other)) == set()


@pytest.mark.parametrize("role", [None, EDITORS, REVIEWERS, CLINICIANS])
def test_staff_who_may_view_a_model_preview_every_original_and_readers_see_what_is_published(role):
    drafts = [condition_in(status) for status in (S.DRAFT, S.IN_REVIEW, S.FACT_CHECKED, S.ARCHIVED)]
    live = condition_in(S.PUBLISHED)
    copy = condition_in(S.DRAFT, copy=True)
    user = member_of(role) if role else django_anonymous()
    visible = set(Condition.objects.visible_to(user).values_list("pk", flat=True))
    if role:  # every role views content
        assert visible == {record.pk for record in drafts} | {live.pk, copy.draft_of_id}
    else:
        assert visible == {live.pk, copy.draft_of_id}
    staff_without_view = member_of(EDITORS, "no-view")
    staff_without_view.groups.clear()
    assert set(Condition.objects.visible_to(staff_without_view).values_list("pk", flat=True)) == {
        live.pk,
        copy.draft_of_id,
    }


def django_anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_each_published_new_version_is_recorded_as_a_new_edit_version_with_who_and_why(chief):
    from reversion.models import Version

    editor = member_of(EDITORS)
    original = condition_in(S.PUBLISHED)
    versions = []
    for number in (1, 2):
        copy = fact_checked_new_version(original, editor, chief, summary=f"Summary of version {number}.")
        perform(copy, "publish", chief, f"Version {number}: clearer wording.")
        original.refresh_from_db()
        versions.append(original.lock_version)
        event = ReviewEvent.objects.for_object(original).first()
        assert (event.action, event.actor, event.comment) == (
            "publish_new_version",
            chief,
            f"Version {number}: clearer wording.",
        )
        revision = Version.objects.get_for_object(original).first().revision
        assert revision.user == chief
    # An editor's form opened on the record before a publication is then out of date (see review.merging).
    assert versions[1] == versions[0] + 1 and versions[0] >= 1


@pytest.mark.parametrize("substantive", [True, False])
def test_a_new_version_changes_the_last_updated_date_only_when_it_is_substantive(substantive, chief):
    editor = member_of(EDITORS)
    long_ago = timezone.localdate() - datetime.timedelta(days=40)
    original = condition_in(S.PUBLISHED, last_updated=long_ago)
    copy = fact_checked_new_version(original, editor, chief, summary="Reworded.")
    published = perform(copy, "publish", chief, substantive=substantive)
    published.refresh_from_db()
    assert published.last_updated == (timezone.localdate() if substantive else long_ago)


def test_the_workflow_tells_caches_and_partners_whenever_what_readers_see_changes(chief):
    """The page cache and the API's sync listen to this signal: a publication they miss is stale content."""
    from review.signals import reader_content_changed

    heard = []

    def listener(sender, record, **kwargs):
        heard.append((sender, record.pk))

    reader_content_changed.connect(listener)
    try:
        for name, transition in TRANSITIONS.items():
            if S.PUBLISHED not in (*transition.sources, transition.target):
                continue
            start = S.PUBLISHED if S.PUBLISHED in transition.sources else sorted(transition.sources)[0]
            for record in records_for(name, start):
                heard.clear()
                result = perform(record, name, chief, comment_for(name))
                assert (Condition, result.pk) in heard, name
        heard.clear()
        copy = fact_checked_new_version(condition_in(S.PUBLISHED), member_of(EDITORS), chief, summary="New.")
        original = perform(copy, "publish", chief)
        assert (Condition, original.pk) in heard
    finally:
        reader_content_changed.disconnect(listener)


def test_pages_a_new_version_stops_showing_are_rendered_again(client, chief):
    """A product's new version drops a condition: that condition's page must stop listing the product."""
    from review.rendering import render_published
    from tests.factories import ProductApprovalFactory, ProductFactory

    product, condition = ProductFactory(brand_name="Globulinex"), ConditionFactory()
    ProductApprovalFactory(product=product, condition=condition)
    render_published()
    assert "Globulinex" in client.get(condition.get_absolute_url()).content.decode()

    editor = member_of(EDITORS)
    copy = start_new_version(product, editor)
    copy.approvals.all().delete()
    copy = perform(copy, "submit", editor)
    copy = perform(copy, "fact_check", chief, "Checked.")
    perform(copy, "publish", chief)
    assert "Globulinex" not in client.get(condition.get_absolute_url()).content.decode()


@pytest.mark.parametrize("status", LOCKED)
@pytest.mark.parametrize("load", ["only", "defer"])
def test_a_record_loaded_without_its_state_is_still_guarded(status, load):
    """Code that loads only some fields (``only()``, ``defer()``) cannot slip an edit past the guard."""
    record = condition_in(status) or condition_in(status, copy=True)
    queryset = Condition.objects.only("id", "summary") if load == "only" else Condition.objects.defer("status")
    partial = queryset.get(pk=record.pk)
    partial.summary = "A summary nobody reviewed"
    with pytest.raises(NotEditable):
        partial.save()
    assert Condition.objects.get(pk=record.pk).summary != "A summary nobody reviewed"


@pytest.mark.parametrize("chosen_in_days", [None, 30, 500])
def test_publication_sets_the_next_review_a_year_on_or_sooner_if_the_editor_chose_sooner(
    chosen_in_days, chief, settings
):
    settings.REVIEW_PERIOD_MONTHS = 12
    today = timezone.localdate()
    chosen = today + datetime.timedelta(days=chosen_in_days) if chosen_in_days else None
    record = perform(condition_in(S.FACT_CHECKED, next_review_due=chosen), "publish", chief)
    record.refresh_from_db()
    assert record.last_reviewed_on == today
    if chosen_in_days == 30:  # a fast-moving topic: the editor's earlier date stands
        assert record.next_review_due == chosen
    else:  # the standard year; a later date than that is not allowed to stretch it
        assert 364 <= (record.next_review_due - today).days <= 366


@pytest.mark.parametrize("name", ["submit", "archive"])
def test_a_copy_loaded_before_a_transition_cannot_save_over_it(name, chief):
    """Loaded while a draft, saved after a submit (or an archive) elsewhere: its words must not land unreviewed."""
    record = condition_in(S.DRAFT)
    stale = Condition.objects.get(pk=record.pk)
    perform(Condition.objects.get(pk=record.pk), name, chief, comment_for(name))
    stale.summary = "Unreviewed words"
    with pytest.raises(NotEditable, match="since you opened it"):
        stale.save()
    now = Condition.objects.get(pk=record.pk)
    assert (now.status, now.summary) == (TRANSITIONS[name].target, record.summary)


def test_a_copy_reloaded_after_a_transition_is_judged_by_the_state_it_now_holds(chief):
    """After ``refresh_from_db()`` the copy is current: it is not told to reload, only what its new state allows."""
    record = condition_in(S.DRAFT)
    copy = Condition.objects.get(pk=record.pk)
    perform(Condition.objects.get(pk=record.pk), "submit", member_of(EDITORS))
    copy.refresh_from_db()
    copy.save()  # nothing changed: nothing to refuse
    copy.summary = "Unreviewed words"
    with pytest.raises(NotEditable, match="is in review, so its content cannot change here"):
        copy.save()
    assert Condition.objects.get(pk=record.pk).summary == record.summary


def test_a_medical_review_is_refused_for_a_kind_that_does_not_offer_one(chief):
    source = SourceFactory(status=S.FACT_CHECKED, published_at=None)
    assert source.medical_review_rule == ""  # sources are checked against the literature, not by a clinician
    with pytest.raises(WorkflowError, match="is not possible now"):
        perform(source, "medically_review", chief, "Reviewed.")
    assert Source.objects.get(pk=source.pk).status == S.FACT_CHECKED


@pytest.mark.parametrize(
    "profile", [None, {"is_fact_checker": False}, {"status": S.DRAFT, "published_at": None}, {"status": S.ARCHIVED}]
)
def test_only_a_live_fact_checker_profile_may_sign_a_fact_check(profile):
    """Readers are shown who checked each page: a login without a live fact-checker profile (or none) cannot sign."""
    user = member_of(REVIEWERS)
    if profile is not None:
        ContributorFactory(user=user, **{"is_fact_checker": True, **profile})
    record = condition_in(S.IN_REVIEW)
    with pytest.raises(WorkflowError, match="Readers are told who fact-checked"):
        perform(record, "fact_check", user, "Checked.")
    assert state_of(record)[0] == S.IN_REVIEW


# --- Versions of what readers are told, and the rules a record adds for who signs it ----------------------------


def test_a_first_publication_and_each_substantive_new_version_count_as_a_new_content_version(chief):
    """Translations are pinned to this count: a minor correction must not move it, a substantive change must."""
    editor = member_of(EDITORS)
    record = perform(perform(condition_in(S.DRAFT), "submit", editor), "fact_check", chief, "Checked.")
    assert perform(record, "publish", chief).content_version == 1
    minor = fact_checked_new_version(record, editor, chief, summary="Reworded.")
    assert perform(minor, "publish", chief, substantive=False).content_version == 1
    major = fact_checked_new_version(record, editor, chief, summary="New advice.")
    assert perform(major, "publish", chief).content_version == 2


@pytest.mark.parametrize("substantive", [True, False])
def test_a_scheduled_new_version_counts_when_it_goes_live_if_it_is_substantive(substantive, chief):
    editor = member_of(EDITORS)
    original = condition_in(S.PUBLISHED, content_version=3)
    copy = fact_checked_new_version(original, editor, chief, summary="Later.")
    later = timezone.now() + datetime.timedelta(hours=1)
    perform(copy, "publish", chief, at=later, substantive=substantive)
    assert Condition.objects.get(pk=original.pk).content_version == 3  # readers still read version 3
    publish_due(now=later + datetime.timedelta(seconds=1))
    assert Condition.objects.get(pk=original.pk).content_version == (4 if substantive else 3)


@pytest.mark.parametrize("name", ["fact_check", "medically_review"])
def test_a_record_that_names_who_may_sign_it_is_refused_to_anyone_else(name, chief):
    """A translation is signed only by someone who reads its language (``Reviewed.sign_off_problem``)."""
    from tests.factories import TranslationFactory

    state = S.IN_REVIEW if name == "fact_check" else S.FACT_CHECKED
    translation = TranslationFactory(status=state, published_at=None)
    with pytest.raises(PermissionDenied, match="reads Spanish"):
        perform(translation, name, chief, "Checked.")  # Chris reads English only
    assert type(translation).objects.get(pk=translation.pk).status == state
    with seeding():
        chief.contributor.languages = ["en", "es"]
        chief.contributor.save()
    assert perform(translation, name, chief, "Checked.").status == TRANSITIONS[name].target


def test_a_record_that_says_it_is_not_ready_is_not_submitted():
    """A translation missing a part the English has (``Reviewed.submit_problem``) stays with its editor."""
    from tests.factories import TranslationFactory

    editor = member_of(EDITORS)
    translation = TranslationFactory(status=S.DRAFT, published_at=None, text={"title": "Solo el título"})
    with pytest.raises(WorkflowError, match="Missing"):
        perform(translation, "submit", editor)
    assert type(translation).objects.get(pk=translation.pk).status == S.DRAFT


@pytest.mark.parametrize("substantive", [True, False])
def test_an_original_counts_its_first_publication_and_a_substantive_return(substantive, chief):
    editor = member_of(EDITORS)
    record = perform(perform(condition_in(S.DRAFT), "submit", editor), "fact_check", chief, "Checked.")
    record = perform(record, "publish", chief, substantive=substantive)
    assert record.content_version == 1  # a first publication always counts
    record = perform(record, "unpublish", chief, "Checking a dose.")
    record = perform(perform(record, "submit", editor), "fact_check", chief, "Checked again.")
    record = perform(record, "publish", chief, substantive=substantive)
    assert record.content_version == (2 if substantive else 1)


def test_publishing_the_checked_version_clears_the_reason_it_was_flagged(chief):
    from review.workflow import flag_for_review

    editor = member_of(EDITORS)
    original = flag_for_review(condition_in(S.PUBLISHED), "A cited source was retracted.")
    copy = fact_checked_new_version(original, editor, chief, summary="Without the retracted source.")
    perform(copy, "publish", chief)
    assert Condition.objects.get(pk=original.pk).review_reason == ""
    # Taken down and checked again, the record itself (no new version) is published without the old reason.
    original = flag_for_review(Condition.objects.get(pk=original.pk), "Another source was retracted.")
    original = perform(original, "unpublish", chief, "Checking the sources.")
    original = perform(perform(original, "submit", editor), "fact_check", chief, "Checked.")
    assert perform(original, "publish", chief).review_reason == ""


# --- The dates and words the workflow records for readers and reviewers -----------------------------------------


def last_event(record):
    return ReviewEvent.objects.for_object(record).first()


def test_a_first_publication_is_dated_when_it_goes_live_and_keeps_the_reviewers_words(chief):
    record = condition_in(S.FACT_CHECKED, last_updated=None)
    before = timezone.now()
    record = perform(record, "publish", chief, "Ready for readers.")
    assert before <= record.published_at <= timezone.now()
    assert record.last_updated == timezone.localdate(record.published_at)
    assert last_event(record).comment == "Ready for readers."


@pytest.mark.parametrize("substantive", [True, False])
def test_a_page_back_from_unpublished_keeps_its_first_publication_and_says_when_it_last_changed(substantive, chief):
    first = timezone.now() - datetime.timedelta(days=10)
    record = condition_in(S.UNPUBLISHED, published_at=first, last_updated=timezone.localdate(first))
    record = perform(perform(record, "submit", member_of(EDITORS)), "fact_check", chief, "Checked again.")
    record = perform(record, "publish", chief, substantive=substantive)
    assert record.published_at == first
    assert record.last_updated == (timezone.localdate() if substantive else timezone.localdate(first))


@pytest.mark.parametrize("substantive", [True, False])
def test_a_new_version_set_for_later_is_dated_that_day_only_if_it_is_substantive(substantive, chief):
    original = condition_in(S.PUBLISHED, last_updated=timezone.localdate() - datetime.timedelta(days=30))
    copy = fact_checked_new_version(original, member_of(EDITORS), chief, summary="Reworded.")
    at = timezone.now() + datetime.timedelta(days=7)
    scheduled = perform(copy, "publish", chief, "Goes live with the guideline.", at=at, substantive=substantive)
    assert scheduled.status == S.SCHEDULED
    assert scheduled.last_updated == (timezone.localdate(at) if substantive else original.last_updated)
    assert last_event(scheduled).comment == "Goes live with the guideline."


def test_a_fact_check_dates_the_review_and_keeps_the_reviewers_notes_in_the_history(chief):
    record = condition_in(S.IN_REVIEW, last_reviewed_on=None)
    record = perform(record, "fact_check", chief, "Doses checked against the 2024 guideline.")
    assert record.last_reviewed_on == timezone.localdate()
    assert last_event(record).comment == "Doses checked against the 2024 guideline."


def test_pages_are_overdue_for_review_as_of_the_day_asked():
    due = timezone.localdate() + datetime.timedelta(days=10)
    record = condition_in(S.PUBLISHED, next_review_due=due)
    assert record not in Condition.objects.overdue_for_review()
    assert record in Condition.objects.overdue_for_review(today=due + datetime.timedelta(days=1))


def test_whoever_the_history_says_created_a_record_may_not_fact_check_it(chief):
    author = member_of(REVIEWERS)
    profile_for(author, "Ada Author")
    record = condition_in(S.DRAFT)
    record_event(record, author, "create")  # created through an import, say: the history alone names them
    record = perform(record, "submit", member_of(EDITORS))
    with pytest.raises(PermissionDenied):
        perform(record, "fact_check", author, "Checked.")
    assert state_of(record)[0] == S.IN_REVIEW
