"""
The editorial workflow: every change of an article's state goes through a function here.

Draft → In review → Fact-checked → Published, with "Changes requested" back to the
editor, and Unpublished / Archived. Each transition checks the actor's permission
on the server, runs in one transaction and records an ArticleEvent. The admin's
buttons and bulk actions, the tests and any future API call these functions.

A published article is never edited in place. Editing it starts a *working copy*
(an Article row with ``draft_of`` pointing at the original) that goes through review
like any draft; publishing it copies its content onto the original in one
transaction. Readers keep seeing the last approved version until then, and the
reader path stays a plain ``Article.objects.published()``.
"""

import datetime
from dataclasses import dataclass

import reversion
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from reversion.models import Version

from references.models import Citation

from .models import Article, ArticleEvent, ArticleSideEffect, FactCheck

Status = Article.Status

# Fields a working copy carries; identity, workflow and review fields stay with the original.
CONTENT_FIELDS = [
    "title",
    "dek",
    "body",
    "kind",
    "author_id",
    "hero_image",
    "hero_image_alt",
    "hero_image_caption",
    "hero_image_credit",
    "meta_description",
    "funding_disclosure",
    "conflict_of_interest",
]


# What the workflow owns. Restoring an old version of the text never brings these back.
WORKFLOW_FIELDS = [
    "status",
    "draft_of",
    "published_at",
    "last_updated",
    "fact_checker",
    "last_reviewed_on",
    "next_review_due",
    "review_reason",
    "lock_version",
    "created_by",
]


class WorkflowError(ValidationError):
    """A transition that is not allowed now; the message says why, in words an editor understands."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple
    target: str
    permission: str
    needs_comment: bool = False

    def allowed_from(self, article):
        return article.status in self.sources

    def available_to(self, user, article):
        return self.allowed_from(article) and user.has_perm(f"articles.{self.permission}")


SUBMIT = Transition(
    "submit",
    _("Submit for review"),
    (Status.DRAFT, Status.CHANGES_REQUESTED, Status.UNPUBLISHED),
    Status.IN_REVIEW,
    "submit_article",
)
REQUEST_CHANGES = Transition(
    "request_changes",
    _("Request changes"),
    (Status.IN_REVIEW, Status.FACT_CHECKED),
    Status.CHANGES_REQUESTED,
    "review_article",
    needs_comment=True,
)
FACT_CHECK = Transition(
    "fact_check", _("Mark as fact-checked"), (Status.IN_REVIEW,), Status.FACT_CHECKED, "fact_check_article"
)
PUBLISH = Transition("publish", _("Publish"), (Status.FACT_CHECKED,), Status.PUBLISHED, "publish_article")
UNPUBLISH = Transition(
    "unpublish", _("Unpublish"), (Status.PUBLISHED,), Status.UNPUBLISHED, "publish_article", needs_comment=True
)
ARCHIVE = Transition(
    "archive",
    _("Archive"),
    (Status.DRAFT, Status.CHANGES_REQUESTED, Status.PUBLISHED, Status.UNPUBLISHED),
    Status.ARCHIVED,
    "publish_article",
    needs_comment=True,
)
REOPEN = Transition("reopen", _("Reopen as draft"), (Status.ARCHIVED,), Status.DRAFT, "submit_article")

TRANSITIONS = {t.name: t for t in (SUBMIT, REQUEST_CHANGES, FACT_CHECK, PUBLISH, UNPUBLISH, ARCHIVE, REOPEN)}


def available_transitions(article, user):
    transitions = [t for t in TRANSITIONS.values() if t.available_to(user, article)]
    if article.is_working_copy:
        # A working copy is published into its original or thrown away, never archived on its own.
        transitions = [t for t in transitions if t.name not in {"archive", "unpublish", "reopen"}]
    return transitions


def _check(transition, article, user, comment):
    if not user.has_perm(f"articles.{transition.permission}"):
        raise PermissionDenied(_("You do not have permission to %(action)s.") % {"action": transition.label.lower()})
    if not transition.allowed_from(article):
        raise WorkflowError(
            _("“%(title)s” is %(status)s; “%(action)s” is not possible now.")
            % {"title": article.title, "status": article.get_status_display().lower(), "action": transition.label}
        )
    if transition.needs_comment and not (comment or "").strip():
        raise WorkflowError(_("Add a comment that says why."))


def _move(article, transition, user, comment="", **changes):
    from_status = article.status
    article.status = transition.target
    for field, value in changes.items():
        setattr(article, field, value)
    article.save()
    ArticleEvent.objects.create(
        article=article,
        actor=user,
        action=transition.name,
        from_status=from_status,
        to_status=article.status,
        comment=comment or "",
    )
    return article


def _locked(article):
    """The article's current row, locked until the transaction ends, so two transitions cannot interleave."""
    return Article.objects.select_for_update().get(pk=article.pk)


@transaction.atomic
def submit_for_review(article, by, comment=""):
    article = _locked(article)
    _check(SUBMIT, article, by, comment)
    return _move(article, SUBMIT, by, comment)


@transaction.atomic
def request_changes(article, by, comment):
    article = _locked(article)
    _check(REQUEST_CHANGES, article, by, comment)
    return _move(article, REQUEST_CHANGES, by, comment)


def separation_of_duties_problem(article, user):
    """Why ``user`` may not fact-check ``article``, or None."""
    writer = article.author.user_id if article.author_id else None
    if user.pk in {writer, article.created_by_id}:
        return _("You wrote this article, so someone else has to fact-check it.")
    if user.pk == article.last_edited_by_id:
        return _("You made the last edit to this article, so someone else has to fact-check it.")
    return None


@transaction.atomic
def fact_check(article, by, notes=""):
    article = _locked(article)
    _check(FACT_CHECK, article, by, notes)
    problem = separation_of_duties_problem(article, by)
    if problem:
        raise PermissionDenied(problem)
    contributor = getattr(by, "contributor", None)
    if contributor is None or not contributor.is_fact_checker:
        raise WorkflowError(
            _("Readers are told who fact-checked an article. Link your login to a contributor profile marked "
              "as fact-checker first (Contributors → your profile → Staff account).")
        )  # fmt: skip
    FactCheck.objects.create(
        article=article,
        reviewer=by,
        contributor=contributor,
        checked_at=timezone.now(),
        notes=notes,
        lock_version=article.lock_version,
        snapshot=snapshot(article),
    )
    return _move(article, FACT_CHECK, by, notes, fact_checker=contributor)


@transaction.atomic
def publish(article, by, at=None, substantive=True, comment=""):
    """
    Publish a fact-checked article, now or at ``at`` (it goes live then, no cron job needed).

    A working copy is published into its original, which keeps its address and first publication
    date. ``substantive`` changes move the "Last updated" date readers see; typo fixes need not.
    """
    article = _locked(article)
    _check(PUBLISH, article, by, comment)
    today = timezone.localdate()
    last_check = article.fact_checks.first()
    reviewed_on = timezone.localdate(last_check.checked_at) if last_check else today
    review = {
        "last_reviewed_on": reviewed_on,
        "next_review_due": _next_review_due(article, reviewed_on),
        "review_reason": "",
    }
    if not article.is_working_copy:
        changes = {"published_at": at or article.published_at or timezone.now(), **review}
        if at or not article.published_at or not article.last_updated:
            changes["last_updated"] = timezone.localdate(changes["published_at"])
        elif substantive:
            changes["last_updated"] = today
        return _move(article, PUBLISH, by, comment, **changes)

    original = _locked(article.draft_of)
    copy_content(article, original)
    original.fact_checker = article.fact_checker
    if substantive:
        original.last_updated = today
    for field, value in review.items():
        setattr(original, field, value)
    original.last_edited_by = article.last_edited_by
    original.lock_version += 1
    original.save()
    article.fact_checks.update(article=original)
    article.events.update(article=original)
    with reversion.create_revision():
        reversion.set_user(by)
        reversion.set_comment(_("Published a new version."))
        reversion.add_to_revision(original)
    ArticleEvent.objects.create(
        article=original,
        actor=by,
        action="publish_new_version",
        from_status=Status.FACT_CHECKED,
        to_status=Status.PUBLISHED,
        comment=comment or (_("Substantive update.") if substantive else _("Minor correction.")),
    )
    _forget(article)
    return original


def _next_review_due(article, reviewed_on):
    """The standard period after the review, or the earlier date an editor chose for a fast-moving topic."""
    standard = reviewed_on + datetime.timedelta(days=round(settings.ARTICLE_REVIEW_PERIOD_MONTHS * 30.44))
    chosen = article.next_review_due
    return chosen if chosen and reviewed_on < chosen < standard else standard


@transaction.atomic
def unpublish(article, by, comment):
    article = _locked(article)
    _check(UNPUBLISH, article, by, comment)
    return _move(article, UNPUBLISH, by, comment)


@transaction.atomic
def archive(article, by, comment):
    article = _locked(article)
    _check(ARCHIVE, article, by, comment)
    return _move(article, ARCHIVE, by, comment)


@transaction.atomic
def reopen(article, by, comment=""):
    article = _locked(article)
    _check(REOPEN, article, by, comment)
    return _move(article, REOPEN, by, comment)


ACTIONS = {
    "submit": submit_for_review,
    "request_changes": request_changes,
    "fact_check": fact_check,
    "publish": publish,
    "unpublish": unpublish,
    "archive": archive,
    "reopen": reopen,
}


def run_transition(name, article, by, comment=""):
    """Run the transition called ``name``: the one entry point for buttons and bulk actions."""
    action = ACTIONS[name]
    if name == "fact_check":
        return action(article, by, notes=comment)
    return action(article, by, comment=comment)


@transaction.atomic
def start_new_version(article, by):
    """The working copy in which ``article`` (published) is edited; created on first use."""
    if not by.has_perm("articles.change_article"):
        raise PermissionDenied(_("You do not have permission to edit articles."))
    article = _locked(article)
    if article.is_working_copy or article.status != Status.PUBLISHED:
        raise WorkflowError(_("Only a published article gets a new version; edit this one directly."))
    existing = Article.objects.filter(draft_of=article).first()
    if existing:
        return existing
    copy = Article(
        draft_of=article,
        slug=article.slug,
        status=Status.DRAFT,
        published_at=article.published_at,
        last_updated=article.last_updated,
        fact_checker=article.fact_checker,
        next_review_due=article.next_review_due,
        created_by=by,
        last_edited_by=by,
    )
    copy_content(article, copy)
    ArticleEvent.objects.create(
        article=article, actor=by, action="start_new_version", comment=_("Started a new version for editing.")
    )
    return copy


def copy_content(source, target):
    """Make ``target`` say what ``source`` says: fields, topics, side effects and numbered sources."""
    for field in CONTENT_FIELDS:
        setattr(target, field, getattr(source, field))
    target.save()
    target.conditions.set(source.conditions.all())
    target.products.set(source.products.all())
    target.article_side_effects.all().delete()
    ArticleSideEffect.objects.bulk_create(
        ArticleSideEffect(article=target, side_effect_id=link.side_effect_id, frequency=link.frequency,
                          position=link.position)
        for link in source.article_side_effects.all()
    )  # fmt: skip
    target.citations.all().delete()
    Citation.objects.bulk_create(
        Citation(article=target, source_id=citation.source_id, position=citation.position)
        for citation in source.citations.all()
    )


def discard_new_version(copy, by):
    if not by.has_perm("articles.delete_article"):
        raise PermissionDenied
    if not copy.is_working_copy:
        raise WorkflowError(_("This is not a new version of a published article."))
    ArticleEvent.objects.create(article=copy.draft_of, actor=by, action="discard_new_version")
    _forget(copy)


def _forget(copy):
    """Delete a working copy and its saved versions: its history now lives on the original."""
    Version.objects.get_for_object(copy).delete()
    copy.delete()


@transaction.atomic
def flag_for_review(article, reason, by=None):
    """
    Put a published article back in the review queue with ``reason`` (e.g. a cited source
    was retracted). It stays visible to readers until a reviewer acts.
    """
    article = _locked(article)
    reasons = [line for line in article.review_reason.splitlines() if line]
    if reason not in reasons:
        reasons.append(reason)
    article.review_reason = "\n".join(reasons)
    article.save(update_fields=["review_reason"])
    ArticleEvent.objects.create(article=article, actor=by, action="flag_for_review", comment=reason)
    return article


def review_baseline(article):
    """
    What a reviewer compares ``article`` with: the published version for a new version of a
    published article, else the last version a reviewer fact-checked. ``(None, "")`` when new.
    """
    if article.is_working_copy:
        return snapshot(article.draft_of), _("the published version")
    last = article.fact_checks.select_related("contributor").first()
    if last:
        return last.snapshot, _("the version %(name)s fact-checked on %(date)s") % {
            "name": last.contributor.name,
            "date": timezone.localtime(last.checked_at).strftime("%B %d, %Y"),
        }
    return None, ""


def snapshot(article):
    """The content a reviewer checks, as plain data: what the diff compares and a fact-check records."""
    return {
        "title": article.title,
        "dek": article.dek,
        "body": article.body,
        "author": str(article.author),
        "kind": article.get_kind_display(),
        "conditions": sorted(str(condition) for condition in article.conditions.all()),
        "products": sorted(str(product) for product in article.products.all()),
        "side_effects": [
            f"{link.side_effect.name} ({link.get_frequency_display().lower()})"
            for link in article.article_side_effects.select_related("side_effect")
        ],
        "citations": [str(citation.source) for citation in article.citations.select_related("source")],
        "funding_disclosure": article.funding_disclosure,
        "conflict_of_interest": article.conflict_of_interest,
    }
