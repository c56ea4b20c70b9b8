"""
Review as a property any model can have: states, working copies, fact-checks and events.

A model whose words or facts readers see inherits :class:`Reviewed` and declares, once, which
of its fields and relations are its reviewed content::

    class SideEffect(Reviewed):
        reviewed_content = ["name", "slug", "description", "seriousness", "what_helps"]

        class Meta(Reviewed.Meta):
            permissions = review_permissions("side effects")

That list drives the working copy, the snapshot a fact-check pins, the reviewer's diff and the
version history (see :mod:`review.content`). The workflow itself is :mod:`review.workflow`.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    FACT_CHECKED = "fact_checked", _("Fact-checked")
    MEDICALLY_REVIEWED = "medically_reviewed", _("Medically reviewed")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")
    ARCHIVED = "archived", _("Archived")


# Editors change the text only in these states; anything else goes through a workflow action.
EDITABLE_STATUSES = (Status.DRAFT, Status.CHANGES_REQUESTED, Status.UNPUBLISHED)

# The permissions the transition table asks for, one set per reviewed model (see review_permissions).
REVIEW_ACTIONS = {
    "submit": _("Can submit %(things)s for review"),
    "review": _("Can send %(things)s back with comments"),
    "fact_check": _("Can mark %(things)s as fact-checked"),
    "medically_review": _("Can mark %(things)s as medically reviewed"),
    "publish": _("Can publish, unpublish and archive %(things)s"),
}


class MedicalReview(models.TextChoices):
    """What a reviewed model declares about the clinician's review that may follow its fact-check."""

    NOT_OFFERED = "", _("Not offered")
    OPTIONAL = "optional", _("Optional")
    REQUIRED = "required", _("Required before publication")


def review_permissions(model_name, things):  # pragma: no mutate block (runs at start-up)
    """The ``Meta.permissions`` of a reviewed model: one per workflow action, e.g. ``publish_article``."""
    return [(f"{action}_{model_name}", label % {"things": things}) for action, label in REVIEW_ACTIONS.items()]


def is_published(now=None):
    """The condition for "a reader may see it now": published, and its publication time has come."""
    return Q(status=Status.PUBLISHED, published_at__lte=now or timezone.now())


# A first version on its way to readers: what a staff preview of a record under review shows with it.
ON_THE_WAY = (Status.DRAFT, Status.CHANGES_REQUESTED, Status.IN_REVIEW, Status.FACT_CHECKED, Status.MEDICALLY_REVIEWED)
_previewing = ContextVar("review_previewing", default=False)


@contextmanager
def previewing():
    """
    While a staff preview of a record that is not published yet is built: :meth:`ReviewedQuerySet.shown` then
    also gives the new records on their way with it (the sources imported for an article, which go through review
    with it), so the reviewer sees the page as it will be. Readers' pages never run inside it.
    """
    token = _previewing.set(True)
    try:
        yield
    finally:
        _previewing.reset(token)


def is_shown():
    """:func:`is_published`, or inside :func:`previewing` also a first version on its way (see there)."""
    if not _previewing.get():
        return is_published()
    return is_published() | Q(draft_of__isnull=True, published_at__isnull=True, status__in=ON_THE_WAY)


def is_scheduled(now=None):
    """Working copies waiting for their time, and originals published for a later time."""
    return Q(status=Status.SCHEDULED) | Q(status=Status.PUBLISHED, published_at__gt=now or timezone.now())


def is_overdue(today=None):
    """Published, and its next review date has passed or a fresh review was asked for."""
    today = today or timezone.localdate()
    return is_published() & (Q(next_review_due__lt=today) | ~Q(review_reason=""))


def is_draft_of(user):
    return Q(status__in=EDITABLE_STATUSES, created_by=user)


def requires_medical_review(model):
    """The records of ``model`` whose kind a clinician must review before publication (see :class:`MedicalReview`)."""
    required = model.medical_review == MedicalReview.REQUIRED
    rules = model.medical_review_by_kind
    differ = [kind for kind, rule in rules.items() if (rule == MedicalReview.REQUIRED) != required]
    if required:
        return ~Q(kind__in=differ) if differ else Q(pk__isnull=False)
    return Q(kind__in=differ) if differ else Q(pk__isnull=True)


def is_awaiting_medical_review(model):
    """
    Fact-checked records of ``model`` that may not be published before a clinician reviews them. A medical review
    moves a record on to "Medically reviewed", and a new version starts again from a draft, so a fact-checked
    record has no medical review of the version it holds.
    """
    return Q(status=Status.FACT_CHECKED) & requires_medical_review(model)


def is_ready_to_publish(model):
    """Checked as far as its kind requires: fact-checked, and medically reviewed where a clinician must review it."""
    return Q(status=Status.MEDICALLY_REVIEWED) | (Q(status=Status.FACT_CHECKED) & ~requires_medical_review(model))


def awaits_medical_review(record):
    """Whether ``record`` is fact-checked but may not be published before a clinician reviews it."""
    return record.status == Status.FACT_CHECKED and record.needs_medical_review


# The admin home's work queue: what waits for whom (see review.templatetags.review_queue). Each condition is
# ``condition(user, model)``, the query string filters a model's list to the same records.
QUEUES = [
    ("awaiting", _("Awaiting fact-check"), lambda user, model: Q(status=Status.IN_REVIEW), "status__exact=in_review"),
    (
        "medical",
        _("Awaiting medical review"),
        lambda user, model: is_awaiting_medical_review(model),
        "review=medical",
    ),
    ("ready", _("Fact-checked, ready to publish"), lambda user, model: is_ready_to_publish(model), "review=ready"),
    (
        "changes",
        _("Changes requested"),
        lambda user, model: Q(status=Status.CHANGES_REQUESTED),
        "status__exact=changes_requested",
    ),
    ("scheduled", _("Scheduled"), lambda user, model: is_scheduled(), "review=scheduled"),
    ("overdue", _("Overdue for review"), lambda user, model: is_overdue(), "review=overdue"),
    ("mine", _("My drafts"), lambda user, model: is_draft_of(user), "mine=drafts"),
]


class ReviewedQuerySet(models.QuerySet):
    def published(self):
        """What a reader may see now: published rows whose publication time has come."""
        return self.filter(is_published())

    def shown(self):
        """What a page shows of this kind: :meth:`published`, in a preview also the new records on their way."""
        return self.filter(is_shown())

    def originals(self):
        """The records themselves, without the working copies that hold pending edits of published ones."""
        return self.filter(draft_of__isnull=True)

    def working_copies(self):
        return self.filter(draft_of__isnull=False)

    def visible_to(self, user):
        """Staff who may view the model preview every original; everyone else sees what is published."""
        opts = self.model._meta
        if user.is_authenticated and user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            return self.originals()
        return self.published()

    def scheduled(self):
        return self.filter(is_scheduled())

    def due(self, now=None):
        """Scheduled working copies whose time has come (see :func:`review.workflow.publish_due`)."""
        return self.filter(status=Status.SCHEDULED, published_at__lte=now or timezone.now())

    def overdue_for_review(self, today=None):
        return self.filter(is_overdue(today))

    def drafts_of(self, user):
        return self.filter(is_draft_of(user))


class Reviewed(models.Model):
    """
    The workflow fields every reviewed model shares. Readers see a row only when ``published()``
    says so; edits to a published row happen in a working copy (a row of the same model with
    ``draft_of`` set) until a reviewer publishes them into it.
    """

    Status = Status
    EDITABLE_STATUSES = EDITABLE_STATUSES

    # Overridden by each model: the names of the fields and relations readers see.
    reviewed_content = []
    # Whether a clinician of the expert board reviews a version after its fact-check (see MedicalReview), and
    # for models with a ``kind`` field, the kinds whose rule differs, e.g. ``{"therapy_guide": REQUIRED}``.
    medical_review = MedicalReview.NOT_OFFERED
    medical_review_by_kind = {}

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status,
        default=Status.DRAFT,
        db_index=True,
        editable=False,
        help_text=_("Readers see it only once a reviewer has fact-checked and published it."),
    )
    draft_of = models.OneToOneField(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="working_copy",
        verbose_name=_("new version of"),
        help_text=_("Set on the working copy that holds edits to a published record until they are published."),
    )
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        db_index=True,
        editable=False,
        help_text=_("When it went live, or goes live if scheduled. Set by the reviewer who publishes it."),
    )
    last_updated = models.DateField(
        _("last updated"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The date of the last change that matters to readers. Shown as “Last updated”."),
    )
    fact_checker = models.ForeignKey(
        settings.REVIEW_CONTRIBUTOR_MODEL,
        on_delete=models.PROTECT,
        related_name="fact_checked_%(class)ss",
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("fact-checked by"),
        help_text=_("Shown to readers as “Fact-checked by”: the reviewer who did the last fact-check."),
    )
    last_reviewed_on = models.DateField(
        _("last reviewed"), null=True, blank=True, editable=False, help_text=_("When it was last fact-checked.")
    )
    medical_reviewer = models.ForeignKey(
        settings.REVIEW_CONTRIBUTOR_MODEL,
        on_delete=models.PROTECT,
        related_name="medically_reviewed_%(class)ss",
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("medically reviewed by"),
        help_text=_(
            "Shown to readers as “Medically reviewed by”: the clinician of the expert board who reviewed the "
            "published version. Empty when no clinician reviewed it."
        ),
    )
    medically_reviewed_on = models.DateField(
        _("medically reviewed"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When a clinician last medically reviewed the published version."),
    )
    next_review_due = models.DateField(
        _("next review due"),
        null=True,
        blank=True,
        help_text=_(
            "When a reviewer should check it again. Filled in on publication from the standard review period; "
            "set an earlier date for topics that change quickly."
        ),
    )
    review_reason = models.TextField(
        _("reason for a fresh review"),
        blank=True,
        editable=False,
        help_text=_("Why the published record is back in the review queue, e.g. a cited source was retracted."),
    )
    lock_version = models.PositiveIntegerField(_("edit version"), default=0, editable=False)
    content_version = models.PositiveIntegerField(
        _("content version"),
        default=0,
        editable=False,
        help_text=_(
            "Counts the publications that changed what readers are told (minor corrections aside). A translation "
            "records the one it was made from, and is out of date once this moves on."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("last edited by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    modified_at = models.DateTimeField(_("modified"), auto_now=True)

    objects = ReviewedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        """Saves only what review allows (see :mod:`review.guard`): content changes while the record is editable."""
        from .guard import check_save, remember_loaded

        check_save(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)
        remember_loaded(self)

    @classmethod
    def from_db(cls, db, field_names, values):
        record = super().from_db(db, field_names, values)
        from .guard import remember_loaded

        remember_loaded(record)
        return record

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        from .guard import remember_loaded

        remember_loaded(self)

    @classmethod
    def review_constraints(cls, prefix, unique=None):  # pragma: no mutate block (runs at start-up)
        """
        The rules every reviewed table enforces in the database, named after ``prefix``, and ``unique``
        (``{field: message}``): values no two records may share, new versions aside (they share them with
        the record they revise).
        """
        return [
            *(
                models.UniqueConstraint(
                    fields=[field],
                    condition=Q(draft_of__isnull=True),
                    name=f"unique_{prefix}_{field}",
                    violation_error_message=message,
                )
                for field, message in (unique or {}).items()
            ),
            models.CheckConstraint(
                condition=Q(draft_of__isnull=True) | ~Q(status=Status.PUBLISHED),
                name=f"{prefix}_working_copy_never_published",
                violation_error_message=_("A working copy is published by publishing it into its original."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[Status.PUBLISHED, Status.SCHEDULED]) | Q(published_at__isnull=False),
                name=f"{prefix}_published_has_date",
                violation_error_message=_("A published record needs a publication time."),
            ),
            models.CheckConstraint(
                condition=Q(draft_of__isnull=False) | ~Q(status=Status.SCHEDULED),
                name=f"{prefix}_only_new_versions_scheduled",
                violation_error_message=_("Only a new version of a published record waits in “Scheduled”."),
            ),
        ]

    def clean(self):
        """Editors hear about a taken name or address next to the field, and about dates that contradict."""
        errors = {}
        originals = (
            type(self)._default_manager.filter(draft_of__isnull=True).exclude(pk__in=[self.pk, self.draft_of_id])
        )
        for constraint in self._meta.constraints:
            fields = getattr(constraint, "fields", ())
            if len(fields) == 1 and constraint.condition == Q(draft_of__isnull=True):
                value = getattr(self, fields[0])
                if value and originals.filter(**{fields[0]: value}).exists():
                    errors[fields[0]] = constraint.violation_error_message + " " + _("Choose another one.")
        first_published = self.published_at if not self.draft_of_id else None  # a copy's is when it goes live
        if first_published and self.last_updated and self.last_updated < timezone.localdate(first_published):
            errors["last_updated"] = _("The last update cannot be before the first publication.")
        errors.update(self.content_errors())
        if errors:
            raise ValidationError(errors)

    def content_errors(self):
        """The model's own rules for its content, as ``{field: message}``."""
        return {}

    def submit_problem(self):
        """Why this version is not ready to go to a reviewer (beyond described images), or None."""
        return None

    def sign_off_problem(self, contributor):
        """Why ``contributor`` may not fact-check or medically review this record (beyond the workflow's rules)."""
        return None

    @property
    def page_language(self):
        """The language readers read this record in (a translation's is its own)."""
        return settings.LANGUAGE_CODE

    @property
    def medical_review_rule(self):
        """This record's :class:`MedicalReview` rule: its kind's, if declared, else its model's."""
        return self.medical_review_by_kind.get(getattr(self, "kind", None), self.medical_review)

    @property
    def needs_medical_review(self):
        return self.medical_review_rule == MedicalReview.REQUIRED

    @property
    def is_editable(self):
        return self.status in EDITABLE_STATUSES

    @property
    def is_working_copy(self):
        return self.draft_of_id is not None

    @property
    def is_live(self):
        return self.status == Status.PUBLISHED and self.published_at is not None and self.published_at <= timezone.now()

    @property
    def is_scheduled(self):
        return self.status == Status.SCHEDULED or (self.status == Status.PUBLISHED and not self.is_live)

    @property
    def updated_on(self):
        """The date readers see as “Last updated”."""
        if self.last_updated:
            return self.last_updated
        return timezone.localdate(self.published_at) if self.published_at else None

    @property
    def reviewed_on(self):
        """The date readers see as “Last reviewed”."""
        return self.last_reviewed_on

    @cached_property
    def pending_version(self):
        """The working copy of a published record, if an editor has started one."""
        if self.is_working_copy:
            return None
        return type(self).objects.filter(draft_of=self).first()

    def review_conflicts(self):
        """
        The logins that may not fact-check this record because they shaped its content: who created it
        and everyone who edited this version. Models add their own (an article's author, a profile's owner).
        """
        edits = ReviewEvent.objects.for_object(self).filter(action__in=["create", "edit"])
        last_publication = ReviewEvent.objects.for_object(self).filter(action__startswith="publish").first()
        if last_publication:
            edits = edits.filter(created_at__gt=last_publication.created_at)
        users = set(edits.exclude(actor=None).values_list("actor_id", flat=True))
        return users | {self.created_by_id, self.last_edited_by_id} - {None}


class RecordQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class AboutRecord(models.Model):
    """Something said about one reviewed record of any kind: an event, a fact-check."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("kind of content"))
    object_id = models.PositiveBigIntegerField(_("record"), db_index=True)
    record = GenericForeignKey("content_type", "object_id")

    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True


class ReviewEvent(AboutRecord):
    """One step of a record's review: who moved it from which state to which, when and why."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20, choices=Status, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("workflow event")
        verbose_name_plural = _("workflow events")
        indexes = [models.Index(fields=["content_type", "object_id"], name="review_event_record_idx")]

    def __str__(self):
        return f"{self.content_type.name} #{self.object_id}: {self.action} by {self.actor or 'system'}"


class FactCheckQuerySet(RecordQuerySet):
    def fact_checks(self):
        return self.filter(kind=FactCheck.Kind.FACT_CHECK)

    def medical_reviews(self):
        return self.filter(kind=FactCheck.Kind.MEDICAL_REVIEW)


class FactCheck(AboutRecord):
    """
    A reviewer's record that they checked one exact version of a record, with what they saw: a fact-check
    against the sources, or a clinician's medical review that follows it.
    """

    class Kind(models.TextChoices):
        FACT_CHECK = "fact_check", _("Fact-check")
        MEDICAL_REVIEW = "medical_review", _("Medical review")

    kind = models.CharField(
        _("kind of check"),
        max_length=20,
        choices=Kind,
        default=Kind.FACT_CHECK,
        help_text=_("A fact-check against the sources, or a clinician's medical review after it."),
    )

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fact_checks", verbose_name=_("reviewer")
    )
    contributor = models.ForeignKey(
        settings.REVIEW_CONTRIBUTOR_MODEL,
        on_delete=models.PROTECT,
        related_name="fact_checks",
        verbose_name=_("shown to readers as"),
    )
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)
    notes = models.TextField(_("notes"), blank=True, help_text=_("What was checked, and against which sources."))
    lock_version = models.PositiveIntegerField(_("edit version checked"))
    snapshot = models.JSONField(_("content checked"), help_text=_("The exact text and data the reviewer checked."))

    objects = FactCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_at", "-id"]
        get_latest_by = "checked_at"
        verbose_name = _("fact-check")
        verbose_name_plural = _("fact-checks")
        indexes = [models.Index(fields=["content_type", "object_id"], name="review_factcheck_record_idx")]

    def __str__(self):
        verb = "medically reviewed" if self.kind == self.Kind.MEDICAL_REVIEW else "checked"
        return f"{self.content_type.name} #{self.object_id} {verb} by {self.contributor} on {self.checked_at:%Y-%m-%d}"


class RenderedPage(AboutRecord):
    """
    What the reader page of one published record shows, rendered when it was published (see
    :mod:`review.rendering`). Kept apart from the record's row so lists of records never load it.
    """

    parts = models.JSONField(_("page parts"), help_text=_("Computed at publication; never edited."))
    rendered_at = models.DateTimeField(_("rendered at"), auto_now=True)

    class Meta:
        verbose_name = _("rendered page")
        verbose_name_plural = _("rendered pages")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="review_renderedpage_one_per_record")
        ]

    def __str__(self):
        return f"{self.content_type.name} #{self.object_id} rendered {self.rendered_at:%Y-%m-%d %H:%M}"
