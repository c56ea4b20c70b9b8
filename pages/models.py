from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from articles.richtext import RichTextField


class PageQuerySet(models.QuerySet):
    def published(self):
        """Pages a reader may see."""
        return self.filter(is_published=True)


class Page(models.Model):
    """A standing page about the site itself, such as the editorial policy or the medical disclaimer."""

    title = models.CharField(_("title"), max_length=120, help_text=_("e.g. “Editorial policy”."))
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        help_text=_("The last part of the page address, e.g. “editorial-policy” for /about/editorial-policy/."),
    )
    summary = models.TextField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences under the title, also used by search engines."),
    )
    body = RichTextField(_("body"), help_text=_("Use “Heading 2” for sections and “Heading 3” inside them."))
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Readers see the page, and its link in the footer, only when ticked."),
    )
    footer_position = models.PositiveSmallIntegerField(
        _("position in the footer"),
        default=0,
        help_text=_("Footer links are listed from the lowest number to the highest, e.g. 10, 20, 30."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    modified_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["footer_position", "title"]
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("pages:page_detail", kwargs={"slug": self.slug})
