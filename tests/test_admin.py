"""The editors' workplace: every admin page loads, and an editor can create content over HTTP."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Condition, Contributor, Product, SideEffect
from references.models import Source
from tests.factories import (
    ArticleSideEffectFactory,
    CitationFactory,
    ConditionFactory,
    ContributorFactory,
    FactCheckerFactory,
    ProductApprovalFactory,
    ProductSideEffectFactory,
    SideEffectFactory,
    SourceAuthorFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [Condition, Contributor, SideEffect, Product, Article, Source]


def management_form(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def populated():
    """One of everything, with the relations that inlines and list columns show."""
    citation = CitationFactory()
    ArticleSideEffectFactory(article=citation.record)
    approval = ProductApprovalFactory()
    ProductSideEffectFactory(product=approval.product)
    SourceAuthorFactory(source=citation.source)
    citation.record.conditions.add(approval.condition)
    citation.record.products.add(approval.product)
    return citation.record


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_add_and_change_pages_load(admin_client, populated, model):
    obj = model.objects.first()
    for url in (admin_url(model, "changelist"), admin_url(model, "add"), admin_url(model, "change", obj.pk)):
        response = admin_client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_search_and_filters_work(admin_client, populated, model):
    response = admin_client.get(admin_url(model, "changelist"), {"q": "a"})
    assert response.status_code == 200
    for list_filter in response.context["cl"].filter_specs:
        for choice in list(list_filter.choices(response.context["cl"]))[1:2]:
            assert admin_client.get(admin_url(model, "changelist") + choice["query_string"]).status_code == 200


@pytest.mark.parametrize(
    ("app_label", "model_name", "field_name"),
    [
        ("articles", "article", "conditions"),
        ("articles", "article", "products"),
        ("articles", "article", "author"),
        ("articles", "article", "fact_checker"),
        ("articles", "articlesideeffect", "side_effect"),
        ("articles", "productapproval", "condition"),
        ("references", "citation", "source"),
    ],
)
def test_autocomplete_offers_related_objects(admin_client, populated, app_label, model_name, field_name):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": ""},
    )
    assert response.status_code == 200
    assert response.json()["results"]


def test_author_autocomplete_offers_only_writers(admin_client):
    writer = ContributorFactory(name="Wendy Writer")
    FactCheckerFactory(name="Fiona Factchecker")
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": "author", "term": ""},
    )
    assert [result["id"] for result in response.json()["results"]] == [str(writer.pk)]


def test_editor_creates_condition(client, editor):
    client.force_login(editor)
    response = client.post(
        admin_url(Condition, "add"),
        {
            "name": "Kawasaki disease",
            "abbreviation": "KD",
            "slug": "kawasaki-disease",
            "summary": "Inflammation of blood vessels in young children.",
            "overview": "<p>It mostly affects children under five.</p><script>alert(1)</script>",
            "treatment": "<p>IVIG with aspirin.</p>",
            **management_form("codes", total=2),
            "codes-0-system": "icd10cm",
            "codes-0-code": "m303",
            "codes-1-system": "snomed",
            "codes-1-code": "75053002",
            "codes-1-title": "Acute febrile mucocutaneous lymph node syndrome",
            **management_form("references-citation-content_type-object_id"),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    condition = Condition.objects.get(slug="kawasaki-disease")
    assert condition.overview == "<p>It mostly affects children under five.</p>"
    assert [str(code) for code in condition.codes.all()] == [
        "ICD-10-CM M30.3",
        "SNOMED CT 75053002 (Acute febrile mucocutaneous lymph node syndrome)",
    ]


def test_bad_icd10_code_is_shown_next_to_the_field(client, editor):
    client.force_login(editor)
    response = client.post(
        admin_url(Condition, "add"),
        {
            "name": "Kawasaki disease",
            "slug": "kawasaki-disease",
            "summary": "x",
            **management_form("codes", total=1),
            "codes-0-system": "icd10cm",
            "codes-0-code": "kawasaki",
            **management_form("references-citation-content_type-object_id"),
        },
    )
    assert response.status_code == 200
    codes = next(inline for inline in response.context["inline_admin_formsets"] if inline.formset.prefix == "codes")
    assert "is not an ICD-10 code" in codes.formset.errors[0]["code"][0]
    assert not Condition.objects.exists()


def test_editor_creates_product_with_approval_and_side_effect(client, editor):
    condition = ConditionFactory()
    side_effect = SideEffectFactory()
    client.force_login(editor)
    data = {
        "brand_name": "Privigen",
        "slug": "privigen",
        "nonproprietary_name": "immune globulin intravenous (human), 10% liquid",
        "manufacturer": "CSL Behring",
        "route": "iv",
        "concentration": "10%",
        "notes": "",
        **management_form("codes"),
        **management_form("approvals", total=1),
        "approvals-0-condition": condition.pk,
        "approvals-0-region": "US",
        "approvals-0-year": "2008",
        **management_form("product_side_effects", total=1),
        "product_side_effects-0-side_effect": side_effect.pk,
        "product_side_effects-0-frequency": "common",
        **management_form("references-citation-content_type-object_id"),
    }
    response = client.post(admin_url(Product, "add"), data)
    assert response.status_code == 302
    product = Product.objects.get(slug="privigen")
    assert list(product.conditions.all()) == [condition]
    assert product.approvals.get().year == 2008
    assert list(product.side_effects.all()) == [side_effect]


def test_approval_year_out_of_range_is_refused_in_words(client, editor):
    client.force_login(editor)
    data = {
        "brand_name": "Privigen",
        "slug": "privigen",
        "nonproprietary_name": "immune globulin",
        "manufacturer": "CSL Behring",
        "route": "iv",
        **management_form("codes"),
        **management_form("approvals", total=1),
        "approvals-0-condition": ConditionFactory().pk,
        "approvals-0-region": "US",
        "approvals-0-year": "208",
        **management_form("product_side_effects"),
        **management_form("references-citation-content_type-object_id"),
    }
    response = client.post(admin_url(Product, "add"), data)
    assert response.status_code == 200
    assert "greater than or equal to 1950" in response.content.decode()
    assert not Product.objects.exists()


def test_editor_creates_source_with_ordered_authors_and_normalized_doi(client, editor):
    client.force_login(editor)
    data = {
        "kind": "journal_article",
        "title": "Adverse effects of immunoglobulin therapy",
        "publication": "Front Immunol",
        "year": "2018",
        "volume": "9",
        "pages": "1299",
        "doi": "https://doi.org/10.3389/FIMMU.2018.01299",
        "has_more_authors": "on",
        **management_form("authors", total=2),
        "authors-0-position": "1",
        "authors-0-family_name": "Guo",
        "authors-0-given_names": "Y",
        "authors-1-position": "2",
        "authors-1-family_name": "Tian",
        "authors-1-given_names": "X",
    }
    response = client.post(admin_url(Source, "add"), data)
    assert response.status_code == 302
    source = Source.objects.get()
    assert source.doi == "10.3389/fimmu.2018.01299"  # DOIs are stored in lower case
    assert [str(author) for author in source.authors.all()] == ["Guo Y", "Tian X"]


def test_duplicate_doi_is_refused_next_to_the_doi_field(client, editor):
    CitationFactory(source__doi="10.3389/fimmu.2018.01299")
    client.force_login(editor)
    data = {
        "kind": "journal_article",
        "title": "The same paper again",
        "doi": "doi:10.3389/FIMMU.2018.01299",
        **management_form("authors"),
    }
    response = client.post(admin_url(Source, "add"), data)
    assert response.status_code == 200
    assert "already has this DOI" in response.context["adminform"].form.errors["doi"][0]
    assert Source.objects.count() == 1


def article_form_data(author, **overrides):
    data = {
        "title": "IVIG at home",
        "slug": "ivig-at-home",
        "kind": "therapy_guide",
        "dek": "What changes when a nurse gives IVIG in your living room.",
        "body": "<h2>Getting ready</h2><p>Drink water the day before.</p>",
        "author": author.pk,
        "funding_disclosure": "None.",
        "conflict_of_interest": "None.",
        **management_form("article_side_effects"),
        **management_form("references-citation-content_type-object_id"),
    }
    data.update(overrides)
    return data


def test_editor_creates_article_with_citations_in_order(client, editor):
    author = ContributorFactory()
    first, second = (CitationFactory().source for _ in range(2))
    client.force_login(editor)
    data = article_form_data(
        author,
        **management_form("references-citation-content_type-object_id", total=2),
        **{
            "references-citation-content_type-object_id-0-position": "2",
            "references-citation-content_type-object_id-0-source": first.pk,
        },
        **{
            "references-citation-content_type-object_id-1-position": "1",
            "references-citation-content_type-object_id-1-source": second.pk,
        },
    )
    response = client.post(admin_url(Article, "add"), data)
    assert response.status_code == 302
    article = Article.objects.get(slug="ivig-at-home")
    assert [citation.source for citation in article.citations.all()] == [second, first]


def test_citing_the_same_source_twice_is_refused(client, editor):
    author = ContributorFactory()
    source = CitationFactory().source
    client.force_login(editor)
    data = article_form_data(
        author,
        **management_form("references-citation-content_type-object_id", total=2),
        **{
            "references-citation-content_type-object_id-0-position": "1",
            "references-citation-content_type-object_id-0-source": source.pk,
        },
        **{
            "references-citation-content_type-object_id-1-position": "2",
            "references-citation-content_type-object_id-1-source": source.pk,
        },
    )
    response = client.post(admin_url(Article, "add"), data)
    assert response.status_code == 200
    assert f"Each source is listed once; remove the second entry of “{source.title}”." in response.content.decode()
    assert not Article.objects.filter(slug="ivig-at-home").exists()


def test_a_refused_save_shows_each_rows_source_again_looked_up_once(client, editor):
    sources = SourceFactory.create_batch(3)
    prefix = "references-citation-content_type-object_id"
    chosen = [*(source.pk for source in sources), "abc", "99999999"]
    rows = {f"{prefix}-{number}-source": value for number, value in enumerate(chosen)}
    client.force_login(editor)
    data = article_form_data(ContributorFactory(), title="", **management_form(prefix, total=len(chosen)), **rows)

    with CaptureQueriesContext(connection) as queries:
        response = client.post(admin_url(Article, "add"), data)

    page = response.content.decode()
    assert response.status_code == 200
    for name, source in zip(rows, sources, strict=False):
        select = re.search(rf'<select name="{name}".*?</select>', page, re.DOTALL).group(0)
        assert re.findall(r'<option value="(\d+)" selected>([^<]*)</option>', select) == [(str(source.pk), str(source))]
    for name in list(rows)[3:]:
        assert "<option" not in re.search(rf'<select name="{name}".*?</select>', page, re.DOTALL).group(0)
    assert "Select a valid choice." in page
    lookups = [query for query in queries.captured_queries if '"references_source"."id" IN' in query["sql"]]
    assert len(lookups) == 1


def test_editor_cannot_publish_through_the_article_form(client, editor):
    client.force_login(editor)
    data = article_form_data(
        ContributorFactory(), status="published", published_at_0="2025-01-01", published_at_1="10:00"
    )
    response = client.post(admin_url(Article, "add"), data)
    assert response.status_code == 302
    article = Article.objects.get(slug="ivig-at-home")
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None


def test_empty_disclosure_is_explained(client, editor):
    client.force_login(editor)
    response = client.post(admin_url(Article, "add"), article_form_data(ContributorFactory(), funding_disclosure=""))
    assert response.status_code == 200
    assert "funding_disclosure" in response.context["adminform"].form.errors


def test_article_change_page_links_to_the_public_page(admin_client, populated):
    response = admin_client.get(admin_url(Article, "change", populated.pk))
    assert f'href="{populated.get_absolute_url()}" class="viewsitelink"' in response.content.decode()


def test_staff_without_permissions_cannot_open_article_admin(client, django_user_model, populated):
    client.force_login(django_user_model.objects.create_user("intern", password="pw", is_staff=True))
    assert client.get(admin_url(Article, "changelist")).status_code == 403
    assert client.get(admin_url(Article, "change", populated.pk)).status_code == 403


def test_admin_requires_login(client):
    response = client.get(admin_url(Article, "changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
