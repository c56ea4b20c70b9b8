from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from articles import demo_content
from articles.models import Article, Condition, Contributor, Product, SideEffect
from references.models import Source
from richtext.fields import sanitize_html

pytestmark = pytest.mark.django_db

SEED_DOIS = [
    "",
    "",
    "10.1016/j.iac.2008.06.002",
    "10.1016/j.jaci.2016.09.023",
    "",
    "",
    "10.3389/fimmu.2018.01299",
    "10.1111/j.1365-2249.2011.04387.x",
    "10.3389/fimmu.2021.707463",
    "10.1016/j.jns.2019.116497",
    "10.3390/antib9030034",
    "",
    "10.1016/j.ensci.2023.100468",
    "10.1016/j.waojou.2019.100068",
]
PEOPLE_NAMED_IN_THE_SEEDS = [
    "Lindsey Shapiro",
    "Inês Martins",
    "Marisa Wexler",
    "Margarida Maia",
    "Michela Luciano",
    "Shalana Jordan",
]


def load(**options):
    out = StringIO()
    call_command("load_demo_content", stdout=out, **options)
    return out.getvalue()


def content_models():
    for label in ("articles", "references"):
        yield from apps.get_app_config(label).get_models(include_auto_created=True)


def snapshot():
    return {model._meta.label: list(model._default_manager.order_by("pk").values()) for model in content_models()}


def test_loading_twice_leaves_every_row_unchanged():
    load()
    first = snapshot()

    load()

    second = snapshot()
    assert {label: len(rows) for label, rows in second.items()} == {label: len(rows) for label, rows in first.items()}
    assert second == first
    assert Article.objects.published().count() == 2


def test_second_run_reports_that_nothing_was_created():
    assert "Demo content loaded: created 14 contributors, 17 conditions" in load()

    assert load().strip() == "Demo content is already loaded; nothing created."


def test_run_is_silent_at_verbosity_zero_and_names_each_row_at_verbosity_two():
    assert load(verbosity=0) == ""
    Article.objects.originals().filter(slug="subcutaneous-immunoglobulin-at-home").delete()

    output = load(verbosity=2)

    assert "Created article “Subcutaneous immunoglobulin at home”." in output
    assert output.strip().endswith("created 1 article, 2 citations and 2 links between them.")


def test_rows_an_editor_changed_are_not_overwritten():
    load()
    Condition.objects.originals().filter(slug="itp").update(summary="Edited by the medical editor.")
    Article.objects.originals().filter(slug="ivig-therapy").update(title="IVIG: a guide")

    load()

    assert Condition.objects.originals().get(slug="itp").summary == "Edited by the medical editor."
    assert Article.objects.originals().get(slug="ivig-therapy").title == "IVIG: a guide"


def test_the_two_guides_are_published_and_the_draft_stays_hidden(demo_site):
    published = set(Article.objects.published().values_list("slug", flat=True))

    assert published == {"ivig-for-immune-thrombocytopenia", "ivig-therapy"}
    assert Article.objects.originals().get(slug="subcutaneous-immunoglobulin-at-home").status == Article.Status.DRAFT
    assert Condition.objects.published().count() == 8


def test_therapy_article_cites_the_fourteen_seed_sources_in_order(demo_site):
    article = Article.objects.originals().get(slug="ivig-therapy")

    sources = [citation.source for citation in article.citations.for_display()]

    assert len(sources) == 14
    assert [citation.position for citation in article.citations.all()] == list(range(1, 15))
    assert [source.doi for source in sources] == SEED_DOIS
    assert sources[0].title == "Patient education: intravenous immune globulin (IVIG) (beyond the basics)"
    assert sources[0].url and sources[0].accessed_on
    assert sources[-1].title.startswith("Impact of IVIG vs. SCIG on IgG trough level")
    perez = sources[3]
    assert [str(author) for author in perez.authors.all()] == ["Perez EE", "Orange JS", "Bonilla F"]
    assert perez.has_more_authors
    assert (perez.publication, perez.year, perez.volume, perez.issue, perez.pages) == (
        "J Allergy Clin Immunol",
        2017,
        "139",
        "3S",
        "S1-S46",
    )


def test_web_page_sources_have_an_address_and_an_accessed_date(demo_site):
    web_pages = Source.objects.published().filter(kind=Source.Kind.WEB_PAGE)

    assert web_pages.count() == 3
    assert all(page.url.startswith("https://") and page.accessed_on for page in web_pages)


def test_every_demo_row_passes_model_validation(demo_site):
    checked = 0
    for model in content_models():
        for row in model._default_manager.all():
            row.full_clean()
            checked += 1

    assert checked > 100


def test_rich_text_is_stored_exactly_as_written(demo_site):
    for data in demo_content.ARTICLES:
        assert sanitize_html(data["body"]) == data["body"]
        assert Article.objects.originals().get(slug=data["slug"]).body == data["body"]
    for data in demo_content.CONDITIONS:
        condition = Condition.objects.originals().get(slug=data["slug"])
        assert (condition.overview, condition.treatment) == (data["overview"], data["treatment"])


def test_itp_article_lists_all_eight_products_and_mild_and_serious_side_effects(demo_site):
    article = Article.objects.originals().for_detail().get(slug="ivig-for-immune-thrombocytopenia")

    groups = dict(article.side_effect_groups())

    assert sorted(product.brand_name for product in article.products.all()) == [
        "Carimune NF",
        "Flebogamma DIF",
        "Gammaked",
        "Gammaplex",
        "Gamunex-C",
        "Octagam",
        "Panzyga",
        "Privigen",
    ]
    assert [link.side_effect.name for link in groups[SideEffect.Seriousness.MILD]][:2] == [
        "Headache",
        "High blood pressure",
    ]
    assert len(groups[SideEffect.Seriousness.MILD]) == 6
    assert len(groups[SideEffect.Seriousness.SERIOUS]) == 5
    assert [condition.slug for condition in article.conditions.all()] == ["itp"]


def test_every_product_is_approved_for_itp_and_lists_side_effects(demo_site):
    for product in Product.objects.all():
        assert product.approvals.filter(condition__slug="itp", region="US").exists()
        assert product.side_effects.count() == 11


def test_related_conditions_link_both_ways(demo_site):
    assert (
        Condition.objects.originals().get(slug="ttp")
        in Condition.objects.originals().get(slug="itp").related_conditions.all()
    )
    assert (
        Condition.objects.originals().get(slug="itp")
        in Condition.objects.originals().get(slug="ttp").related_conditions.all()
    )


def test_every_kind_of_reviewed_record_is_shown_in_every_state(demo_site):
    from review.content import reviewed_models

    for model in reviewed_models():
        records = model.objects.all()
        assert {record.status for record in records.originals()} >= {
            "draft",
            "in_review",
            "changes_requested",
            "fact_checked",
            "published",
            "unpublished",
            "archived",
        }, model
        assert records.originals().scheduled().exists(), model  # published for a later time
        assert records.working_copies().filter(status="in_review").exists(), model  # live, new version pending
        assert records.working_copies().filter(status="scheduled").exists(), model
    assert not any(
        "workflow demo" in str(record) for model in reviewed_models() for record in model.objects.published()
    )


def test_contributors_are_invented_people_with_the_roles_articles_need(demo_site):
    names = list(Contributor.objects.values_list("name", flat=True))

    for real_name in PEOPLE_NAMED_IN_THE_SEEDS:
        family_name = real_name.split()[-1]
        assert not any(family_name in name for name in names), real_name
    assert Contributor.objects.originals().filter(is_writer=True).exists()
    assert Contributor.objects.originals().filter(is_fact_checker=True).exists()
    assert Contributor.objects.originals().filter(is_medical_reviewer=True, on_expert_board=True).exists()
