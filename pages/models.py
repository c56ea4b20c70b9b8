from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from review.models import Reviewed, review_permissions
from richtext.fields import RichTextField


class Page(Reviewed):
    """A standing page about the site itself, such as the editorial policy or the medical disclaimer."""

    reviewed_content = ["title", "slug", "summary", "body", "footer_position"]
    translated_content = ["title", "summary", "body"]

    title = models.CharField(_("title"), max_length=120, help_text=_("e.g. “Editorial policy”."))
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        help_text=_("The last part of the page address, e.g. “editorial-policy” for /about/editorial-policy/."),
    )
    summary = models.TextField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences under the title, also used by search engines."),
    )
    body = RichTextField(_("body"), help_text=_("Use “Heading 2” for sections and “Heading 3” inside them."))
    footer_position = models.PositiveSmallIntegerField(
        _("position in the footer"),
        default=0,
        help_text=_("Footer links are listed from the lowest number to the highest, e.g. 10, 20, 30."),
    )

    class Meta(Reviewed.Meta):
        ordering = ["footer_position", "title"]
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")
        permissions = review_permissions("page", "site pages")
        constraints = [
            *Reviewed.review_constraints(
                "page",
                unique={"slug": _("Another page already uses this address.")},
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.draft_of_id:  # a new version: staff preview it by id
            return reverse("pages:page_preview", kwargs={"pk": self.pk})
        return reverse("pages:page_detail", kwargs={"slug": self.slug})
