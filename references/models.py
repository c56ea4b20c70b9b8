from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from review.models import Reviewed, ReviewedQuerySet, review_permissions

from .identifiers import doi_url, normalize_doi, normalize_pmid, pubmed_url, validate_doi, validate_pmid
from .records import CITATION_KEY_PATTERN, initials


class NormalizedCharField(models.CharField):
    """
    A CharField that stores a normalized spelling of its value, on form clean and on every save. Values are
    written and looked up as :meth:`pre_save` leaves them, so a save can keep a stored spelling (see DOIField).
    """

    normalize = staticmethod(lambda value: value)

    def clean(self, value, model_instance):
        return super().clean(self.normalize(self.to_python(value)), model_instance)

    def pre_save(self, model_instance, add):
        value = self.normalize(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value


class DOIField(NormalizedCharField):
    normalize = staticmethod(normalize_doi)
    default_validators = [validate_doi]
    # The same DOI in other letters is the same work: the reviewer's diff and the editors' merge see no change.
    case_insensitive = True

    def pre_save(self, model_instance, add):
        if add or getattr(model_instance, "is_editable", True):
            return super().pre_save(model_instance, add)
        # A record readers see (or a reviewer is checking) keeps the letters its reviewer saw; stored before DOIs
        # were lower-cased, it gets them with its next version.
        return getattr(model_instance, self.attname)


class PMIDField(NormalizedCharField):
    normalize = staticmethod(normalize_pmid)
    default_validators = [validate_pmid]


class SourceQuerySet(ReviewedQuerySet):
    def cited_in_published(self):
        """Published sources that at least one page readers can see cites."""
        live = Q(pk__in=[])
        for model in Citation.citing_models():
            live |= Q(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=model.objects.published().values("pk"),
            )
        return self.published().filter(citations__in=Citation.objects.filter(live)).distinct()

    def retracted(self):
        return self.filter(retracted_on__isnull=False)

    def matching(self, doi="", pmid=""):
        """The sources that already have this DOI (in any letter case) or this PMID."""
        doi, pmid = normalize_doi(doi), normalize_pmid(pmid)
        condition = Q(pk__in=[])
        if doi:
            condition |= Q(doi__iexact=doi)
        if pmid:
            condition |= Q(pmid=pmid)
        return self.filter(condition)


class Source(Reviewed):
    class Kind(models.TextChoices):
        JOURNAL_ARTICLE = "journal_article", _("Journal article")
        WEB_PAGE = "web_page", _("Web page")
        GUIDELINE = "guideline", _("Guideline")
        BOOK = "book", _("Book")
        BOOK_CHAPTER = "book_chapter", _("Book chapter")
        REPORT = "report", _("Report")

    reviewed_content = [
        "kind",
        "authors",
        "has_more_authors",
        "title",
        "publication",
        "publisher",
        "year",
        "published_on",
        "volume",
        "issue",
        "pages",
        "doi",
        "pmid",
        "url",
        "accessed_on",
        "citation_key",
        "retracted_on",
        "retraction_notice_url",
    ]

    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.JOURNAL_ARTICLE)
    title = models.CharField(
        _("title"),
        max_length=500,
        help_text=_("In sentence case, as published, e.g. “Adverse effects of immunoglobulin therapy”."),
    )
    publication = models.CharField(
        _("journal or website"),
        max_length=250,
        blank=True,
        help_text=_("The journal’s abbreviation (e.g. “Front Immunol”), or the website (e.g. “MedlinePlus”)."),
    )
    publisher = models.CharField(
        _("publisher or organization"),
        max_length=250,
        blank=True,
        help_text=_("For books, reports and web pages, e.g. “Centers for Disease Control and Prevention”."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=[MinValueValidator(1800), MaxValueValidator(2100)]
    )
    published_on = models.DateField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_("The full date, when the source gives one (web pages, early online articles)."),
    )
    has_more_authors = models.BooleanField(
        _("more authors not listed"),
        default=False,
        help_text=_("Tick when only the first authors are entered, so the list ends with “et al”."),
    )
    volume = models.CharField(_("volume"), max_length=30, blank=True, help_text=_("e.g. “139”."))
    issue = models.CharField(_("issue"), max_length=30, blank=True, help_text=_("e.g. “3S” or “Suppl 2”."))
    pages = models.CharField(
        _("pages"), max_length=40, blank=True, help_text=_("A range such as “765-778” or an article number.")
    )
    doi = DOIField(
        _("DOI"),
        max_length=200,
        blank=True,
        help_text=_("Paste it in any form (“https://doi.org/10…”, “doi:10…”); it is stored as “10.xxxx/…”."),
    )
    pmid = PMIDField(_("PubMed ID"), max_length=40, blank=True, help_text=_("The PMID number, e.g. “28041678”."))
    url = models.URLField(_("web address"), max_length=500, blank=True)
    accessed_on = models.DateField(
        _("accessed on"), null=True, blank=True, help_text=_("For web pages: when the page was last checked.")
    )
    citation_key = models.CharField(
        _("citation key"),
        max_length=60,
        blank=True,
        validators=[
            RegexValidator(
                CITATION_KEY_PATTERN,
                _("Use letters, digits, “-” and “_” only, starting with a letter, e.g. “perez-2017”."),
            )
        ],
        help_text=_(
            "A short name to cite the source in an article’s text as [cite:perez-2017]. Filled in from the "
            "first author and year when left empty."
        ),
    )
    retracted_on = models.DateField(
        _("retracted on"),
        null=True,
        blank=True,
        help_text=_(
            "Set when the publisher retracts the work. Every article citing it goes back to the review queue, "
            "and readers see “Retracted” next to it."
        ),
    )
    retraction_notice_url = models.URLField(
        _("retraction notice"),
        max_length=500,
        blank=True,
        help_text=_("The address of the publisher’s retraction notice, e.g. “https://doi.org/10.1016/…”."),
    )

    objects = SourceQuerySet.as_manager()

    class Meta(Reviewed.Meta):
        ordering = ["title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        permissions = review_permissions("source", "sources")
        constraints = [
            *Reviewed.review_constraints("source"),
            models.UniqueConstraint(
                Lower("doi"),
                condition=~Q(doi="") & Q(draft_of__isnull=True),
                name="unique_source_doi_ci",
                violation_error_message=_("Another source already has this DOI."),
            ),
            models.UniqueConstraint(
                fields=["pmid"],
                condition=~Q(pmid="") & Q(draft_of__isnull=True),
                name="unique_source_pmid",
                violation_error_message=_("Another source already has this PubMed ID."),
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1800, year__lte=2100),
                name="source_year_range",
            ),
            models.UniqueConstraint(
                Lower("citation_key"),
                condition=~Q(citation_key="") & Q(draft_of__isnull=True),
                name="unique_source_citation_key_ci",
                violation_error_message=_("Another source already has this citation key."),
            ),
            models.CheckConstraint(
                condition=Q(retraction_notice_url="") | Q(retracted_on__isnull=False),
                name="source_retraction_notice_has_date",
                violation_error_message=_("Give the date of the retraction along with its notice."),
            ),
        ]

    def __str__(self):
        year = f" ({self.year})" if self.year else ""
        return f"{self.title}{year}"

    def get_absolute_url(self):
        return reverse("references:source_detail", kwargs={"pk": self.pk})

    def duplicate_errors(self):
        """Messages for identifiers another source in the library already has, by field."""
        errors = {}
        duplicates = Source.objects.originals().exclude(pk__in=[self.pk, self.draft_of_id])
        doi, pmid = normalize_doi(self.doi), normalize_pmid(self.pmid)
        if doi and duplicates.filter(doi__iexact=doi).exists():
            errors["doi"] = _("Another source in the library already has this DOI. Cite that source instead.")
        if pmid and duplicates.filter(pmid=pmid).exists():
            errors["pmid"] = _("Another source in the library already has this PubMed ID. Cite that source instead.")
        if self.citation_key and duplicates.filter(citation_key__iexact=self.citation_key).exists():
            errors["citation_key"] = _("Another source already has this citation key. Choose another one.")
        return errors

    def clean(self):
        errors = self.duplicate_errors()
        try:
            super().clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def content_errors(self):
        """Messages for what a complete, findable reference needs, by field."""
        errors = {}
        if self.kind in {self.Kind.WEB_PAGE, self.Kind.GUIDELINE} and not (self.url or normalize_doi(self.doi)):
            errors["url"] = _("Give the web address so readers can find this page.")
        if self.accessed_on and not self.url:
            errors["accessed_on"] = _("An accessed date only makes sense with a web address.")
        if self.retraction_notice_url and not self.retracted_on:
            errors["retracted_on"] = _("Give the date of the retraction along with its notice.")
        return errors

    @property
    def is_retracted(self):
        return self.retracted_on is not None

    @property
    def marker_key(self):
        return self.citation_key or self.doi or str(self.pk)

    @property
    def marker(self):
        """What an editor types in an article's text to cite this source."""
        return f"[cite:{self.marker_key}]"

    @property
    def doi_url(self):
        return doi_url(self.doi)

    @property
    def pubmed_url(self):
        return pubmed_url(self.pmid)

    @property
    def link(self):
        """Where a reader should go to find the work: the DOI first, then the web address."""
        return self.doi_url or self.url


class SourceAuthor(models.Model):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="authors")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    family_name = models.CharField(
        _("family name or group"),
        max_length=200,
        help_text=_("e.g. “Perez”, or a group author such as “American Academy of Neurology”."),
    )
    given_names = models.CharField(
        _("given names or initials"),
        max_length=100,
        blank=True,
        help_text=_("e.g. “Elena E.” or “EE”. Leave empty for a group author."),
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return f"{self.family_name} {self.initials}".strip()

    @property
    def initials(self):
        return initials(self.given_names)


class CitationQuerySet(models.QuerySet):
    def for_display(self):
        return self.select_related("source").prefetch_related("source__authors")


class Citation(models.Model):
    """A numbered source in a reviewed record's text: an article, a condition, product or side-effect page."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("kind of page"))
    object_id = models.PositiveBigIntegerField(_("page"))
    record = GenericForeignKey("content_type", "object_id")
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="citations", limit_choices_to={"draft_of__isnull": True}
    )
    position = models.PositiveSmallIntegerField(
        _("order"),
        default=0,
        help_text=_(
            "Sources are numbered 1, 2, 3… on the page in this order. On save they are renumbered by where the "
            "text first cites them; sources the text does not cite follow in the order given here."
        ),
    )

    objects = CitationQuerySet.as_manager()

    class Meta:
        ordering = ["content_type", "object_id", "position", "id"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        indexes = [models.Index(fields=["content_type", "object_id"], name="citation_record_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "source"],
                name="unique_citation_source",
                violation_error_message=_("This source is already cited here."),
            ),
        ]

    def __str__(self):
        return f"[{self.position}] {self.source}"

    @staticmethod
    def citing_models():
        """The models that cite sources, through a generic relation named ``citations``."""
        from django.apps import apps

        return [
            model
            for model in apps.get_models()
            for field in model._meta.private_fields
            if isinstance(field, GenericRelation) and field.related_model is Citation
        ]
