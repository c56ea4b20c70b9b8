"""Side effects and the IVIG products they are linked to, with their approvals."""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from references.models import Citation
from review.models import MedicalReview, Reviewed, ReviewedQuerySet, review_permissions

from .conditions import Condition

ORIGINALS = {"draft_of__isnull": True}


class Frequency(models.TextChoices):
    """How often a side effect occurs with a product or in an article's telling."""

    COMMON = "common", _("Common")
    LESS_COMMON = "less_common", _("Less common")
    RARE = "rare", _("Rare")


class SideEffect(Reviewed):
    page_parts = "articles.publishing.side_effect_parts"

    class Seriousness(models.TextChoices):
        MILD = "mild", _("Common and usually mild")
        SERIOUS = "serious", _("Serious")

    class Onset(models.TextChoices):
        DURING = "during", _("During or soon after the infusion")
        DELAYED = "delayed", _("Hours to days later")

    medical_review = MedicalReview.OPTIONAL
    reviewed_content = [
        "name",
        "slug",
        "seriousness",
        "onset",
        "description",
        "risk_factors",
        "what_helps",
        "when_to_seek_help",
        "care_level",
        "warning_signs",
        "citations",
    ]
    translated_content = ["name", "description", "risk_factors", "what_helps", "when_to_seek_help", "warning_signs"]

    class CareLevel(models.TextChoices):
        """How fast a reader must act on the warning signs, from the NHS care card pattern; most urgent last."""

        ROUTINE = "routine", _("Tell your care team at your next visit")
        URGENT = "urgent", _("Urgent advice")
        IMMEDIATE = "immediate", _("Immediate action required")

    name = models.CharField(_("name"), max_length=120, help_text=_("e.g. “Headache”."))
    slug = models.SlugField(_("slug"), max_length=120)
    description = models.TextField(
        _("plain-language description"),
        help_text=_("What it is and how it feels, in words a patient understands."),
    )
    seriousness = models.CharField(_("seriousness"), max_length=10, choices=Seriousness, default=Seriousness.MILD)
    onset = models.CharField(_("typical onset"), max_length=10, choices=Onset, default=Onset.DURING)
    risk_factors = models.TextField(
        _("who is more at risk"),
        blank=True,
        help_text=_("What makes it more likely, e.g. “High doses, fast infusions, a history of migraine.”"),
    )
    what_helps = models.TextField(
        _("what helps"),
        blank=True,
        help_text=_("What prevents or eases it, e.g. “A slower infusion rate, drinking water beforehand.”"),
    )
    when_to_seek_help = models.TextField(
        _("when to seek help"),
        blank=True,
        help_text=_("Warning signs that mean calling the care team or emergency services."),
    )
    care_level = models.CharField(
        _("care level"),
        max_length=10,
        choices=CareLevel,
        default=CareLevel.ROUTINE,
        help_text=_(
            "“Urgent advice” (contact the care team today) and “Immediate action required” (call emergency "
            "services) put the warning signs on the “Get help now” card at the top of every page that lists it."
        ),
    )
    warning_signs = models.TextField(
        _("warning signs for the “Get help now” card"),
        blank=True,
        help_text=_(
            "One sign per line, short and concrete, e.g. “Trouble breathing or swallowing”. "
            "Empty: the card shows “when to seek help” instead."
        ),
    )
    citations = GenericRelation(Citation, related_query_name="side_effect")

    class Meta(Reviewed.Meta):
        ordering = ["name"]
        verbose_name = _("side effect")
        verbose_name_plural = _("side effects")
        permissions = review_permissions("sideeffect", "side effects")
        constraints = [
            *Reviewed.review_constraints(
                "sideeffect",
                unique={
                    "name": _("Another side effect already has this name."),
                    "slug": _("Another side effect already uses this address."),
                },
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        if self.draft_of_id:  # a new version: staff preview it by id
            return reverse("articles:sideeffect_preview", kwargs={"pk": self.pk})
        return reverse("articles:side_effect_detail", kwargs={"slug": self.slug})

    @property
    def is_serious(self):
        return self.seriousness == self.Seriousness.SERIOUS

    @property
    def warning_sign_list(self):
        """The warning signs as a list, one per non-empty line."""
        return [line.strip(" -•\t") for line in self.warning_signs.splitlines() if line.strip(" -•\t")]


class ProductQuerySet(ReviewedQuerySet):
    def for_listing(self):
        """Products with their approvals for published conditions, in a fixed number of queries."""
        return self.prefetch_related(
            Prefetch(
                "approvals",
                queryset=ProductApproval.objects.filter(condition__in=Condition.objects.shown()).select_related(
                    "condition"
                ),
            )
        )

    def for_detail(self):
        """What a product page shows besides its articles, in a fixed number of queries."""
        return self.for_listing().prefetch_related(
            Prefetch(
                "product_side_effects",
                queryset=ProductSideEffect.objects.filter(side_effect__in=SideEffect.objects.shown()).select_related(
                    "side_effect"
                ),
            )
        )


class Product(Reviewed):
    page_parts = "articles.publishing.product_parts"

    class Route(models.TextChoices):
        INTRAVENOUS = "iv", _("Intravenous (IVIG)")
        SUBCUTANEOUS = "sc", _("Subcutaneous (SCIG)")

    medical_review = MedicalReview.OPTIONAL
    reviewed_content = [
        "brand_name",
        "slug",
        "nonproprietary_name",
        "manufacturer",
        "route",
        "concentration",
        "notes",
        "codes",
        "approvals",
        "product_side_effects",
        "citations",
    ]

    brand_name = models.CharField(_("brand name"), max_length=120, help_text=_("e.g. “Privigen”."))
    slug = models.SlugField(_("slug"), max_length=120)
    nonproprietary_name = models.CharField(
        _("non-proprietary name"),
        max_length=200,
        help_text=_("The generic name on the label, e.g. “immune globulin intravenous (human), 10% liquid”."),
    )
    manufacturer = models.CharField(_("manufacturer"), max_length=120, help_text=_("e.g. “CSL Behring”."))
    route = models.CharField(_("route"), max_length=2, choices=Route, default=Route.INTRAVENOUS)
    concentration = models.CharField(
        _("concentration"), max_length=40, blank=True, help_text=_("e.g. “10%”, or “5% and 10%”.")
    )
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("Anything a patient should know, e.g. how it is stored or supplied.")
    )
    conditions = models.ManyToManyField(
        Condition,
        through="ProductApproval",
        related_name="products",
        blank=True,
        verbose_name=_("approved for"),
    )
    side_effects = models.ManyToManyField(
        SideEffect, through="ProductSideEffect", related_name="products", blank=True, verbose_name=_("side effects")
    )
    citations = GenericRelation(Citation, related_query_name="product")

    objects = ProductQuerySet.as_manager()

    class Meta(Reviewed.Meta):
        ordering = ["brand_name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        permissions = review_permissions("product", "products")
        constraints = [
            *Reviewed.review_constraints(
                "product",
                unique={
                    "brand_name": _("Another product already has this brand name."),
                    "slug": _("Another product already uses this address."),
                },
            ),
        ]

    def __str__(self):
        return self.brand_name

    def get_absolute_url(self):
        if self.draft_of_id:  # a new version: staff preview it by id
            return reverse("articles:product_preview", kwargs={"pk": self.pk})
        return reverse("articles:product_detail", kwargs={"slug": self.slug})


class ProductApproval(models.Model):
    class Region(models.TextChoices):
        US = "US", _("United States (FDA)")
        EU = "EU", _("European Union (EMA)")
        UK = "UK", _("United Kingdom (MHRA)")
        CA = "CA", _("Canada (Health Canada)")
        AU = "AU", _("Australia (TGA)")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="approvals")
    condition = models.ForeignKey(
        Condition, on_delete=models.CASCADE, related_name="approvals", limit_choices_to=ORIGINALS
    )
    region = models.CharField(_("region"), max_length=2, choices=Region, default=Region.US)
    year = models.PositiveSmallIntegerField(
        _("year approved"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
        help_text=_("Leave empty if not known."),
    )

    class Meta:
        ordering = ["condition__name", "region"]
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "condition", "region"],
                name="unique_product_approval",
                violation_error_message=_("This product is already listed as approved for this condition here."),
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1950, year__lte=2100),
                name="product_approval_year_range",
            ),
        ]

    def __str__(self):
        year = f", {self.year}" if self.year else ""
        return f"{self.product} for {self.condition.short_name} ({self.region}{year})"


class ProductSideEffect(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="product_side_effects")
    side_effect = models.ForeignKey(
        SideEffect, on_delete=models.PROTECT, related_name="product_links", limit_choices_to=ORIGINALS
    )
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency, default=Frequency.COMMON)

    class Meta:
        ordering = ["side_effect__name"]
        verbose_name = _("product side effect")
        verbose_name_plural = _("product side effects")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "side_effect"],
                name="unique_product_side_effect",
                violation_error_message=_("This side effect is already listed for the product."),
            ),
        ]

    def __str__(self):
        return f"{self.side_effect} ({self.get_frequency_display().lower()})"
