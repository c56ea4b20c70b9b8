"""
Rules that must always hold. Each is checked twice: ``full_clean()`` (what the admin
runs) explains it to the editor on the right field, and the database refuses it
even when a script saves without validating.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import (
    Article,
    ArticleSideEffect,
    CodeSystem,
    ConditionCode,
    ProductApproval,
    SideEffect,
)
from references.models import Citation, Source, SourceAuthor
from review.guard import seeding
from tests.factories import (
    ArticleFactory,
    ArticleSideEffectFactory,
    CitationFactory,
    ConditionFactory,
    ContributorFactory,
    ProductApprovalFactory,
    ProductFactory,
    SideEffectFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

DISCLOSURE_MESSAGE = "Fill this in; write “None.” when there is nothing to declare."


def validation_errors(obj):
    """The messages ``full_clean()`` gives, by field (``__all__`` for rules across fields)."""
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    return error.value.message_dict


def assert_database_refuses(obj):
    """The database's own constraint, under the model code (``seeding`` lets the row past the review guard)."""
    with pytest.raises(IntegrityError), transaction.atomic(), seeding():
        obj.save()


def copy_of(obj, **changes):
    """An unsaved copy of ``obj`` (same values, no primary key), with ``changes`` applied."""
    copy = type(obj).objects.get(pk=obj.pk)
    copy.pk = copy.id = None
    copy._state.adding = True
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


# Models with a unique slug, and the other unique field a copy must not share.
SLUGGED = [
    pytest.param(ConditionFactory, {"name": "Another condition"}, id="condition"),
    pytest.param(ContributorFactory, {}, id="contributor"),
    pytest.param(SideEffectFactory, {"name": "Another side effect"}, id="side-effect"),
    pytest.param(ProductFactory, {"brand_name": "Another brand"}, id="product"),
    pytest.param(ArticleFactory, {}, id="article"),
]


@pytest.mark.parametrize(("factory", "other_fields"), SLUGGED)
def test_a_taken_slug_is_explained_on_the_slug_field(factory, other_fields):
    duplicate = copy_of(factory(slug="same-address"), **other_fields)

    errors = validation_errors(duplicate)

    assert list(errors) == ["slug"]
    assert "already" in errors["slug"][0] and ("Slug" in errors["slug"][0] or "address" in errors["slug"][0])


@pytest.mark.parametrize(("factory", "other_fields"), SLUGGED)
def test_the_database_refuses_a_taken_slug(factory, other_fields):
    assert_database_refuses(copy_of(factory(slug="same-address"), **other_fields))


def icd10_code(code):
    """An unsaved ICD-10-CM code of a condition (a draft, so nothing stops it but the rules below)."""
    return ConditionCode(condition=ConditionFactory(draft=True), system=CodeSystem.ICD10CM, code=code)


@pytest.mark.parametrize("code", ["D69.3", "G61.81", "D80", "B20.A1"])
def test_well_formed_icd10_codes_are_accepted(code):
    row = icd10_code(code)

    row.full_clean()
    row.save()

    assert ConditionCode.objects.get(pk=row.pk).code == code


@pytest.mark.parametrize(("typed", "stored"), [("d69.3", "D69.3"), ("D69 3", "D69.3"), ("g6181", "G61.81")])
def test_an_icd10_code_is_stored_as_icd10_writes_it(typed, stored):
    row = icd10_code(typed)
    row.full_clean()
    assert row.code == stored


@pytest.mark.parametrize("code", ["D6", "693", "D69.12345", "ITP"])
def test_a_malformed_icd10_code_is_explained(code):
    errors = validation_errors(icd10_code(code))

    assert errors == {"code": [f"“{code}” is not an ICD-10 code; codes look like “D69.3”."]}


@pytest.mark.parametrize("code", ["d69.3", "D6", "D69.", "D69 3"])
def test_the_database_refuses_a_malformed_icd10_code(code):
    assert_database_refuses(icd10_code(code))


def test_a_contributor_photo_without_a_description_is_explained():
    contributor = ContributorFactory.build(photo="contributors/2025/portrait.jpg", photo_alt="  ")

    assert validation_errors(contributor)["photo_alt"] == ["Describe the photo for readers who cannot see it."]


def test_the_database_refuses_a_contributor_photo_without_a_description():
    assert_database_refuses(ContributorFactory.build(photo="contributors/2025/portrait.jpg", photo_alt=""))


def test_a_hero_image_without_a_description_is_explained():
    article = ArticleFactory(hero_image="articles/2025/hero.jpg", hero_image_alt="A nurse")
    article.hero_image_alt = ""

    assert validation_errors(article) == {"hero_image_alt": ["Describe the hero image for readers who cannot see it."]}


def test_the_database_refuses_a_hero_image_without_a_description():
    article = ArticleFactory(hero_image="articles/2025/hero.jpg", hero_image_alt="A nurse")
    article.hero_image_alt = ""

    assert_database_refuses(article)


def test_a_published_article_without_a_publication_time_is_explained():
    article = ArticleFactory(status=Article.Status.PUBLISHED)
    article.published_at = None

    assert validation_errors(article) == {"__all__": ["A published record needs a publication time."]}


def test_the_database_refuses_a_published_article_without_a_publication_time():
    article = ArticleFactory(status=Article.Status.PUBLISHED)
    article.published_at = None

    assert_database_refuses(article)


def test_a_draft_needs_no_publication_time():
    article = ArticleFactory(draft=True)

    article.full_clean()

    assert Article.objects.get(pk=article.pk).published_at is None


@pytest.mark.parametrize("field", ["funding_disclosure", "conflict_of_interest"])
@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_disclosure_is_explained(field, value):
    article = ArticleFactory()
    setattr(article, field, value)

    assert DISCLOSURE_MESSAGE in validation_errors(article)[field]


@pytest.mark.parametrize("field", ["funding_disclosure", "conflict_of_interest"])
def test_the_database_refuses_an_empty_disclosure(field):
    article = ArticleFactory()
    setattr(article, field, "")

    assert_database_refuses(article)


def test_a_last_update_before_publication_is_explained():
    published_at = timezone.now() - datetime.timedelta(days=30)
    article = ArticleFactory(
        published_at=published_at, last_updated=timezone.localdate(published_at) - datetime.timedelta(days=1)
    )

    assert validation_errors(article) == {"last_updated": ["The last update cannot be before the first publication."]}


def test_a_last_update_on_the_day_of_publication_is_accepted():
    published_at = timezone.now() - datetime.timedelta(days=30)
    article = ArticleFactory(published_at=published_at, last_updated=timezone.localdate(published_at))

    article.full_clean()


def test_a_second_approval_for_the_same_product_condition_and_region_is_explained():
    approval = ProductApprovalFactory(region=ProductApproval.Region.EU)

    errors = validation_errors(copy_of(approval, year=2015))

    assert errors == {"__all__": ["This product is already listed as approved for this condition here."]}


def test_the_database_refuses_a_second_approval_for_the_same_product_condition_and_region():
    approval = ProductApprovalFactory(region=ProductApproval.Region.EU)

    assert_database_refuses(copy_of(approval, year=2015))


def test_the_same_product_may_be_approved_for_a_condition_in_another_region():
    approval = ProductApprovalFactory(region=ProductApproval.Region.EU)

    with seeding():
        copy_of(approval, region=ProductApproval.Region.UK).save()

    assert ProductApproval.objects.filter(product=approval.product, condition=approval.condition).count() == 2


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        pytest.param(
            ArticleSideEffectFactory, "This side effect is already listed in the article.", id="article-side-effect"
        ),
        pytest.param(CitationFactory, "This source is already cited here.", id="citation"),
    ],
)
def test_listing_the_same_item_twice_in_an_article_is_explained(factory, message):
    link = factory(position=1)

    assert validation_errors(copy_of(link, position=2)) == {"__all__": [message]}


@pytest.mark.parametrize("factory", [ArticleSideEffectFactory, CitationFactory])
def test_the_database_refuses_the_same_item_twice_in_an_article(factory):
    link = factory(position=1)

    assert_database_refuses(copy_of(link, position=2))


@pytest.mark.parametrize("factory", [ArticleSideEffectFactory, CitationFactory], ids=["side-effect", "citation"])
def test_a_negative_position_is_explained(factory):
    link = factory()
    link.position = -1

    assert validation_errors(link) == {"position": ["Ensure this value is greater than or equal to 0."]}


@pytest.mark.parametrize(
    "unsaved",
    [
        pytest.param(
            lambda: ArticleSideEffect(article=ArticleFactory(), side_effect=SideEffectFactory()), id="side-effect"
        ),
        pytest.param(lambda: Citation(record=ArticleFactory(), source=SourceFactory()), id="citation"),
        pytest.param(lambda: SourceAuthor(source=SourceFactory(), family_name="Perez"), id="source-author"),
    ],
)
def test_the_database_refuses_a_negative_position(unsaved):
    obj = unsaved()
    obj.position = -1

    assert_database_refuses(obj)


def test_a_doi_already_in_the_library_in_other_letters_is_explained_on_the_doi_field():
    SourceFactory(doi="10.1234/abc.def")

    errors = validation_errors(SourceFactory.build(doi="10.1234/ABC.DEF"))

    assert errors == {"doi": ["Another source in the library already has this DOI. Cite that source instead."]}


def test_a_doi_already_in_the_library_as_a_link_is_explained_on_the_doi_field():
    SourceFactory(doi="10.1234/abc.def")

    errors = validation_errors(SourceFactory.build(doi="https://doi.org/10.1234/ABC.DEF"))

    assert errors == {"doi": ["Another source in the library already has this DOI. Cite that source instead."]}


def test_the_database_refuses_a_doi_already_in_the_library_in_other_letters():
    SourceFactory(doi="10.1234/abc.def")

    assert_database_refuses(SourceFactory.build(doi="10.1234/ABC.DEF"))


def test_many_sources_may_have_no_doi():
    SourceFactory(doi="")
    SourceFactory(doi="")

    assert Source.objects.filter(doi="").count() == 2


def test_a_pmid_already_in_the_library_is_explained_on_the_pmid_field():
    SourceFactory(pmid="28041678")

    errors = validation_errors(SourceFactory.build(pmid="PMID: 28041678"))

    assert errors == {"pmid": ["Another source in the library already has this PubMed ID. Cite that source instead."]}


def test_the_database_refuses_a_pmid_already_in_the_library():
    SourceFactory(pmid="28041678")

    assert_database_refuses(SourceFactory.build(pmid="28041678"))


def test_many_sources_may_have_no_pmid():
    SourceFactory(pmid="")
    SourceFactory(pmid="")

    assert Source.objects.filter(pmid="").count() == 2


def test_published_articles_exclude_drafts():
    ArticleFactory(draft=True)

    assert list(Article.objects.published()) == []


def test_published_articles_exclude_articles_scheduled_for_later():
    ArticleFactory(published_at=timezone.now() + datetime.timedelta(hours=1))

    assert list(Article.objects.published()) == []


def test_published_articles_include_articles_whose_time_has_come():
    live = ArticleFactory(published_at=timezone.now() - datetime.timedelta(minutes=1))

    assert list(Article.objects.published()) == [live]


def test_staff_who_may_view_articles_see_drafts_and_scheduled_articles(editor):
    articles = {
        ArticleFactory(),
        ArticleFactory(draft=True),
        ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=1)),
    }

    assert set(Article.objects.visible_to(editor)) == articles


def test_anonymous_readers_see_only_live_articles():
    live = ArticleFactory()
    ArticleFactory(draft=True)
    ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=1))

    assert list(Article.objects.visible_to(AnonymousUser())) == [live]


def test_staff_without_view_permission_see_only_live_articles(django_user_model):
    user = django_user_model.objects.create_user("intern", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_condition"))
    live = ArticleFactory()
    ArticleFactory(draft=True)

    assert list(Article.objects.visible_to(user)) == [live]


def test_side_effect_groups_put_serious_effects_first_in_the_editors_order():
    article = ArticleFactory()
    serious = SideEffectFactory(name="Blood clots", seriousness=SideEffect.Seriousness.SERIOUS)
    headache = SideEffectFactory(name="Headache", seriousness=SideEffect.Seriousness.MILD)
    chills = SideEffectFactory(name="Chills", seriousness=SideEffect.Seriousness.MILD)
    kidney = SideEffectFactory(name="Kidney problems", seriousness=SideEffect.Seriousness.SERIOUS)
    for position, side_effect in enumerate([kidney, headache, serious, chills]):
        ArticleSideEffectFactory(article=article, side_effect=side_effect, position=position)

    groups = Article.objects.get(pk=article.pk).side_effect_groups()

    assert [(seriousness.label, [link.side_effect.name for link in links]) for seriousness, links in groups] == [
        ("Serious", ["Kidney problems", "Blood clots"]),
        ("Common and usually mild", ["Headache", "Chills"]),
    ]


def test_side_effect_groups_leave_out_empty_groups():
    article = ArticleFactory()
    ArticleSideEffectFactory(article=article, side_effect__seriousness=SideEffect.Seriousness.SERIOUS)

    assert [seriousness.label for seriousness, _ in article.side_effect_groups()] == ["Serious"]


def test_an_article_is_named_by_its_title():
    assert str(ArticleFactory(title="IVIG for immune thrombocytopenia")) == "IVIG for immune thrombocytopenia"


@pytest.mark.parametrize(
    ("abbreviation", "expected"),
    [("ITP", "Immune thrombocytopenia (ITP)"), ("", "Immune thrombocytopenia")],
)
def test_a_condition_is_named_with_its_abbreviation_when_it_has_one(abbreviation, expected):
    assert str(ConditionFactory(name="Immune thrombocytopenia", abbreviation=abbreviation)) == expected


def test_an_articles_address_opens_its_page(client):
    article = ArticleFactory(title="Your first infusion", slug="first-infusion")

    response = client.get(article.get_absolute_url())

    assert article.get_absolute_url().endswith("/first-infusion/")
    assert response.status_code == 200
    assert "Your first infusion" in response.content.decode()


def test_a_conditions_address_opens_its_page(client):
    condition = ConditionFactory(name="Immune thrombocytopenia", slug="itp")

    response = client.get(condition.get_absolute_url())

    assert condition.get_absolute_url().endswith("/itp/")
    assert response.status_code == 200
    assert "Immune thrombocytopenia" in response.content.decode()
