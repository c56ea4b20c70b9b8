"""JSON-LD: valid JSON, only real schema.org terms, and the same facts the page shows."""

import datetime

import pytest

from tests.factories import ArticleFactory, ProductApprovalFactory
from tests.html import json_ld, main_content, parse

pytestmark = pytest.mark.django_db

_THING = {"name", "description", "url", "sameAs", "identifier", "alternateName", "image"}
_CREATIVE_WORK = _THING | {
    "author", "datePublished", "dateModified", "headline", "inLanguage", "publisher", "about", "mentions",
    "citation", "isPartOf",
}  # fmt: skip
_WEB_PAGE = _CREATIVE_WORK | {"lastReviewed", "reviewedBy", "breadcrumb"}

# The types and properties our markup may use, as schema.org defines them (https://schema.org/<Term>).
SCHEMA_ORG = {
    "MedicalWebPage": _WEB_PAGE | {"medicalAudience"},
    "WebPage": _WEB_PAGE,
    "ScholarlyArticle": _CREATIVE_WORK,
    "CreativeWork": _CREATIVE_WORK,
    "Book": _CREATIVE_WORK,
    "Chapter": _CREATIVE_WORK,
    "Periodical": _THING,
    "WebSite": _THING,
    "Person": _THING | {"honorificSuffix", "familyName", "givenName"},
    "Organization": _THING,
    "MedicalAudience": _THING | {"audienceType"},
    "MedicalCondition": _THING | {"code", "drug"},
    "MedicalCode": _THING | {"codeValue", "codingSystem"},
    "Drug": _THING | {"proprietaryName", "nonProprietaryName", "manufacturer", "administrationRoute"},
    "MedicalTherapy": _THING | {"drug", "adverseOutcome", "seriousAdverseOutcome", "indication"},
    "ApprovedIndication": _THING | {"recognizingAuthority"},
    "MedicalEntity": _THING,
    "PropertyValue": _THING | {"propertyID", "value"},
    "BreadcrumbList": _THING | {"itemListElement"},
    "ListItem": _THING | {"position", "item"},
}


def unknown_terms(node, path="$"):
    """Every type or property in ``node`` that is not in SCHEMA_ORG, as readable paths."""
    problems = []
    if isinstance(node, list):
        for index, item in enumerate(node):
            problems += unknown_terms(item, f"{path}[{index}]")
    elif isinstance(node, dict):
        node_type = node.get("@type")
        if node_type is None:
            if set(node) - {"@context", "@graph", "@id"}:
                problems.append(f"{path}: object without @type")
        elif node_type not in SCHEMA_ORG:
            problems.append(f"{path}: unknown type {node_type}")
        else:
            problems += [
                f"{path}.{key}: not a property of {node_type}"
                for key in node
                if not key.startswith("@") and key not in SCHEMA_ORG[node_type]
            ]
        for key, value in node.items():
            problems += unknown_terms(value, f"{path}.{key}")
    return problems


def only_block(response):
    blocks = json_ld(response)
    assert len(blocks) == 1
    assert blocks[0]["@context"] == "https://schema.org"
    return blocks[0]


def nodes(block, node_type):
    return [node for node in block.get("@graph", [block]) if node["@type"] == node_type]


# --- Article --------------------------------------------------------------------------------------------------


def test_article_is_a_medical_web_page_for_patients(client, full_article):
    data = only_block(client.get(full_article.get_absolute_url()))

    assert data["@type"] == "MedicalWebPage"
    assert data["medicalAudience"] == {"@type": "MedicalAudience", "audienceType": "Patient"}
    assert data["url"] == "http://testserver/articles/ivig-for-itp/"
    assert data["headline"] == "IVIG for immune thrombocytopenia"


def test_article_names_its_author_and_reviewer_with_their_profiles(client, full_article):
    data = only_block(client.get(full_article.get_absolute_url()))

    assert data["author"] == {
        "@type": "Person",
        "name": "Rosa Delgado",
        "honorificSuffix": "PhD",
        "url": "http://testserver/contributors/rosa-delgado/",
    }
    assert data["reviewedBy"]["name"] == "Tomasz Wren"
    assert data["reviewedBy"]["url"] == "http://testserver/contributors/tomasz-wren/"


def test_article_dates_match_the_byline(client, full_article):
    response = client.get(full_article.get_absolute_url())
    data = only_block(response)
    updated = full_article.updated_on.isoformat()

    assert data["datePublished"] == full_article.published_at.isoformat()
    assert data["dateModified"] == updated
    assert data["lastReviewed"] == updated
    assert f'Last updated <time datetime="{updated}">' in main_content(response)


def test_article_is_about_its_condition_with_the_icd10_code(client, full_article):
    data = only_block(client.get(full_article.get_absolute_url()))

    assert data["about"] == [
        {
            "@type": "MedicalCondition",
            "@id": "http://testserver/conditions/itp/#condition",
            "name": "Immune thrombocytopenia",
            "alternateName": "ITP",
            "url": "http://testserver/conditions/itp/",
            "code": {"@type": "MedicalCode", "codeValue": "D69.3", "codingSystem": "ICD-10-CM"},
        }
    ]


def test_article_cites_each_listed_source_with_its_doi(client, full_article):
    response = client.get(full_article.get_absolute_url())
    citations = only_block(response)["citation"]

    assert f"Sources ({len(citations)})" in main_content(response)
    assert citations[0]["@type"] == "ScholarlyArticle"
    assert citations[0]["name"] == "Adverse effects of immunoglobulin therapy"
    assert citations[0]["author"] == [{"@type": "Person", "familyName": "Guo", "givenName": "Y"}]
    assert citations[0]["sameAs"] == [
        "https://doi.org/10.3389/fimmu.2018.01299",
        "https://pubmed.ncbi.nlm.nih.gov/29951056/",
    ]
    assert {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.3389/fimmu.2018.01299"} in citations[0][
        "identifier"
    ]


def test_article_side_effects_belong_to_the_therapy_not_the_drug(client, full_article):
    mentions = only_block(client.get(full_article.get_absolute_url()))["mentions"]
    drug = next(node for node in mentions if node["@type"] == "Drug")
    therapy = next(node for node in mentions if node["@type"] == "MedicalTherapy")

    assert drug["name"] == "Privigen"
    assert "adverseOutcome" not in drug
    assert therapy["drug"] == [{"@id": drug["@id"]}]
    assert [outcome["name"] for outcome in therapy["adverseOutcome"]] == ["Headache"]
    assert [outcome["name"] for outcome in therapy["seriousAdverseOutcome"]] == ["Aseptic meningitis"]


def test_article_breadcrumb_list_matches_the_visible_breadcrumbs(client, full_article):
    trail = only_block(client.get(full_article.get_absolute_url()))["breadcrumb"]["itemListElement"]

    assert [(item["position"], item["name"], item["item"]) for item in trail] == [
        (1, "Home", "http://testserver/"),
        (2, "ITP", "http://testserver/conditions/itp/"),
        (3, "IVIG for immune thrombocytopenia", "http://testserver/articles/ivig-for-itp/"),
    ]


def test_article_without_fact_checker_claims_no_review(client):
    article = ArticleFactory(fact_checker=None)

    data = only_block(client.get(article.get_absolute_url()))

    assert "reviewedBy" not in data
    assert "lastReviewed" not in data


# --- Product and condition ------------------------------------------------------------------------------------


def test_product_page_is_a_drug_given_in_a_therapy_with_the_side_effects(client, full_article):
    data = only_block(client.get("/products/privigen/"))
    (drug,) = nodes(data, "Drug")
    (therapy,) = nodes(data, "MedicalTherapy")

    assert drug["name"] == drug["proprietaryName"] == "Privigen"
    assert drug["nonProprietaryName"] == "immune globulin intravenous (human), 10% liquid"
    assert drug["manufacturer"] == {"@type": "Organization", "name": "Example Biologics"}
    assert drug["administrationRoute"] == "Intravenous (IVIG)"
    assert not {"adverseOutcome", "seriousAdverseOutcome"} & set(drug)
    assert therapy["drug"] == [{"@id": drug["@id"]}]
    assert [outcome["name"] for outcome in therapy["seriousAdverseOutcome"]] == ["Aseptic meningitis"]


def test_product_approvals_are_approved_indications_by_regulator(client, full_article):
    (therapy,) = nodes(only_block(client.get("/products/privigen/")), "MedicalTherapy")

    assert therapy["indication"] == [
        {
            "@type": "ApprovedIndication",
            "name": "Immune thrombocytopenia",
            "url": "http://testserver/conditions/itp/",
            "recognizingAuthority": {"@type": "Organization", "name": "United States (FDA)"},
        }
    ]


def test_condition_page_is_a_medical_condition_with_its_approved_drugs(client, full_article):
    [data] = nodes(only_block(client.get("/conditions/itp/")), "MedicalCondition")

    assert data["code"] == {"@type": "MedicalCode", "codeValue": "D69.3", "codingSystem": "ICD-10-CM"}
    assert data["description"] == "A condition in which the immune system attacks the body."
    assert [drug["name"] for drug in data["drug"]] == ["Privigen"]


def test_condition_lists_each_approved_drug_once(client, full_article):
    ProductApprovalFactory(product=full_article.products.get(), condition=full_article.conditions.get(), region="EU")

    [condition] = nodes(only_block(client.get("/conditions/itp/")), "MedicalCondition")
    assert len(condition["drug"]) == 1


@pytest.mark.parametrize("url", ["/conditions/itp/", "/products/privigen/", "/side-effects/headache/"])
def test_shared_pages_say_who_reviewed_them_and_when(client, full_article, url):
    from articles.models import Condition, Product, SideEffect

    checker = full_article.fact_checker
    for model in (Condition, Product, SideEffect):
        model.objects.update(fact_checker=checker, last_reviewed_on=datetime.date(2026, 3, 4))

    [page] = nodes(only_block(client.get(url)), "MedicalWebPage")

    assert page["lastReviewed"] == "2026-03-04"
    assert page["reviewedBy"]["name"] == checker.name
    assert page["url"] == f"http://testserver{url}"


# --- Vocabulary and safety -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/articles/ivig-for-itp/", "/products/privigen/", "/conditions/itp/", "/side-effects/headache/"]
)
def test_markup_uses_only_real_schema_org_terms(client, full_article, url):
    assert unknown_terms(only_block(client.get(url))) == []


def test_unknown_terms_are_caught():
    assert unknown_terms({"@type": "Drug", "adverseOutcome": []}) == ["$.adverseOutcome: not a property of Drug"]


def test_text_from_editors_cannot_close_the_script_element(client):
    article = ArticleFactory(title="Dosing </script><script>alert(1)</script> & more")

    response = client.get(article.get_absolute_url())
    scripts = parse(response).find("script")

    assert len(scripts) == 1
    assert only_block(response)["headline"] == "Dosing </script><script>alert(1)</script> & more"
