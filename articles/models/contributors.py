"""Contributors: the people named in bylines, fact-check lines and the expert board."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from review.models import Reviewed, review_permissions
from richtext.fields import RichTextField
from richtext.uploads import RandomImagePath, WebImageField
from translations.fields import LanguagesField


class Contributor(Reviewed):
    """
    A person readers are told about. Their public profile is reviewed content; the staff account linked
    to it (what makes a fact-check carry their name) is not, and only a superuser may change it.
    """

    reviewed_content = [
        "name",
        "slug",
        "credentials",
        "is_writer",
        "is_fact_checker",
        "is_medical_reviewer",
        "on_expert_board",
        "languages",
        "affiliation",
        "bio",
        "disclosures",
        "photo",
        "photo_alt",
    ]

    name = models.CharField(_("name"), max_length=120, help_text=_("Full name as printed in bylines."))
    slug = models.SlugField(_("slug"), max_length=120)
    credentials = models.CharField(
        _("credentials"),
        max_length=60,
        blank=True,
        help_text=_("Degrees shown after the name, comma-separated, e.g. “PhD” or “MD, MPH”."),
    )
    is_writer = models.BooleanField(_("writer"), default=False)
    is_fact_checker = models.BooleanField(_("fact-checker"), default=False)
    is_medical_reviewer = models.BooleanField(_("medical reviewer"), default=False)
    languages = LanguagesField(
        _("languages read"),
        blank=True,
        help_text=_(
            "The languages this person reads well enough to check a page in them. A translation is fact-checked "
            "only by a reviewer who reads its language."
        ),
    )
    affiliation = models.CharField(
        _("affiliation"),
        max_length=200,
        blank=True,
        help_text=_(
            "Where they work, shown under the name, e.g. “Consultant neurologist, Northfield University Hospital”."
        ),
    )
    bio = RichTextField(_("biography"), blank=True)
    disclosures = models.TextField(
        _("disclosures"),
        blank=True,
        help_text=_(
            "Financial and professional ties readers should know about when they read this person's work, e.g. "
            "“Has received speaker fees from an immunoglobulin manufacturer.” Write “None.” if there are none."
        ),
    )
    photo = WebImageField(
        _("photo"),
        upload_to=RandomImagePath("contributors"),
        blank=True,
        help_text=_("A head-and-shoulders portrait. JPEG, PNG, GIF or WebP, up to 5 MB."),
    )
    photo_alt = models.CharField(
        _("photo description"),
        max_length=200,
        blank=True,
        help_text=_("Describe the photo for people who cannot see it, e.g. “Portrait of Dr Ana Ruiz”."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="contributor",
        verbose_name=_("staff account"),
        help_text=_(
            "The login this contributor uses in the admin, if any. Fact-checks by that login are shown to "
            "readers under this name, so only a superuser may link or unlink it, and each change is recorded."
        ),
    )
    on_expert_board = models.BooleanField(
        _("on the medical expert board"), default=False, help_text=_("Listed on the medical expert board page.")
    )

    class Meta(Reviewed.Meta):
        ordering = ["name"]
        verbose_name = _("contributor")
        verbose_name_plural = _("contributors")
        permissions = review_permissions("contributor", "contributor profiles")
        constraints = [
            *Reviewed.review_constraints(
                "contributor",
                unique={"slug": _("Another contributor already uses this address.")},
            ),
            models.CheckConstraint(
                condition=Q(photo="") | ~Q(photo_alt=""),
                name="contributor_photo_has_alt",
                violation_error_message=_("Describe the photo for readers who cannot see it."),
            ),
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        if self.draft_of_id:  # a new version: staff preview it by id
            return reverse("articles:contributor_preview", kwargs={"pk": self.pk})
        return reverse("articles:contributor_detail", kwargs={"slug": self.slug})

    @property
    def display_name(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    @property
    def roles(self):
        flags = [
            (self.is_writer, _("Writer")),
            (self.is_fact_checker, _("Fact-checker")),
            (self.is_medical_reviewer, _("Medical reviewer")),
        ]
        return [label for flag, label in flags if flag]

    def review_conflicts(self):
        """Nobody fact-checks their own profile."""
        owner = self.draft_of.user_id if self.draft_of_id else self.user_id
        return super().review_conflicts() | ({owner} - {None})

    def content_errors(self):
        if self.photo and not self.photo_alt.strip():
            return {"photo_alt": _("Describe the photo for readers who cannot see it.")}
        return {}
