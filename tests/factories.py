import datetime

import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from articles.models import (
    Article,
    ArticleSideEffect,
    CodeSystem,
    Condition,
    ConditionCode,
    Contributor,
    Product,
    ProductApproval,
    ProductSideEffect,
    SideEffect,
)
from feedback.models import Feedback
from pages.models import Page
from references.models import Citation, Source, SourceAuthor
from review.guard import seeding
from review.models import Status
from translations.models import Translation, translated_parts


class SeededFactory(factory.django.DjangoModelFactory):
    """
    Rows made as a reviewer leaves them, the way the demo content is loaded (``review.guard.seeding``): a test's
    setup may create published records and their sources directly. What the test then does obeys review.
    """

    class Meta:
        abstract = True

    @classmethod
    def _generate(cls, strategy, params):
        with seeding():
            return super()._generate(strategy, params)


class ReviewedFactory(SeededFactory):
    """Reviewed content as readers meet it: published ten days ago. ``draft=True`` for one nobody checked yet."""

    class Meta:
        abstract = True

    status = Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))

    class Params:
        draft = factory.Trait(status=Status.DRAFT, published_at=None)


class ConditionFactory(ReviewedFactory):
    class Meta:
        model = Condition
        django_get_or_create = ["slug"]
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Condition {n}")
    slug = factory.Sequence(lambda n: f"condition-{n}")
    abbreviation = factory.Sequence(lambda n: f"C{n}")
    summary = "A condition in which the immune system attacks the body."
    overview = "<p>What the condition is.</p>"
    treatment = "<p>How it is treated.</p>"

    @factory.post_generation
    def icd10_code(self, create, extracted, **kwargs):
        """``icd10_code="D69.3"``: the condition's ICD-10-CM code, as one of its codes."""
        if create and extracted:
            ConditionCode.objects.get_or_create(condition=self, system=CodeSystem.ICD10CM, code=extracted)

    @factory.post_generation
    def codes(self, create, extracted, **kwargs):
        """``codes=[(system, code), (system, first, last), …]``: more codes, and ranges."""
        for system, code, *last in extracted or []:
            ConditionCode.objects.get_or_create(
                condition=self, system=system, code=code, defaults={"last_code": (last or [""])[0]}
            )


class ContributorFactory(ReviewedFactory):
    class Meta:
        model = Contributor

    name = factory.Sequence(lambda n: f"Alex Writer {n}")
    slug = factory.Sequence(lambda n: f"alex-writer-{n}")
    credentials = "PhD"
    is_writer = True


class FactCheckerFactory(ContributorFactory):
    name = factory.Sequence(lambda n: f"Sam Checker {n}")
    slug = factory.Sequence(lambda n: f"sam-checker-{n}")
    credentials = "PharmD"
    is_writer = False
    is_fact_checker = True


class SideEffectFactory(ReviewedFactory):
    class Meta:
        model = SideEffect

    name = factory.Sequence(lambda n: f"Side effect {n}")
    slug = factory.Sequence(lambda n: f"side-effect-{n}")
    description = "How it feels."
    what_helps = "A slower infusion."
    when_to_seek_help = "If it does not settle."


class ProductFactory(ReviewedFactory):
    class Meta:
        model = Product

    brand_name = factory.Sequence(lambda n: f"Globulix {n}")
    slug = factory.Sequence(lambda n: f"globulix-{n}")
    nonproprietary_name = "immune globulin intravenous (human), 10% liquid"
    manufacturer = "Example Biologics"
    concentration = "10%"


class ProductApprovalFactory(SeededFactory):
    class Meta:
        model = ProductApproval

    product = factory.SubFactory(ProductFactory)
    condition = factory.SubFactory(ConditionFactory)
    year = 2010


class ProductSideEffectFactory(SeededFactory):
    class Meta:
        model = ProductSideEffect

    product = factory.SubFactory(ProductFactory)
    side_effect = factory.SubFactory(SideEffectFactory)


class ArticleFactory(ReviewedFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"IVIG guide {n}")
    slug = factory.Sequence(lambda n: f"ivig-guide-{n}")
    dek = "What to expect from treatment."
    body = "<h2>What is IVIG?</h2><p>Antibodies from donors.</p>"
    author = factory.SubFactory(ContributorFactory)
    fact_checker = factory.SubFactory(FactCheckerFactory)
    funding_disclosure = "None."
    conflict_of_interest = "None."

    @factory.post_generation
    def conditions(self, create, extracted, **kwargs):
        if create and extracted:
            self.conditions.set(extracted)

    @factory.post_generation
    def products(self, create, extracted, **kwargs):
        if create and extracted:
            self.products.set(extracted)


class ArticleSideEffectFactory(SeededFactory):
    class Meta:
        model = ArticleSideEffect

    article = factory.SubFactory(ArticleFactory)
    side_effect = factory.SubFactory(SideEffectFactory)
    position = factory.Sequence(int)


class SourceFactory(ReviewedFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Adverse effects of immunoglobulin therapy, part {n}")
    publication = "Front Immunol"
    year = 2018
    volume = "9"
    pages = "1299"
    # A prefix of its own: a sequence number must never reach a real DOI a test writes (10.3389/fimmu.2018.01299).
    doi = factory.Sequence(lambda n: f"10.5555/factory.{n:05d}")


class SourceAuthorFactory(SeededFactory):
    class Meta:
        model = SourceAuthor

    source = factory.SubFactory(SourceFactory)
    family_name = "Guo"
    given_names = "Y"
    position = factory.Sequence(int)


class CitationFactory(SeededFactory):
    class Meta:
        model = Citation

    class Params:
        article = factory.SubFactory(ArticleFactory)  # or any other citing record, as ``record=``

    record = factory.SelfAttribute("article")
    source = factory.SubFactory(SourceFactory)
    position = factory.Sequence(int)


class PageFactory(ReviewedFactory):
    class Meta:
        model = Page

    title = factory.Sequence(lambda n: f"Policy {n}")
    slug = factory.Sequence(lambda n: f"policy-{n}")
    summary = "How we work."
    body = "<h2>What we do</h2><p>We check every fact.</p>"


class FeedbackFactory(SeededFactory):
    class Meta:
        model = Feedback

    article = factory.SubFactory(ArticleFactory)
    helpful = False
    reason = Feedback.Reason.ERROR
    comment = "The dose in the second paragraph looks wrong."


def source_with_authors(*names, **fields):
    """A source whose authors are ``names``, each "Family Given" ("Perez EE") or a group's name alone."""
    source = SourceFactory(**fields)
    for position, name in enumerate(names, start=1):
        family, _, given = name.rpartition(" ") if " " in name and name.split()[-1].isupper() else (name, "", "")
        SourceAuthorFactory(source=source, position=position, family_name=family, given_names=given)
    return source


class TranslationFactory(SeededFactory):
    """A reviewed Spanish translation of ``source`` (a published record), made from its current version."""

    class Meta:
        model = Translation
        exclude = ["source"]

    source = factory.SubFactory(ArticleFactory)
    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.source))
    object_id = factory.LazyAttribute(lambda o: o.source.pk)
    language = "es"
    source_version = factory.LazyAttribute(lambda o: o.source.content_version)
    status = Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=5))
    text = factory.LazyAttribute(
        lambda o: {
            part.name: f"<p>Texto en español: {part.name}.</p>" if part.is_rich_text else f"Texto {part.name}"
            for part in translated_parts(type(o.source))
            if getattr(o.source, part.name)
        }
    )

    class Params:
        draft = factory.Trait(status=Status.DRAFT, published_at=None)
