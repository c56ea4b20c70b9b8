from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class Document(models.Model):
    """
        What search finds of one published record, kept current when the record is saved (``search/indexing.py``):
        its words weighted in a stored, indexed search vector (and those of its title and summary in a second, small
    one that ranks), its title, address and the opening of its text for snippets. Maintained on
        PostgreSQL only; elsewhere search reads the records themselves.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    language = models.CharField(
        _("language"),
        max_length=10,
        default="en",
        help_text=_("The language of the words: a page and each of its translations."),
    )
    kind = models.CharField(_("kind"), max_length=40, help_text=_("What readers are told it is, e.g. “Article”."))
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("address"), max_length=500)
    published_at = models.DateTimeField(_("published at"))
    title_words = models.TextField(_("title words"), help_text=_("The words a misspelled query is compared with."))
    snippet_text = models.TextField(_("snippet text"), blank=True)
    vector = SearchVectorField(null=True)
    head = SearchVectorField(
        null=True, help_text=_("The title's and summary's words alone: small enough to rank thousands of matches.")
    )

    class Meta:
        verbose_name = _("search document")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "language"], name="one_document_per_language")
        ]

    def __str__(self):
        return self.title
