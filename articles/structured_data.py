"""
Schema.org JSON-LD for reader pages, built from the same rows the page shows.

Only real schema.org types and properties are used (tests/test_structured_data.py keeps a list of them).
Side effects belong to a therapy, not to a drug: schema.org has no ``adverseOutcome`` on ``Drug``, so they
are the ``adverseOutcome``/``seriousAdverseOutcome`` of a ``MedicalTherapy`` whose ``drug`` is the product.
Render the result with the ``json_ld`` template filter.
"""

from django.conf import settings
from django.utils.translation import override

from references.markers import strip_markers
from references.models import Source

CONTEXT = "https://schema.org"
PATIENTS = {"@type": "MedicalAudience", "audienceType": "Patient"}


def _compact(data):
    """Drop empty values so the markup says nothing the page does not."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def _date(value):
    return value.isoformat() if value else None


def _relative(path):
    return path


# The properties that hold our own addresses; stored site-relative ("/articles/…"), completed per request.
URL_KEYS = frozenset({"@id", "url", "item", "image"})


def absolutize(data, origin):
    """
    ``data`` (JSON-LD built without a request) with every site-relative address made absolute with
    ``origin`` (e.g. ``https://example.org``); addresses elsewhere are left as they are.
    """
    if isinstance(data, dict):
        return {
            key: origin + value
            if key in URL_KEYS and isinstance(value, str) and value.startswith("/") and not value.startswith("//")
            else absolutize(value, origin)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [absolutize(item, origin) for item in data]
    return data


class StructuredData:
    """
    Builds JSON-LD. Given a request, its host makes the URLs absolute; without one (when a page is rendered
    at publication) they stay site-relative and :func:`absolutize` completes them for each request.
    """

    def __init__(self, request=None):
        self.absolute = request.build_absolute_uri if request is not None else _relative

    def url(self, obj):
        return self.absolute(obj.get_absolute_url())

    def language(self, record):
        """``inLanguage``, and for a translation the English page it translates (``translationOfWork``)."""
        shown = getattr(record, "shown_language", None) or settings.LANGUAGE_CODE
        if shown == settings.LANGUAGE_CODE:
            return {"inLanguage": shown}
        with override(settings.LANGUAGE_CODE):
            return {"inLanguage": shown, "translationOfWork": {"@id": self.url(record)}}

    # --- Pages ----------------------------------------------------------------------------------------------

    def article_page(self, article, *, conditions, products, breadcrumbs, reviewed_on):
        """A MedicalWebPage about ``conditions`` and mentioning ``products``, as the page shows them."""
        citations = [citation.source for citation in article.citations.all()]
        side_effects = [link.side_effect for link in article.article_side_effects.all()]
        mentions = [self.drug(product) for product in products]
        if side_effects:
            mentions.append(self.therapy("Immunoglobulin treatment", side_effects, products))
        return _compact(
            {
                "@context": CONTEXT,
                "@type": "MedicalWebPage",
                "@id": self.url(article),
                "url": self.url(article),
                "headline": article.title,
                "name": article.title,
                "description": article.description,
                **self.language(article),
                "image": self.absolute(article.hero_image.url) if article.hero_image else None,
                "datePublished": _date(article.published_at),
                "dateModified": _date(article.updated_on),
                "lastReviewed": _date(reviewed_on),
                "author": self.person(article.author) if article.author.is_live else None,
                "reviewedBy": self.reviewer(article),
                "publisher": self.publisher(),
                "medicalAudience": PATIENTS,
                "about": [self.condition(condition) for condition in conditions],
                "mentions": mentions,
                "citation": [self.citation(source) for source in citations],
                "breadcrumb": self.breadcrumbs(breadcrumbs),
            }
        )

    def condition_page(self, condition, *, approved_products):
        """The reviewed page about the condition, and the MedicalCondition itself."""
        entity = self.condition(condition, full=True, drugs=approved_products)
        return {"@context": CONTEXT, "@graph": [self.reviewed_page(condition, entity), entity]}

    def product_page(self, product, *, side_effects, approvals):
        """The product as a Drug, and the treatment with it as a MedicalTherapy carrying the side effects."""
        drug = self.drug(product, full=True)
        therapy = self.therapy(f"Treatment with {product.brand_name}", side_effects, [product], approvals=approvals)
        return {"@context": CONTEXT, "@graph": [self.reviewed_page(product, drug), drug, therapy]}

    def side_effect_page(self, effect):
        entity = {**self.side_effect(effect), "@id": self.url(effect) + "#side-effect"}
        return {"@context": CONTEXT, "@graph": [self.reviewed_page(effect, entity), entity]}

    def reviewed_page(self, record, about):
        """The MedicalWebPage that tells who reviewed ``record`` and when, and on which sources."""
        return _compact(
            {
                "@type": "MedicalWebPage",
                "@id": self.url(record),
                "url": self.url(record),
                "name": str(record),
                **self.language(record),
                "datePublished": _date(record.published_at),
                "dateModified": _date(record.updated_on),
                "lastReviewed": _date(record.last_reviewed_on),
                "reviewedBy": self.reviewer(record),
                "publisher": self.publisher(),
                "medicalAudience": PATIENTS,
                "about": {"@id": about["@id"]},
                "citation": [self.citation(citation.source) for citation in record.citations.all()],
            }
        )

    def reviewer(self, record):
        """Who reviewed ``record``, as readers are told: its medical reviewer, else its fact-checker; or None."""
        medic, checker = record.medical_reviewer, record.fact_checker
        checker = medic if medic is not None and medic.is_live else checker
        return self.person(checker) if checker is not None and checker.is_live else None

    # --- Things ---------------------------------------------------------------------------------------------

    def publisher(self):
        return {"@type": "Organization", "name": settings.SITE_NAME, "url": self.absolute("/")}

    def person(self, contributor):
        return _compact(
            {
                "@type": "Person",
                "name": contributor.name,
                "honorificSuffix": contributor.credentials,
                "url": self.url(contributor),
            }
        )

    def condition(self, condition, *, full=False, drugs=()):
        data = {
            "@type": "MedicalCondition",
            "@id": self.url(condition) + "#condition",
            "name": condition.name,
            "alternateName": condition.abbreviation,
            "url": self.url(condition),
            "code": self.codes(condition),
        }
        if full:
            data["description"] = condition.summary
            data["drug"] = [self.drug(product) for product in drugs]
        return _compact(data)

    def codes(self, condition):
        """Its codes in health records (ranges aside: a range is no code), one object or a list."""
        found = [
            {"@type": "MedicalCode", "codeValue": code.code, "codingSystem": code.get_system_display()}
            for code in condition.codes.all()
            if not code.is_range
        ]
        return found[0] if len(found) == 1 else found or None

    def drug(self, product, *, full=False):
        data = {
            "@type": "Drug",
            "@id": self.url(product) + "#drug",
            "name": product.brand_name,
            "url": self.url(product),
        }
        if full:
            data.update(
                proprietaryName=product.brand_name,
                nonProprietaryName=product.nonproprietary_name,
                manufacturer={"@type": "Organization", "name": product.manufacturer},
                administrationRoute=product.get_route_display(),
                description=strip_markers(product.notes),
            )
        return _compact(data)

    def therapy(self, name, side_effects, products, *, approvals=()):
        mild = [self.side_effect(effect) for effect in side_effects if not effect.is_serious]
        serious = [self.side_effect(effect) for effect in side_effects if effect.is_serious]
        return _compact(
            {
                "@type": "MedicalTherapy",
                "name": name,
                "drug": [{"@id": self.url(product) + "#drug"} for product in products],
                "indication": [self.approved_indication(approval) for approval in approvals],
                "adverseOutcome": mild,
                "seriousAdverseOutcome": serious,
            }
        )

    def approved_indication(self, approval):
        return {
            "@type": "ApprovedIndication",
            "name": approval.condition.name,
            "url": self.url(approval.condition),
            "recognizingAuthority": {"@type": "Organization", "name": approval.get_region_display()},
        }

    def side_effect(self, effect):
        return {
            "@type": "MedicalEntity",
            "name": effect.name,
            "description": strip_markers(effect.description),
            "url": self.url(effect),
        }

    def citation(self, source):
        work_type = {
            Source.Kind.JOURNAL_ARTICLE: "ScholarlyArticle",
            Source.Kind.WEB_PAGE: "WebPage",
            Source.Kind.BOOK: "Book",
            Source.Kind.BOOK_CHAPTER: "Chapter",
        }.get(source.kind, "CreativeWork")
        container = {"ScholarlyArticle": "Periodical", "WebPage": "WebSite"}.get(work_type)
        identifiers = [("DOI", source.doi), ("PMID", source.pmid)]
        return _compact(
            {
                "@type": work_type,
                "name": source.title,
                "author": [self.source_author(author) for author in source.authors.all()],
                "datePublished": _date(source.published_on) or (str(source.year) if source.year else None),
                "isPartOf": {"@type": container, "name": source.publication}
                if container and source.publication
                else None,
                "publisher": {"@type": "Organization", "name": source.publisher} if source.publisher else None,
                "url": source.link,
                "sameAs": [link for link in (source.doi_url, source.pubmed_url) if link],
                "identifier": [
                    {"@type": "PropertyValue", "propertyID": name, "value": value}
                    for name, value in identifiers
                    if value
                ],
            }
        )

    def source_author(self, author):
        if not author.given_names:  # a group author, e.g. "American Academy of Neurology"
            return {"@type": "Organization", "name": author.family_name}
        return {"@type": "Person", "familyName": author.family_name, "givenName": author.given_names}

    def breadcrumbs(self, trail):
        """``trail`` is ``[(name, url), ...]`` as the page's breadcrumb navigation shows it."""
        return {
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": position, "name": name, "item": self.absolute(url)}
                for position, (name, url) in enumerate(trail, start=1)
            ],
        }
