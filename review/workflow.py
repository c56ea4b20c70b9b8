"""
The review workflow for every reviewed model: one table of transitions and one function,
:func:`perform`, that runs any of them.

Draft → In review → Fact-checked → (Medically reviewed →) Published, with "Changes requested" back to
the editor, "Withdraw" back to draft, and Unpublished / Archived. :func:`perform` locks the row, checks
the actor's permission for that model (``<app>.<action>_<model>``), the state, the comment and the
transition's own rule (separation of duties, a profile to credit, live dependencies, a sane time),
applies it in one transaction and records a :class:`~review.models.ReviewEvent`. Admin buttons,
bulk actions, commands and tests all go through it: the checks live here, not in the admin.
The medical review is offered, or required before publication, as each model (or article kind)
declares it (:class:`~review.models.MedicalReview`).

A published record is never edited in place. Editing it starts a *working copy* (a row of the same
model with ``draft_of`` set) that goes through the same review. Publishing the copy writes its
declared content onto the original in one transaction and deletes the copy, so readers keep the
last approved version until then and the reader path stays a plain ``published()`` filter. A copy
published for a later time waits as "Scheduled"; :func:`publish_due` puts it live at its time, called
by a middleware before any page is built (no cron job, no worker).
"""

import dataclasses
import datetime
import re
from contextvars import ContextVar
from dataclasses import dataclass

import reversion
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import dateformat, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.models import Version

from .content import FIELD, copy_content, dependencies, fetch_content, parts, reviewed_models, snapshot
from .guard import NotEditable, WorkflowError, advice, by_workflow, refusal
from .models import FactCheck, MedicalReview, ReviewEvent, Status, awaits_medical_review
from .rendering import pages_showing, refresh
from .signals import reader_content_changed

# How far in the past a publication time may be (a form filled in a minute ago), never more.
PAST_TOLERANCE = datetime.timedelta(minutes=5)
NEXT_DUE_KEY = "review:next-due"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple
    target: str
    action: str  # the permission: <app>.<action>_<model>
    needs_comment: bool = False
    originals_only: bool = False
    copies_only: bool = False
    medical: bool = False  # only for records whose kind offers a medical review

    def applies_to(self, obj):
        if self.originals_only and obj.is_working_copy:
            return False
        if self.medical and obj.medical_review_rule == MedicalReview.NOT_OFFERED:
            return False
        return not (self.copies_only and not obj.is_working_copy)

    def permission(self, obj):
        return f"{obj._meta.app_label}.{self.action}_{obj._meta.model_name}"

    def available_to(self, user, obj):
        if self.name == "publish" and awaits_medical_review(obj):  # perform() refuses it; the admin says why
            return False
        return obj.status in self.sources and self.applies_to(obj) and user.has_perm(self.permission(obj))


TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            "submit",
            gettext_lazy("Submit for review"),
            (Status.DRAFT, Status.CHANGES_REQUESTED, Status.UNPUBLISHED),
            Status.IN_REVIEW,
            "submit",
        ),
        Transition("withdraw", gettext_lazy("Withdraw from review"), (Status.IN_REVIEW,), Status.DRAFT, "submit"),
        Transition(
            "request_changes",
            gettext_lazy("Request changes"),
            (Status.IN_REVIEW, Status.FACT_CHECKED, Status.MEDICALLY_REVIEWED),
            Status.CHANGES_REQUESTED,
            "review",
            needs_comment=True,
        ),
        Transition(
            "fact_check", gettext_lazy("Mark as fact-checked"), (Status.IN_REVIEW,), Status.FACT_CHECKED, "fact_check"
        ),
        Transition(
            "medically_review",
            gettext_lazy("Mark as medically reviewed"),
            (Status.FACT_CHECKED,),
            Status.MEDICALLY_REVIEWED,
            "medically_review",
            medical=True,
        ),
        Transition(
            "publish",
            gettext_lazy("Publish"),
            (Status.FACT_CHECKED, Status.MEDICALLY_REVIEWED),
            Status.PUBLISHED,
            "publish",
        ),
        Transition(
            "cancel_schedule",
            gettext_lazy("Cancel the scheduled publication"),
            (Status.SCHEDULED,),
            Status.FACT_CHECKED,
            "publish",
            copies_only=True,
        ),
        Transition(
            "unpublish",
            gettext_lazy("Unpublish"),
            (Status.PUBLISHED,),
            Status.UNPUBLISHED,
            "publish",
            needs_comment=True,
            originals_only=True,
        ),
        Transition(
            "archive",
            gettext_lazy("Archive"),
            (Status.DRAFT, Status.CHANGES_REQUESTED, Status.PUBLISHED, Status.UNPUBLISHED),
            Status.ARCHIVED,
            "publish",
            needs_comment=True,
            originals_only=True,
        ),
        Transition(
            "reopen", gettext_lazy("Reopen as draft"), (Status.ARCHIVED,), Status.DRAFT, "submit", originals_only=True
        ),
    ]
}


def available_transitions(obj, user):
    return [transition for transition in TRANSITIONS.values() if transition.available_to(user, obj)]


def _describe(obj):
    return f"{obj._meta.verbose_name} “{obj}”"


def _locked(obj):
    """The record's current row, locked until the transaction ends, so two transitions cannot interleave."""
    return type(obj).objects.select_for_update().get(pk=obj.pk)


def record_event(obj, by, action, comment="", from_status="", to_status=""):
    return ReviewEvent.objects.create(
        record=obj,
        actor=by,
        action=action,
        from_status=from_status,
        to_status=to_status,
        comment=comment or "",
    )


@transaction.atomic
@by_workflow
def perform(obj, name, by, comment="", at=None, substantive=True):
    """
    Run transition ``name`` on ``obj`` for user ``by``; returns the record readers will see (after
    publishing a working copy, its original). ``at`` and ``substantive`` only matter to "publish":
    the publication time (now when empty) and whether readers are shown a new "Last updated" date.
    Raises PermissionDenied or :class:`WorkflowError` with a message for the editor.
    """
    transition = TRANSITIONS.get(name)
    obj = _locked(obj)
    comment = check_transition(obj, name, transition, by, comment)
    _take_along(obj, transition, by, comment, at)
    if name == "submit":
        _check_images_are_described(obj)
        problem = obj.submit_problem()
        if problem:
            raise WorkflowError(problem)
    if name == "fact_check":
        return _fact_check(obj, transition, by, comment)
    if name == "medically_review":
        return _medically_review(obj, transition, by, comment)
    if name == "publish":
        _check_medical_review(obj)
        return _publish(obj, transition, by, comment, at, substantive)
    if name == "cancel_schedule":
        forget_next_due()
        if current_medical_review(obj):  # back to the step it had reached
            transition = dataclasses.replace(transition, target=Status.MEDICALLY_REVIEWED)
    if name in ("unpublish", "archive"):
        return refresh(_move(obj, transition, by, comment))
    return _move(obj, transition, by, comment)


def check_transition(obj, name, transition, by, comment):
    """
    Refuse ``transition`` (named ``name``, None when there is none) on ``obj`` for ``by``, unless the actor has its
    permission for the model, the record is in one of its states and of its kind, and a comment says why where one
    is needed. Returns the comment, trimmed.
    """
    if transition is None:
        raise WorkflowError(_("There is no workflow action called “%(name)s”.") % {"name": name})
    if not by.has_perm(transition.permission(obj)):
        raise PermissionDenied(
            _("You do not have permission to %(action)s %(things)s.")
            % {"action": str(transition.label).lower(), "things": obj._meta.verbose_name_plural}
        )
    if obj.status not in transition.sources or not transition.applies_to(obj):
        raise WorkflowError(
            _("%(record)s is %(status)s; “%(action)s” is not possible now.")
            % {"record": capfirst(_describe(obj)), "status": obj.get_status_display().lower(),
               "action": transition.label}
        )  # fmt: skip
    comment = (comment or "").strip()
    if transition.needs_comment and not comment:
        raise WorkflowError(_("Add a comment that says why."))
    if "\x00" in comment:
        raise WorkflowError(_("The comment contains a character that cannot be stored (a NUL byte). Remove it."))
    return comment


# --- New records an edit brings with it go through review with it ------------------------------------------

# The steps a new record takes together with the record that shows it (an article and the sources imported
# for it): submitting, fact-checking, a required medical review, publishing, and the ways back to the editor.
TAKEN_ALONG = ("submit", "withdraw", "request_changes", "fact_check", "medically_review", "publish")
_along = ContextVar("review_taken_along", default=None)


def companions(obj, transition=None):
    """
    The new records ``obj`` shows that go through review with it: first versions (never published, not a new
    version of a published record) at the same step as ``obj``, or at the step ``transition`` starts from. A
    source imported for an article, a new contributor or side effect it names. Each is still checked and
    recorded on its own; this only spares the editor and the reviewer a round per record.
    """
    sources = transition.sources if transition is not None else (obj.status,)
    return [record for record in dependencies(fetch_content(obj)) if _goes_along(record, sources)]


def _goes_along(record, states):
    """Whether ``record`` is a first version (never published, not a new version) in one of ``states``."""
    return not record.is_working_copy and record.published_at is None and record.status in states


# The steps a record still takes from each state on its way to readers, as far as its publication.
STEPS_AHEAD = {
    Status.DRAFT: ("submit", "fact_check", "publish"),
    Status.CHANGES_REQUESTED: ("submit", "fact_check", "publish"),
    Status.IN_REVIEW: ("fact_check", "publish"),
    Status.FACT_CHECKED: ("publish",),
    Status.MEDICALLY_REVIEWED: ("publish",),
}


def reviewed_along(obj, waiting):
    """
    ``(along, first)``: of the records ``obj`` shows that readers cannot see yet (``waiting``, as
    :func:`unpublished_dependencies` lists them), those one of the steps ahead of ``obj`` takes with it
    (:func:`companions`), and the others, which must be published first.
    """
    states = {state for name in STEPS_AHEAD.get(obj.status, ()) for state in TRANSITIONS[name].sources}
    along = [record for record in waiting if _goes_along(record, states)]
    return along, [record for record in waiting if record not in along]


def _take_along(obj, transition, by, comment, at):
    """
    Run ``transition`` on ``obj``'s :func:`companions` first, through :func:`perform` with every check it makes
    (permission, separation of duties, a profile to credit). One that ``by`` may not move stays where it is, and
    the publish check then names it; one refused for any other reason refuses the whole step, saying which.
    """
    if transition.name not in TAKEN_ALONG:
        return
    seen, token = _along.get(), None
    if seen is None:  # the record the user acted on: the records taken along share its set
        seen = set()
        token = _along.set(seen)
    seen.add((type(obj), obj.pk))
    moved = False
    try:
        for record in companions(obj, transition):
            if (type(record), record.pk) in seen or not transition.available_to(by, record):
                continue
            if transition.name == "medically_review" and not record.needs_medical_review:
                continue
            seen.add((type(record), record.pk))
            note = _("Together with %(record)s.") % {"record": _describe(obj)}
            note = f"{note} {comment}" if comment else note
            try:
                perform(record, transition.name, by, note, at=at)
            except (WorkflowError, PermissionDenied) as error:
                reason = " ".join(getattr(error, "messages", None) or [str(error)])
                raise WorkflowError(
                    _("%(record)s goes through review with %(obj)s, and it could not: %(reason)s")
                    % {"record": capfirst(_describe(record)), "obj": _describe(obj), "reason": reason}
                ) from error
            moved = True
    finally:
        if token is not None:
            _along.reset(token)
    if moved:  # what ``obj`` has loaded of them is out of date now: its own checks read them again
        obj._prefetched_objects_cache = {}
        obj._state.fields_cache = {}


_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'\b([a-z-]+)\s*=\s*"([^"]*)"', re.IGNORECASE)


def undescribed_images(obj):
    """
    ``[(part label, image file name), ...]`` for the images in ``obj``'s rich text that have no description
    (``alt`` text) and are not marked as decorative (``role="presentation"``). An image is named by the file name
    its uploader chose, where the upload recorded it, else by the last part of its address.
    """
    from html import unescape
    from urllib.parse import unquote

    from .uploads import chosen_names

    found = []
    for part in parts(type(obj)):
        if part.kind != FIELD or not part.is_rich_text:
            continue
        for tag in _IMAGE.findall(getattr(obj, part.name) or ""):
            attributes = {name.lower(): unescape(value) for name, value in _ATTRIBUTE.findall(tag)}
            if attributes.get("alt", "").strip() or attributes.get("role") == "presentation":
                continue
            found.append((part.label, attributes.get("src", "")))
    chosen = chosen_names({address for _label, address in found})
    return [
        (label, chosen.get(address) or unquote(address.rsplit("/", 1)[-1]) or _("an image")) for label, address in found
    ]


def _check_images_are_described(obj):
    missing = undescribed_images(obj)
    if missing:
        raise WorkflowError(
            _("Describe every image before submitting: %(images)s has no description (alt text). In the editor, "
              "double-click the image and fill in “Alternative text”; if it is purely decorative, mark it "
              "role=\"presentation\" in the source view.")
            % {"images": "; ".join(f"“{name}” in {label.lower()}" for label, name in missing)}
        )  # fmt: skip


def _move(obj, transition, by, comment="", **changes):
    from_status = obj.status
    obj.status = transition.target
    for field, value in changes.items():
        setattr(obj, field, value)
    obj.save()
    record_event(obj, by, transition.name, comment, from_status, obj.status)
    if Status.PUBLISHED in (from_status, obj.status):
        reader_content_changed.send(type(obj), record=obj)
    return obj


def separation_of_duties_problem(obj, user):
    """Why ``user`` may not fact-check ``obj``, or None."""
    if user.pk in obj.review_conflicts():
        return _("You wrote or edited this version of %(record)s, so someone else has to fact-check it.") % {
            "record": _describe(obj)
        }
    return None


def _fact_check(obj, transition, by, notes):
    problem = separation_of_duties_problem(obj, by)
    if problem:
        raise PermissionDenied(problem)
    contributor = getattr(by, "contributor", None)
    if contributor is None or not contributor.is_fact_checker or not contributor.is_live:
        raise WorkflowError(
            _("Readers are told who fact-checked each page. Ask a superuser to link your login to your published "
              "contributor profile, marked as fact-checker, first.")
        )  # fmt: skip
    _check_sign_off(obj, contributor)
    return _sign_off(
        obj, transition, by, notes, FactCheck.Kind.FACT_CHECK, contributor,
        fact_checker=contributor, last_reviewed_on=timezone.localdate(),
    )  # fmt: skip


def _check_sign_off(obj, contributor):
    """The record's own rule for who may sign it off (a translation: someone who reads its language)."""
    problem = obj.sign_off_problem(contributor)
    if problem:
        raise PermissionDenied(problem)


def _sign_off(obj, transition, by, notes, kind, contributor, **named):
    """
    Pin what ``by`` checked, as ``contributor`` (the profile readers are shown), to the exact version ``obj``
    holds, then move it on, naming them in the fields ``named``: the one record of a fact-check and of a
    medical review alike.
    """
    FactCheck.objects.create(
        record=obj,
        kind=kind,
        reviewer=by,
        contributor=contributor,
        checked_at=timezone.now(),
        notes=notes,
        lock_version=obj.lock_version,
        snapshot=snapshot(obj),
    )
    return _move(obj, transition, by, notes, **named)


def current_medical_review(obj):
    """The medical review of exactly the version ``obj`` holds now, made after its last fact-check, or None."""
    checks = FactCheck.objects.for_object(obj)
    last_fact_check = checks.fact_checks().first()
    if last_fact_check is None:
        return None
    return (
        checks.medical_reviews()
        .filter(lock_version=obj.lock_version, checked_at__gte=last_fact_check.checked_at)
        .select_related("contributor")
        .first()
    )


def medical_review_problem(obj, user):
    """Why ``user`` may not medically review ``obj``: they wrote, edited or fact-checked this version. Or None."""
    if user.pk in obj.review_conflicts():
        return _("You wrote or edited this version of %(record)s, so another clinician has to review it.") % {
            "record": _describe(obj)
        }
    last_fact_check = FactCheck.objects.for_object(obj).fact_checks().first()
    if last_fact_check and last_fact_check.reviewer_id == user.pk:
        return _("You fact-checked this version of %(record)s, so another clinician has to review it.") % {
            "record": _describe(obj)
        }
    return None


def _medically_review(obj, transition, by, notes):
    problem = medical_review_problem(obj, by)
    if problem:
        raise PermissionDenied(problem)
    contributor = getattr(by, "contributor", None)
    if (
        contributor is None
        or not contributor.is_live
        or not getattr(contributor, "is_medical_reviewer", False)
        or not getattr(contributor, "on_expert_board", False)
        or not getattr(contributor, "credentials", "").strip()
    ):
        raise WorkflowError(
            _("Readers are told which clinician reviewed each page. Ask a superuser to link your login to your "
              "published contributor profile: a medical reviewer on the expert board, with your credentials.")
        )  # fmt: skip
    _check_sign_off(obj, contributor)
    return _sign_off(
        obj, transition, by, notes, FactCheck.Kind.MEDICAL_REVIEW, contributor,
        medical_reviewer=contributor, medically_reviewed_on=timezone.localdate(),
    )  # fmt: skip


def _check_medical_review(obj):
    """A kind that requires it is published only after a clinician reviewed this very version."""
    current = current_medical_review(obj)
    if obj.needs_medical_review and not current:
        raise WorkflowError(
            _("%(things)s of this kind are published only after a clinician of the expert board has medically "
              "reviewed them. Ask a medical reviewer to review this version first.")
            % {"things": str(obj._meta.verbose_name_plural).capitalize()}
        )  # fmt: skip
    if not current and obj.medical_reviewer_id:
        # The clinician named on the page reviewed an earlier version: readers must not see their name on this one.
        obj.medical_reviewer = None
        obj.medically_reviewed_on = None


def unpublished_dependencies(obj):
    """The reviewed records ``obj`` shows that readers may not see yet: they must be published first."""
    return [record for record in dependencies(obj) if not record.is_live]


def _publish(obj, transition, by, comment, at, substantive):
    now = timezone.now()
    if at is not None and at < now - PAST_TOLERANCE:
        raise WorkflowError(
            _("The publication time is in the past. Leave it empty to publish now, or pick a later time.")
        )
    waiting = unpublished_dependencies(obj)
    if waiting:
        names = "; ".join(f"{_describe(record)} ({record.get_status_display().lower()})" for record in waiting)
        raise WorkflowError(
            _("Readers would see content that has not been published yet. Publish these first: %(names)s.")
            % {"names": names}
        )
    reviewed_on = obj.last_reviewed_on or timezone.localdate()
    review = {
        "last_reviewed_on": reviewed_on,
        "next_review_due": _next_review_due(obj, reviewed_on),
        "review_reason": "",
    }
    if not obj.is_working_copy:
        changes = {"published_at": at or obj.published_at or now, **review}
        if substantive or not obj.content_version:
            changes["content_version"] = obj.content_version + 1
        if at or not obj.published_at or not obj.last_updated:
            changes["last_updated"] = timezone.localdate(changes["published_at"])
        elif substantive:
            changes["last_updated"] = timezone.localdate()
        return refresh(_move(obj, transition, by, comment, **changes))
    if at is not None and at > now:
        # The published version stays live until then; publish_due() swaps them at ``at``.
        last_updated = timezone.localdate(at) if substantive else obj.draft_of.last_updated
        scheduled = _move(
            obj,
            dataclasses.replace(transition, target=Status.SCHEDULED),
            by,
            comment,
            published_at=at,
            last_updated=last_updated,
            content_version=obj.draft_of.content_version + (1 if substantive else 0),
            **review,
        )
        forget_next_due()
        return scheduled
    obj.last_updated = timezone.localdate() if substantive else obj.draft_of.last_updated
    obj.content_version = obj.draft_of.content_version + (1 if substantive else 0)
    for field, value in review.items():
        setattr(obj, field, value)
    return _publish_copy(obj, by, comment or (_("Substantive update.") if substantive else _("Minor correction.")))


def _publish_copy(copy, by, comment):
    """Write a working copy's content onto its original, move its records there and delete it."""
    original = _locked(copy.draft_of)
    shown_before = pages_showing(original)
    copy_content(copy, original)
    for field in (
        "fact_checker_id",
        "last_reviewed_on",
        "medical_reviewer_id",
        "medically_reviewed_on",
        "next_review_due",
        "review_reason",
        "last_edited_by_id",
        "content_version",
    ):
        setattr(original, field, getattr(copy, field))
    original.last_updated = copy.last_updated or original.last_updated
    original.lock_version += 1
    original.save()
    FactCheck.objects.for_object(copy).update(object_id=original.pk)
    ReviewEvent.objects.for_object(copy).update(object_id=original.pk)
    with reversion.create_revision():
        reversion.set_user(by)
        reversion.set_comment(_("Published a new version."))
        reversion.add_to_revision(original)
    record_event(original, by, "publish_new_version", comment, copy.status, Status.PUBLISHED)
    _forget(copy)
    reader_content_changed.send(type(original), record=original)
    return refresh(original, also=shown_before)


def _next_review_due(obj, reviewed_on):
    """The standard period after the review, or the earlier date an editor chose for a fast-moving topic."""
    standard = reviewed_on + datetime.timedelta(days=round(settings.REVIEW_PERIOD_MONTHS * 30.44))
    chosen = obj.next_review_due
    return chosen if chosen and reviewed_on < chosen < standard else standard


# --- Scheduled new versions ------------------------------------------------------------------------------


def forget_next_due():
    cache.delete(NEXT_DUE_KEY)


def next_due_timestamp():
    """When the next scheduled new version goes live, as a timestamp; remembered in the shared cache."""
    value = cache.get(NEXT_DUE_KEY)
    if value is None:
        querysets = [
            model.objects.filter(status=Status.SCHEDULED).values_list("published_at", flat=True).order_by()
            for model in reviewed_models()
        ]
        times = list(querysets[0].union(*querysets[1:], all=True)) if querysets else []
        value = min((moment.timestamp() for moment in times), default=float("inf"))
        cache.set(NEXT_DUE_KEY, value, timeout=None)
    return value


@by_workflow
def publish_due(now=None, next_due=None):
    """
    Put live every scheduled new version whose time has come; returns the originals updated.
    Costs one cache read when nothing is due, so it runs before every request; none when the caller has read
    :data:`NEXT_DUE_KEY` already and passes what it found as ``next_due`` (``None``: not in the cache).
    """
    now = now or timezone.now()
    if next_due is None:
        next_due = next_due_timestamp()
    if next_due > now.timestamp():
        return []
    published = []
    for model in reviewed_models():
        for copy in model.objects.due(now):
            with transaction.atomic():
                copy = model.objects.select_for_update().filter(pk=copy.pk, status=Status.SCHEDULED).first()
                if copy is None:  # another process got there first
                    continue
                scheduled = ReviewEvent.objects.for_object(copy).filter(to_status=Status.SCHEDULED).first()
                by = scheduled.actor if scheduled else None
                published.append(_publish_copy(copy, by, _("Scheduled publication.")))
    forget_next_due()
    return published


# --- Working copies -----------------------------------------------------------------------------------------


@transaction.atomic
@by_workflow
def start_new_version(obj, by):
    """The working copy in which ``obj`` (published) is edited; created on first use."""
    opts = obj._meta
    if not by.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
        raise PermissionDenied(
            _("You do not have permission to edit %(things)s.") % {"things": opts.verbose_name_plural}
        )
    obj = _locked(obj)
    if obj.is_working_copy or obj.status != Status.PUBLISHED:
        raise WorkflowError(_("Only a published record gets a new version; edit this one directly."))
    existing = type(obj).objects.filter(draft_of=obj).first()
    if existing:
        return existing
    copy = type(obj)(
        draft_of=obj,
        status=Status.DRAFT,
        published_at=obj.published_at,
        last_updated=obj.last_updated,
        fact_checker=obj.fact_checker,
        last_reviewed_on=obj.last_reviewed_on,
        medical_reviewer=obj.medical_reviewer,
        medically_reviewed_on=obj.medically_reviewed_on,
        next_review_due=obj.next_review_due,
        content_version=obj.content_version,
        created_by=by,
        last_edited_by=by,
    )
    copy_content(obj, copy)
    record_event(obj, by, "start_new_version", _("Started a new version for editing."))
    record_event(copy, by, "create")
    return copy


@transaction.atomic
def version_to_edit(obj, by):
    """
    The record in which ``by`` changes ``obj``'s content now: ``obj`` itself while it is editable; for a published
    record its new version (started now if there is none, so readers keep the reviewed one until a reviewer
    publishes it). Anything else raises :class:`~review.guard.NotEditable` saying what to do. Every path that
    changes content on an editor's behalf (bulk actions, imports, merges, Crossref) asks this first.
    """
    opts = obj._meta
    if not by.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
        raise PermissionDenied(
            _("You do not have permission to edit %(things)s.") % {"things": opts.verbose_name_plural}
        )
    obj = _locked(obj)
    if obj.is_editable:
        return obj
    if obj.status != Status.PUBLISHED or obj.is_working_copy:
        raise NotEditable(refusal(obj))
    copy = type(obj).objects.select_for_update().filter(draft_of=obj).first()
    if copy is None:
        return start_new_version(obj, by)
    if not copy.is_editable:
        raise NotEditable(
            _("%(record)s already has a new version that is %(status)s. %(advice)s")
            % {
                "record": capfirst(_describe(obj)),
                "status": copy.get_status_display().lower(),
                "advice": advice(copy.status),
            }
        )
    return copy


@transaction.atomic
@by_workflow
def discard_new_version(copy, by):
    opts = copy._meta
    if not by.has_perm(f"{opts.app_label}.delete_{opts.model_name}"):
        raise PermissionDenied(
            _("You do not have permission to discard %(things)s.") % {"things": opts.verbose_name_plural}
        )
    if not copy.is_working_copy:
        raise WorkflowError(_("This is not a new version of a published record."))
    if copy.status == Status.SCHEDULED:
        raise WorkflowError(_("This new version is scheduled. Cancel the scheduled publication first."))
    record_event(copy.draft_of, by, "discard_new_version")
    _forget(copy)


def _forget(copy):
    """Delete a working copy and its saved versions: its history now lives on the original."""
    Version.objects.get_for_object(copy).delete()
    ReviewEvent.objects.for_object(copy).delete()
    copy.delete()


@transaction.atomic
def flag_for_review(obj, reason, by=None):
    """
    Put a published record back in the review queue with ``reason`` (e.g. a cited source was
    retracted). It stays visible to readers until a reviewer acts.
    """
    obj = _locked(obj)
    reasons = [line for line in obj.review_reason.splitlines() if line]
    if reason not in reasons:
        reasons.append(reason)
    obj.review_reason = "\n".join(reasons)
    obj.save(update_fields=["review_reason"])
    record_event(obj, by, "flag_for_review", reason)
    return obj


def review_baseline(obj):
    """
    What a reviewer compares ``obj`` with: the published version for a new version of a published
    record, else the last version a reviewer fact-checked. ``(None, "")`` when there is none.
    """
    if obj.is_working_copy:
        return snapshot(obj.draft_of), _("the published version")
    last = FactCheck.objects.for_object(obj).fact_checks().select_related("contributor").first()
    if last:
        return last.snapshot, _("the version %(name)s fact-checked on %(date)s") % {
            "name": last.contributor.name,
            "date": dateformat.format(timezone.localtime(last.checked_at), "j F Y"),  # the site's "6 December 2026"
        }
    return None, ""
