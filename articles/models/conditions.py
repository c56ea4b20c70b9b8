"""Conditions: the illnesses IVIG treats, each with its own page."""

from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..richtext import RichTextField

ICD10_PATTERN = r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$"


class Frequency(models.TextChoices):
    """How often a side effect occurs with a product or in an article's telling."""

    COMMON = "common", _("Common")
    LESS_COMMON = "less_common", _("Less common")
    RARE = "rare", _("Rare")


class ConditionQuerySet(models.QuerySet):
    def published(self):
        """Conditions a reader may see."""
        return self.filter(is_published=True)


class Condition(models.Model):
    name = models.CharField(
        _("name"), max_length=120, unique=True, help_text=_("As patients say it, e.g. “Immune thrombocytopenia”.")
    )
    abbreviation = models.CharField(
        _("abbreviation"), max_length=20, blank=True, help_text=_("e.g. “ITP”, “CIDP”. Leave empty if none.")
    )
    slug = models.SlugField(
        _("slug"), max_length=120, unique=True, help_text=_("The last part of the page address, e.g. “itp”.")
    )
    icd10_code = models.CharField(
        _("ICD-10 code"),
        max_length=10,
        blank=True,
        validators=[
            RegexValidator(
                ICD10_PATTERN,
                _("Enter an ICD-10 code like “D69.3”: a capital letter, two digits, then optionally a dot and more."),
            )
        ],
        help_text=_("The ICD-10 code, e.g. “D69.3” for immune thrombocytopenia."),
    )
    summary = models.TextField(
        _("short summary"),
        max_length=400,
        validators=[MaxLengthValidator(400)],
        help_text=_("One or two plain sentences shown in lists and search results."),
    )
    overview = RichTextField(_("overview"), blank=True, help_text=_("What the condition is and how it affects people."))
    treatment = RichTextField(_("treatment"), blank=True, help_text=_("How it is treated, and where IVIG fits in."))
    related_conditions = models.ManyToManyField(
        "self", blank=True, verbose_name=_("related conditions"), help_text=_("Shown as “See also” on the page.")
    )
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Readers see the condition page only when this is ticked.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    modified_at = models.DateTimeField(_("modified"), auto_now=True)

    objects = ConditionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")
        constraints = [
            models.CheckConstraint(
                condition=Q(icd10_code="") | Q(icd10_code__regex=ICD10_PATTERN),
                name="condition_icd10_format",
                violation_error_message=_("Enter an ICD-10 code like “D69.3”."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name

    def get_absolute_url(self):
        return reverse("articles:condition_detail", kwargs={"slug": self.slug})

    @property
    def short_name(self):
        return self.abbreviation or self.name
