"""Conditions: the illnesses IVIG treats, each with its own page."""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from references.models import Citation
from review.models import MedicalReview, Reviewed, ReviewedQuerySet, review_permissions
from richtext.fields import RichTextField

from .codes import CodeSystem


class ConditionQuerySet(ReviewedQuerySet):
    def with_ivig_use(self):
        """
        Annotate ``treated_with_ivig``: a published intravenous product is approved for the condition, or a
        published treatment or therapy guide covers it. Derived from the records, so no flag can go stale.
        """
        from .articles import Article
        from .products import Product, ProductApproval

        approved = ProductApproval.objects.filter(
            condition=OuterRef("pk"),
            product__in=Product.objects.published().filter(route=Product.Route.INTRAVENOUS),
        )
        guides = Article.objects.published().filter(
            conditions=OuterRef("pk"), kind__in=[Article.Kind.TREATMENT_GUIDE, Article.Kind.THERAPY_GUIDE]
        )
        return self.annotate(treated_with_ivig=Exists(approved) | Exists(guides))

    def treated_with_ivig(self):
        return self.with_ivig_use().filter(treated_with_ivig=True)


class Condition(Reviewed):
    page_parts = "articles.publishing.condition_parts"
    medical_review = MedicalReview.OPTIONAL
    api_compatibility = ["icd10_code"]
    reviewed_content = [
        "name",
        "abbreviation",
        "slug",
        "codes",
        "synonyms",
        "summary",
        "overview",
        "treatment",
        "immediate_signs",
        "urgent_signs",
        "related_conditions",
        "citations",
    ]
    # What a translation carries (see translations.models): the words; codes, links and sources stay shared.
    translated_content = ["name", "abbreviation", "summary", "overview", "treatment", "immediate_signs", "urgent_signs"]

    name = models.CharField(
        _("name"), max_length=120, help_text=_("As patients say it, e.g. “Immune thrombocytopenia”.")
    )
    abbreviation = models.CharField(
        _("abbreviation"), max_length=20, blank=True, help_text=_("e.g. “ITP”, “CIDP”. Leave empty if none.")
    )
    slug = models.SlugField(_("slug"), max_length=120, help_text=_("The last part of the page address, e.g. “itp”."))
    synonyms = models.TextField(
        _("other names"),
        blank=True,
        help_text=_(
            "Other names health records and readers use, one per line, e.g. “Idiopathic thrombocytopenic purpura”, "
            "“Werlhof disease”. A request to the Infobutton by any of them finds this page."
        ),
    )
    summary = models.TextField(
        _("short summary"),
        max_length=400,
        validators=[MaxLengthValidator(400)],
        help_text=_("One or two plain sentences shown in lists and search results."),
    )
    overview = RichTextField(_("overview"), blank=True, help_text=_("What the condition is and how it affects people."))
    treatment = RichTextField(_("treatment"), blank=True, help_text=_("How it is treated, and where IVIG fits in."))
    immediate_signs = models.TextField(
        _("signs that need emergency help"),
        blank=True,
        help_text=_(
            "One sign per line, short and concrete, e.g. “Bleeding that will not stop, even with firm pressure”. "
            "Shown under “Immediate action required” (call emergency services) on the “Get help now” card near "
            "the top of the page."
        ),
    )
    urgent_signs = models.TextField(
        _("signs to act on the same day"),
        blank=True,
        help_text=_(
            "One sign per line, e.g. “Blood in your urine or stool”. Shown under “Urgent advice” (contact the care "
            "team today) on the “Get help now” card. Leave both lists empty for a condition that needs no card."
        ),
    )
    related_conditions = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        limit_choices_to={"draft_of__isnull": True},
        verbose_name=_("related conditions"),
        help_text=_("Shown as “See also” on the page."),
    )
    citations = GenericRelation(Citation, related_query_name="condition")

    objects = ConditionQuerySet.as_manager()

    class Meta(Reviewed.Meta):
        ordering = ["name"]
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")
        permissions = review_permissions("condition", "condition pages")
        constraints = [
            *Reviewed.review_constraints(
                "condition",
                unique={
                    "name": _("Another condition already has this name."),
                    "slug": _("Another condition already uses this address."),
                },
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name

    def get_absolute_url(self):
        if self.draft_of_id:  # a new version: staff preview it by id
            return reverse("articles:condition_preview", kwargs={"pk": self.pk})
        return reverse("articles:condition_detail", kwargs={"slug": self.slug})

    @property
    def short_name(self):
        return self.abbreviation or self.name

    @property
    def synonym_list(self):
        return [line.strip() for line in self.synonyms.splitlines() if line.strip()]

    @property
    def icd10_code(self) -> str:
        """The first ICD-10-CM code or range, as pages and the API have always shown it (“D69.3”, “D80–D84”)."""
        codes = [code for code in self.codes.all() if code.system == CodeSystem.ICD10CM]
        singles = [code for code in codes if not code.is_range]
        first = (singles or codes or [None])[0]
        return first.display_code if first else ""
