"""Articles, their side effects, and the records of their editorial workflow."""

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..richtext import RichTextField
from ..uploads import RandomImagePath, WebImageField
from .conditions import Condition
from .contributors import Contributor
from .products import Frequency, Product, SideEffect


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles a reader may see now. Articles scheduled for later stay hidden until their time."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def originals(self):
        """Articles themselves, without the working copies that hold pending edits of published ones."""
        return self.filter(draft_of__isnull=True)

    def visible_to(self, user):
        """Staff who may view articles preview every original; everyone else sees published articles."""
        if user.is_authenticated and user.has_perm("articles.view_article"):
            return self.originals()
        return self.published()

    def awaiting_fact_check(self):
        return self.filter(status=Article.Status.IN_REVIEW)

    def changes_requested(self):
        return self.filter(status=Article.Status.CHANGES_REQUESTED)

    def ready_to_publish(self):
        return self.filter(status=Article.Status.FACT_CHECKED)

    def overdue_for_review(self, today=None):
        """Published articles whose next review date has passed, or that were flagged for a fresh review."""
        today = today or timezone.localdate()
        return self.published().filter(Q(next_review_due__lt=today) | ~Q(review_reason=""))

    def drafts_of(self, user):
        return self.filter(status__in=Article.EDITABLE_STATUSES, created_by=user)

    def related_to(self, article):
        """Other articles sharing a condition with ``article``, those sharing the most first."""
        return (
            self.filter(conditions__in=article.conditions.all())
            .exclude(pk=article.pk)
            .annotate(shared_conditions=models.Count("conditions"))
            .order_by("-shared_conditions", "-published_at")
        )

    def for_listing(self):
        """What a list of article cards needs, in a fixed number of queries."""
        return self.select_related("author").prefetch_related(
            Prefetch("conditions", queryset=Condition.objects.published().order_by("name"))
        )

    def for_detail(self):
        """
        Everything an article page shows, in a fixed number of queries however long its lists are.
        Conditions (and product approvals for conditions) that readers may not see are left out.
        """
        from references.models import Citation

        return self.select_related("author", "fact_checker").prefetch_related(
            Prefetch("conditions", queryset=Condition.objects.published().order_by("name")),
            Prefetch("products", queryset=Product.objects.for_listing()),
            Prefetch("article_side_effects", queryset=ArticleSideEffect.objects.select_related("side_effect")),
            Prefetch("citations", queryset=Citation.objects.for_display()),
        )


class Article(models.Model):
    class Kind(models.TextChoices):
        CONDITION_OVERVIEW = "condition_overview", _("Condition overview")
        TREATMENT_GUIDE = "treatment_guide", _("Treatment guide")
        THERAPY_GUIDE = "therapy_guide", _("Therapy guide")
        NEWS = "news", _("News")
        COLUMN = "column", _("Column")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        FACT_CHECKED = "fact_checked", _("Fact-checked")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")
        ARCHIVED = "archived", _("Archived")

    # Editors change the text only in these states; anything else goes through a workflow action.
    EDITABLE_STATUSES = (Status.DRAFT, Status.CHANGES_REQUESTED, Status.UNPUBLISHED)

    title = models.CharField(_("title"), max_length=200, help_text=_("e.g. “IVIG for immune thrombocytopenia”."))
    slug = models.SlugField(
        _("slug"), max_length=200, help_text=_("The last part of the page address; filled from the title.")
    )
    dek = models.TextField(
        _("summary"),
        max_length=300,
        validators=[MaxLengthValidator(300)],
        help_text=_("One or two sentences under the title that tell the reader what they will learn."),
    )
    body = RichTextField(_("body"), help_text=_("Use “Heading 2” for sections: they become the table of contents."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.TREATMENT_GUIDE)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status,
        default=Status.DRAFT,
        db_index=True,
        editable=False,
        help_text=_("Readers see the article only once a reviewer has fact-checked and published it."),
    )
    draft_of = models.OneToOneField(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="working_copy",
        verbose_name=_("new version of"),
        help_text=_("Set on the working copy that holds edits to a published article until they are published."),
    )
    conditions = models.ManyToManyField(Condition, related_name="articles", blank=True, verbose_name=_("conditions"))
    products = models.ManyToManyField(Product, related_name="articles", blank=True, verbose_name=_("products"))
    side_effects = models.ManyToManyField(
        SideEffect,
        through="ArticleSideEffect",
        related_name="articles",
        blank=True,
        verbose_name=_("side effects"),
    )
    author = models.ForeignKey(
        Contributor,
        on_delete=models.PROTECT,
        related_name="articles",
        limit_choices_to={"is_writer": True},
        verbose_name=_("author"),
    )
    fact_checker = models.ForeignKey(
        Contributor,
        on_delete=models.PROTECT,
        related_name="fact_checked_articles",
        limit_choices_to={"is_fact_checker": True},
        null=True,
        blank=True,
        verbose_name=_("fact-checked by"),
        help_text=_("Shown to readers as “Fact-checked by”."),
    )
    hero_image = WebImageField(
        _("hero image"),
        upload_to=RandomImagePath("articles"),
        blank=True,
        help_text=_("The picture at the top of the article. JPEG, PNG, GIF or WebP, up to 5 MB."),
    )
    hero_image_alt = models.CharField(
        _("hero image description"),
        max_length=250,
        blank=True,
        help_text=_("Required with an image: describe it for people who cannot see it."),
    )
    hero_image_caption = models.CharField(_("caption"), max_length=250, blank=True)
    hero_image_credit = models.CharField(
        _("credit"), max_length=120, blank=True, help_text=_("e.g. “Photo: Jane Doe / Example Agency”.")
    )
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("When the article went live, or goes live if scheduled. Set by the reviewer who publishes it."),
    )
    last_updated = models.DateField(
        _("last updated"),
        null=True,
        blank=True,
        help_text=_("The date of the last change that matters to readers. Shown as “Last updated”."),
    )
    meta_description = models.CharField(
        _("meta description"),
        max_length=160,
        blank=True,
        help_text=_("Shown by search engines under the title. Up to 160 characters; the summary is used if empty."),
    )
    funding_disclosure = models.TextField(
        _("funding and sponsorship"),
        help_text=_("Who paid for this article, if anyone. Write “None.” when nothing was funded or sponsored."),
    )
    conflict_of_interest = models.TextField(
        _("conflicts of interest"),
        help_text=_("The authors’ and reviewers’ competing interests. Write “None.” when there are none."),
    )
    last_reviewed_on = models.DateField(
        _("last reviewed"), null=True, blank=True, editable=False, help_text=_("When it was last fact-checked.")
    )
    next_review_due = models.DateField(
        _("next review due"),
        null=True,
        blank=True,
        help_text=_(
            "When a reviewer should check the article again. Filled in on publication from the standard review "
            "period; set an earlier date for topics that change quickly."
        ),
    )
    review_reason = models.TextField(
        _("reason for a fresh review"),
        blank=True,
        editable=False,
        help_text=_("Why the published article is back in the review queue, e.g. a cited source was retracted."),
    )
    lock_version = models.PositiveIntegerField(_("edit version"), default=0, editable=False)
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

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=["status", "published_at"], name="article_visibility_idx")]
        permissions = [
            ("submit_article", _("Can submit articles for review")),
            ("review_article", _("Can send articles back with comments")),
            ("fact_check_article", _("Can mark articles as fact-checked")),
            ("publish_article", _("Can publish, unpublish and archive articles")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(draft_of__isnull=True),
                name="unique_article_slug",
                violation_error_message=_("Another article already uses this address."),
            ),
            models.CheckConstraint(
                condition=Q(draft_of__isnull=True) | ~Q(status="published"),
                name="article_working_copy_never_published",
                violation_error_message=_("A working copy is published by publishing it into its article."),
            ),
            models.CheckConstraint(
                condition=Q(hero_image="") | ~Q(hero_image_alt=""),
                name="article_hero_image_has_alt",
                violation_error_message=_("Describe the hero image for readers who cannot see it."),
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_date",
                violation_error_message=_("A published article needs a publication time."),
            ),
            models.CheckConstraint(
                condition=~Q(funding_disclosure="") & ~Q(conflict_of_interest=""),
                name="article_disclosures_present",
                violation_error_message=_("Fill in both disclosures; write “None.” when there is nothing to declare."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.draft_of_id:
            return reverse("articles:article_preview", kwargs={"pk": self.pk})
        return reverse("articles:article_detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        slug_taken = Article.objects.originals().filter(slug=self.slug).exclude(pk__in=[self.pk, self.draft_of_id])
        if self.slug and slug_taken.exists():
            errors["slug"] = _("Another article already uses this address. Choose a different slug.")
        if self.hero_image and not self.hero_image_alt.strip():
            errors["hero_image_alt"] = _("Describe the hero image for readers who cannot see it.")
        if self.status == self.Status.PUBLISHED and not self.published_at:
            errors["published_at"] = _("Give a publication time, or leave the article as a draft.")
        if self.published_at and self.last_updated and self.last_updated < timezone.localdate(self.published_at):
            errors["last_updated"] = _("The last update cannot be before the article was published.")
        for field in ("funding_disclosure", "conflict_of_interest"):
            if not getattr(self, field, "").strip():
                errors[field] = _("Fill this in; write “None.” when there is nothing to declare.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_editable(self):
        return self.status in self.EDITABLE_STATUSES

    @property
    def is_working_copy(self):
        return self.draft_of_id is not None

    @property
    def is_live(self):
        return self.status == self.Status.PUBLISHED and self.published_at and self.published_at <= timezone.now()

    @property
    def updated_on(self):
        """The date readers see as “Last updated”."""
        if self.last_updated:
            return self.last_updated
        return timezone.localdate(self.published_at) if self.published_at else None

    @property
    def description(self):
        return self.meta_description or self.dek

    def side_effect_groups(self):
        """
        The article's side effects as ``[(seriousness, [ArticleSideEffect, ...]), ...]``, mild ones first:
        the grouping of :func:`articles.rendering.group_side_effects` without its split by onset.
        Uses prefetched rows when present.
        """
        from ..rendering import group_side_effects  # rendering imports the models

        return [
            (seriousness, [link for _, links in by_onset for link in links])
            for seriousness, by_onset in group_side_effects(self.article_side_effects.all())
        ]


class ArticleSideEffect(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="article_side_effects")
    side_effect = models.ForeignKey(SideEffect, on_delete=models.PROTECT, related_name="article_links")
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency, default=Frequency.COMMON)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("side effect in this article")
        verbose_name_plural = _("side effects in this article")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "side_effect"],
                name="unique_article_side_effect",
                violation_error_message=_("This side effect is already listed in the article."),
            ),
        ]

    def __str__(self):
        return f"{self.side_effect} ({self.get_frequency_display().lower()})"


class ArticleEvent(models.Model):
    """One step of an article's workflow: who moved it from which state to which, when and why."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20, choices=Article.Status, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Article.Status, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("workflow event")
        verbose_name_plural = _("workflow events")

    def __str__(self):
        return f"{self.article}: {self.action} by {self.actor or 'system'}"


class FactCheck(models.Model):
    """A reviewer's record that they checked one exact version of an article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="fact_checks")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fact_checks", verbose_name=_("reviewer")
    )
    contributor = models.ForeignKey(
        Contributor,
        on_delete=models.PROTECT,
        related_name="fact_checks",
        verbose_name=_("shown to readers as"),
    )
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)
    notes = models.TextField(_("notes"), blank=True, help_text=_("What was checked, and against which sources."))
    lock_version = models.PositiveIntegerField(_("edit version checked"))
    snapshot = models.JSONField(_("content checked"), help_text=_("The exact text and data the reviewer checked."))

    class Meta:
        ordering = ["-checked_at", "-id"]
        get_latest_by = "checked_at"
        verbose_name = _("fact-check")
        verbose_name_plural = _("fact-checks")

    def __str__(self):
        return f"{self.article} checked by {self.contributor} on {self.checked_at:%Y-%m-%d}"


# What a saved version of an article holds, so that restoring it brings back the text and
# its data. Workflow state (status, dates, reviews, edit counter) is left out on purpose:
# restoring an old version never publishes it, and a recovered article comes back as a draft.
ARTICLE_VERSION_FIELDS = [
    "draft_of",
    "created_at",
    "modified_at",
    "created_by",
    "title",
    "slug",
    "dek",
    "body",
    "kind",
    "author",
    "conditions",
    "products",
    "hero_image",
    "hero_image_alt",
    "hero_image_caption",
    "hero_image_credit",
    "meta_description",
    "funding_disclosure",
    "conflict_of_interest",
]
reversion.register(Article, fields=ARTICLE_VERSION_FIELDS, follow=["article_side_effects", "citations"])
reversion.register(ArticleSideEffect, fields=["article", "side_effect", "frequency", "position"])
