"""Articles and the side effects they describe. Their review is the shared mechanism of the ``review`` app."""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Prefetch, Q
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from references.models import Citation, Source
from review.models import MedicalReview, Reviewed, ReviewedQuerySet, review_permissions
from richtext.fields import RichTextField
from richtext.uploads import RandomImagePath, WebImageField

from .conditions import Condition
from .contributors import Contributor
from .products import Frequency, Product, SideEffect

ORIGINALS = {"draft_of__isnull": True}

# The date an article card shows as “Updated” (``Reviewed.updated_on``): lists sort by it, newest first.
SHOWN_DATE = Coalesce("last_updated", TruncDate("published_at"), output_field=models.DateField())


class ArticleQuerySet(ReviewedQuerySet):
    def related_to(self, article, limit):
        """
        The ``limit`` other articles sharing the most conditions with ``article``, newest first among equals. They
        are ranked over ids alone (a condition may hold thousands of articles), then only they are read in full.
        """
        sharing = (
            self.filter(conditions__in=article.conditions.values("pk"))
            .exclude(pk=article.pk)
            .annotate(shared_conditions=models.Count("conditions"))
        )
        order = ("-shared_conditions", "-published_at", "-pk")
        return sharing.filter(pk__in=sharing.order_by(*order).values("pk")[:limit]).order_by(*order)

    def newest_first(self):
        """Most recently updated first, by the date cards show as “Updated” (``Reviewed.updated_on``)."""
        return self.annotate(shown_date=SHOWN_DATE).order_by(
            F("shown_date").desc(nulls_last=True), "-published_at", "-pk"
        )

    def for_listing(self):
        """
        What a list of article cards needs, in a fixed number of queries; newest first (by the date the cards
        show) unless the queryset is already sorted some other way.
        """
        listing = self if self.query.order_by else self.newest_first()
        return listing.select_related("author").prefetch_related(
            Prefetch("conditions", queryset=Condition.objects.published().order_by("name"))
        )

    def page_slice(self, start, stop):
        """
        The rows of ``self[start:stop]``, without reading the ones before ``start``: the rows are picked by
        primary key in a narrow subquery (same filters and order, the offset skipped in the listing index),
        and only those are read in full with their joins. The order must be total, as ``newest_first()``'s is.
        """
        return self.filter(pk__in=self.values_list("pk", flat=True)[start:stop])

    def for_detail(self):
        """
        Everything an article page shows, in a fixed number of queries however long its lists are.
        Shared records readers may not see (a condition, product, side effect or source not published)
        are left out, except in a staff preview of a version on its way (``shown()``).
        """
        return self.select_related("author", "fact_checker", "medical_reviewer").prefetch_related(
            Prefetch("conditions", queryset=Condition.objects.shown().order_by("name")),
            "conditions__codes",  # in the page's structured data; a lookup of its own reaches conditions already loaded
            Prefetch("products", queryset=Product.objects.shown().for_listing()),
            Prefetch(
                "article_side_effects",
                queryset=ArticleSideEffect.objects.filter(side_effect__in=SideEffect.objects.shown()).select_related(
                    "side_effect"
                ),
            ),
            Prefetch("citations", queryset=Citation.objects.for_display().filter(source__in=Source.objects.shown())),
        )


class Article(Reviewed):
    page_parts = "articles.publishing.article_parts"

    class Kind(models.TextChoices):
        CONDITION_OVERVIEW = "condition_overview", _("Condition overview")
        TREATMENT_GUIDE = "treatment_guide", _("Treatment guide")
        THERAPY_GUIDE = "therapy_guide", _("Therapy guide")
        NEWS = "news", _("News")
        COLUMN = "column", _("Column")

    medical_review = MedicalReview.OPTIONAL
    medical_review_by_kind = {
        Kind.THERAPY_GUIDE: MedicalReview.REQUIRED,
        Kind.CONDITION_OVERVIEW: MedicalReview.REQUIRED,
    }
    reviewed_content = [
        "title",
        "slug",
        "kind",
        "dek",
        "key_takeaways",
        "body",
        "author",
        "conditions",
        "products",
        "article_side_effects",
        "citations",
        "hero_image",
        "hero_image_alt",
        "hero_image_caption",
        "hero_image_credit",
        "meta_description",
        "funding_disclosure",
        "conflict_of_interest",
    ]
    translated_content = [
        "title",
        "dek",
        "key_takeaways",
        "body",
        "hero_image_alt",
        "hero_image_caption",
        "meta_description",
        "funding_disclosure",
        "conflict_of_interest",
    ]

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
    key_takeaways = RichTextField(
        _("key takeaways"),
        blank=True,
        help_text=_(
            "Three to five short points a reader should leave with, as a bulleted list. "
            "Shown in a box above the first section."
        ),
    )
    body = RichTextField(_("body"), help_text=_("Use “Heading 2” for sections: they become the table of contents."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.TREATMENT_GUIDE)
    conditions = models.ManyToManyField(
        Condition, related_name="articles", blank=True, limit_choices_to=ORIGINALS, verbose_name=_("conditions")
    )
    products = models.ManyToManyField(
        Product, related_name="articles", blank=True, limit_choices_to=ORIGINALS, verbose_name=_("products")
    )
    side_effects = models.ManyToManyField(
        SideEffect,
        through="ArticleSideEffect",
        related_name="articles",
        blank=True,
        verbose_name=_("side effects"),
    )
    citations = GenericRelation(Citation, related_query_name="article")
    author = models.ForeignKey(
        Contributor,
        on_delete=models.PROTECT,
        related_name="articles",
        limit_choices_to={"is_writer": True, **ORIGINALS},
        verbose_name=_("author"),
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

    objects = ArticleQuerySet.as_manager()

    class Meta(Reviewed.Meta):
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        # On PostgreSQL, lists in their order (newest_first()) also have an index of their own, from which a page's
        # ids are read however deep: article_listing_idx, made by migration 0009 for PostgreSQL only (SQLite cannot
        # sort an index NULLS LAST). It is built for the site's time zone when migrated; after changing
        # DJANGO_TIME_ZONE, rebuild it (migrate articles 0008, then migrate), or lists fall back to sorting.
        indexes = [models.Index(fields=["status", "published_at"], name="article_visibility_idx")]
        permissions = review_permissions("article", "articles")
        constraints = [
            *Reviewed.review_constraints(
                "article",
                unique={"slug": _("Another article already uses this address.")},
            ),
            models.CheckConstraint(
                condition=Q(hero_image="") | ~Q(hero_image_alt=""),
                name="article_hero_image_has_alt",
                violation_error_message=_("Describe the hero image for readers who cannot see it."),
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

    def content_errors(self):
        errors = {}
        if self.hero_image and not self.hero_image_alt.strip():
            errors["hero_image_alt"] = _("Describe the hero image for readers who cannot see it.")
        for field in ("funding_disclosure", "conflict_of_interest"):
            if not getattr(self, field, "").strip():
                errors[field] = _("Fill this in; write “None.” when there is nothing to declare.")
        return errors

    def review_conflicts(self):
        """The author may not fact-check their own article either."""
        author = Contributor.objects.filter(pk=self.author_id).values_list("user_id", flat=True).first()
        return super().review_conflicts() | ({author} - {None})

    @property
    def description(self):
        return self.meta_description or self.dek

    def reading_texts(self):
        """
        Everything a reader reads on the article's page, for its reading time: the takeaways, the body and the
        side-effect cards. Uses prefetched side effects when present.
        """
        texts = [self.key_takeaways, self.body]
        for link in self.article_side_effects.all():
            effect = link.side_effect
            texts += [effect.description, effect.risk_factors, effect.what_helps, effect.warning_signs]
            if effect.care_level == SideEffect.CareLevel.ROUTINE:
                texts.append(effect.when_to_seek_help)
        return texts

    def side_effect_groups(self):
        """
        The article's side effects as ``[(seriousness, [ArticleSideEffect, ...]), ...]``, serious ones first:
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
    side_effect = models.ForeignKey(
        SideEffect, on_delete=models.PROTECT, related_name="article_links", limit_choices_to=ORIGINALS
    )
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
