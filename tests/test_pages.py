"""Every reader page, and what a patient sees on it."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.utils import timezone
from django.views.defaults import server_error

from articles.models import Article, SideEffect
from review.guard import seeding
from tests.factories import (
    ArticleFactory,
    ConditionFactory,
    ContributorFactory,
    PageFactory,
    ProductApprovalFactory,
    ProductFactory,
    ProductSideEffectFactory,
    SideEffectFactory,
)
from tests.html import main_content, page_text, parse

pytestmark = pytest.mark.django_db


# --- Home and lists -------------------------------------------------------------------------------------------


def test_home_features_the_latest_therapy_guide(client):
    ArticleFactory(
        title="Older guide", kind=Article.Kind.THERAPY_GUIDE, published_at=timezone.now() - datetime.timedelta(days=30)
    )
    ArticleFactory(title="IVIG therapy explained", kind=Article.Kind.THERAPY_GUIDE)
    ArticleFactory(
        title="Latest news", kind=Article.Kind.NEWS, published_at=timezone.now() - datetime.timedelta(hours=1)
    )

    page = main_content(client.get("/"))

    featured = page[page.index('class="featured"') :]
    assert "Start here" in featured
    assert featured.index("IVIG therapy explained") < featured.index("Latest articles")
    assert "Older guide" not in featured[: featured.index("Latest articles")]
    assert page.count("IVIG therapy explained") == 1  # not repeated among the latest articles


def test_home_search_box_sends_the_query_to_search(client):
    form = next(form for form in parse(client.get("/")).find("form") if form.attrs.get("role") == "search")

    assert form.attrs["action"] == "/search/"
    assert form.attrs["method"] == "get"
    assert 'name="q"' in page_text(client.get("/"))


def test_article_list_shows_published_articles_newest_first(client):
    ArticleFactory(title="First guide", published_at=timezone.now() - datetime.timedelta(days=20))
    ArticleFactory(title="Second guide", published_at=timezone.now() - datetime.timedelta(days=2))

    page = main_content(client.get("/articles/"))

    assert page.index("Second guide") < page.index("First guide")


def test_article_list_is_split_into_pages_of_twenty(client):
    ArticleFactory.create_batch(21)

    first, second = client.get("/articles/"), client.get("/articles/?page=2")

    assert main_content(first).count('class="card"') == 20
    assert "Page 1 of 2" in main_content(first)
    assert main_content(second).count('class="card"') == 1


def test_condition_list_shows_each_condition_with_its_summary(client):
    ConditionFactory(name="Multifocal motor neuropathy", abbreviation="MMN", summary="A rare nerve condition.")

    page = main_content(client.get("/conditions/"))

    assert "Multifocal motor neuropathy (MMN)" in page
    assert "A rare nerve condition." in page


# --- Article --------------------------------------------------------------------------------------------------


def test_article_breadcrumbs_lead_back_through_its_condition(client, full_article):
    crumbs = re.search(
        r'<nav class="breadcrumbs".*?</nav>', page_text(client.get(full_article.get_absolute_url())), re.S
    )

    assert re.findall(r'<a href="([^"]+)"', crumbs.group(0)) == ["/", "/conditions/itp/", "/articles/ivig-for-itp/"]
    assert 'aria-current="page">IVIG for immune thrombocytopenia</a>' in crumbs.group(0)


def test_article_about_several_conditions_leads_back_through_all_articles(client, full_article):
    with seeding():
        full_article.conditions.add(ConditionFactory())

    page = page_text(client.get(full_article.get_absolute_url()))

    assert re.search(r'<nav class="breadcrumbs".*?<a href="/articles/">Articles</a>', page, re.S)


def test_table_of_contents_links_to_every_section_of_the_body(client, full_article):
    page = main_content(client.get(full_article.get_absolute_url()))
    toc = page[page.index('<nav class="toc') : page.index("</nav>", page.index('<nav class="toc'))]

    targets = re.findall(r'href="#([^"]+)"', toc)

    assert targets[:3] == ["what-is-ivig", "how-it-is-given", "side-effects"]
    assert targets[3:] == ["side-effects-heading", "products-heading", "sources-heading"]
    for target in targets:
        assert f'id="{target}"' in page
    assert "At home" not in toc  # h3s stay out of the table of contents


def test_byline_links_author_and_fact_checker_to_their_profiles(client, full_article):
    page = main_content(client.get(full_article.get_absolute_url()))

    assert '<a class="contributor" href="/contributors/rosa-delgado/">Rosa Delgado, PhD</a>' in page
    assert 'Fact-checked by <a class="contributor" href="/contributors/tomasz-wren/">Tomasz Wren, PharmD</a>' in page


def test_byline_shows_reading_time(client, full_article):
    with seeding():
        full_article.body = "<h2>Long</h2><p>" + "word " * 650 + "</p>"
        full_article.save()

    assert "4 min read" in main_content(client.get(full_article.get_absolute_url()))


def test_side_effects_say_when_they_happen_what_helps_and_when_to_get_help(client, full_article):
    page = main_content(client.get(full_article.get_absolute_url()))
    section = page[page.index('id="side-effects-heading"') : page.index('id="products-heading"')]

    assert section.index(">Serious</h3>") < section.index("Hours to days later") < section.index("Aseptic meningitis")
    assert section.index("Aseptic meningitis") < section.index("Common and usually mild")
    assert section.index("Common and usually mild") < section.index("During or soon after the infusion")
    assert section.index("During or soon after the infusion") < section.index("Headache")
    assert "<dt>What helps</dt><dd>Drink plenty of water.</dd>" in section
    assert "Get help if</dt><dd>Call your care team about a severe headache with a stiff neck.</dd>" in section
    assert '<a href="/side-effects/aseptic-meningitis/">Aseptic meningitis</a>' in section


def test_sources_link_to_doi_and_pubmed(client, full_article):
    page = main_content(client.get(full_article.get_absolute_url()))

    assert "Sources (1)" in page
    assert 'href="https://doi.org/10.3389/fimmu.2018.01299"' in page
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/29951056/"' in page


def test_related_articles_share_a_condition_and_the_rest_are_recent(client, full_article):
    ArticleFactory(title="Living with ITP", conditions=full_article.conditions.all())
    ArticleFactory(title="News about hemophilia", conditions=[ConditionFactory()])

    page = main_content(client.get(full_article.get_absolute_url()))
    related = page[page.index('id="related-heading"') : page.index('id="recent-heading"')]
    recent = page[page.index('id="recent-heading"') :]

    assert "Living with ITP" in related
    assert "News about hemophilia" not in related
    assert "News about hemophilia" in recent
    assert "Living with ITP" not in recent


def test_related_articles_put_those_sharing_more_conditions_first(client, full_article):
    other = ConditionFactory()
    with seeding():
        full_article.conditions.add(other)
    ArticleFactory(title="Shares one", conditions=[other], published_at=timezone.now() - datetime.timedelta(hours=1))
    ArticleFactory(
        title="Shares two",
        conditions=full_article.conditions.all(),
        published_at=timezone.now() - datetime.timedelta(days=40),
    )

    page = main_content(client.get(full_article.get_absolute_url()))

    assert page.index("Shares two") < page.index("Shares one")


def test_related_articles_are_four_newest_first_among_equals_and_never_drafts(client, full_article):
    now = timezone.now()
    for days in (1, 5, 2, 9, 7, 3):
        ArticleFactory(
            title=f"Shared {days} days ago",
            conditions=full_article.conditions.all(),
            published_at=now - datetime.timedelta(days=days),
        )
    ArticleFactory(title="Shared draft", conditions=full_article.conditions.all(), draft=True)

    page = main_content(client.get(full_article.get_absolute_url()))
    related = page[page.index('id="related-heading"') : page.index('id="recent-heading"')]

    assert re.findall(r"Shared [^<]*ago", related) == [f"Shared {days} days ago" for days in (1, 2, 3, 5)]


def test_article_ends_with_the_medical_disclaimer(client, full_article):
    page = page_text(client.get(full_article.get_absolute_url()))

    assert page.index("Sources (1)") < page.index("Medical disclaimer")
    assert "It does not diagnose, treat or give medical advice" in page


def test_article_asks_whether_it_was_helpful(client, full_article):
    page = main_content(client.get(full_article.get_absolute_url()))

    assert 'action="/articles/ivig-for-itp/feedback/"' in page
    assert "Was this page helpful?" in page
    assert 'name="csrfmiddlewaretoken"' not in page  # no per-reader token: see feedback/origin.py


def test_preview_of_a_draft_has_no_feedback_form(client, editor):
    draft = ArticleFactory(draft=True)
    client.force_login(editor)

    page = main_content(client.get(draft.get_absolute_url()))

    assert "Was this page helpful?" not in page


def test_preview_by_id_sends_anonymous_visitors_to_log_in(client):
    draft = ArticleFactory(draft=True)

    response = client.get(f"/preview/articles/{draft.pk}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_preview_by_id_is_forbidden_to_staff_without_permission(client, django_user_model):
    draft = ArticleFactory(draft=True)
    client.force_login(django_user_model.objects.create_user("intern", password="pw", is_staff=True))

    assert client.get(f"/preview/articles/{draft.pk}/").status_code == 403


def test_preview_by_id_shows_any_version_to_staff_who_may_view_articles_uncached(client, django_user_model):
    draft = ArticleFactory(draft=True, title="Work in progress")
    reviewer = django_user_model.objects.create_user("reviewer", password="pw", is_staff=True)
    reviewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(reviewer)

    response = client.get(f"/preview/articles/{draft.pk}/")

    assert "Work in progress" in main_content(response)
    assert "Preview: readers cannot see this page" in page_text(response)
    assert "no-cache" in response["Cache-Control"]


# --- Condition ------------------------------------------------------------------------------------------------


def test_condition_page_groups_its_articles_by_kind(client, full_article):
    condition = full_article.conditions.get()
    ArticleFactory(title="New ITP study", kind=Article.Kind.NEWS, conditions=[condition])

    page = main_content(client.get(condition.get_absolute_url()))

    assert page.index("<h3>Treatment guide</h3>") < page.index("IVIG for immune thrombocytopenia")
    assert page.index("IVIG for immune thrombocytopenia") < page.index("<h3>News</h3>") < page.index("New ITP study")


def test_condition_page_shows_overview_treatment_and_icd10_code(client, full_article):
    page = main_content(client.get(full_article.conditions.get().get_absolute_url()))

    assert 'ICD-10 code <span class="code">D69.3</span>' in page
    assert '<h2 id="overview-heading">Overview</h2>' in page
    assert '<h2 id="treatment-heading">Treatment</h2>' in page


def test_condition_page_lists_approved_products_with_regulator_and_year(client, full_article):
    condition = full_article.conditions.get()
    ProductApprovalFactory(product=full_article.products.get(), condition=condition, region="EU", year=2010)

    page = main_content(client.get(condition.get_absolute_url()))

    assert '<a class="product-name" href="/products/privigen/">Privigen</a>' in page
    assert "European Union (EMA), 2010; United States (FDA), 2008" in page


def test_condition_page_offers_its_feeds(client, full_article):
    page = page_text(client.get(full_article.conditions.get().get_absolute_url()))

    rss = '<link rel="alternate" type="application/rss+xml" title="IVIG Patient Guide: Immune thrombocytopenia (RSS)"'
    assert rss + ' href="/conditions/itp/rss/">' in page
    assert 'href="/conditions/itp/atom/"' in page


# --- Products and side effects ------------------------------------------------------------------------------


def test_product_list_shows_maker_route_and_approvals(client, full_article):
    page = main_content(client.get("/products/"))

    assert '<a href="/products/privigen/">Privigen</a>' in page
    assert "Example Biologics · Intravenous (IVIG) · 10%" in page
    assert "Approved for: ITP (US, 2008)" in page


def test_product_page_shows_approvals_side_effects_and_articles(client, full_article):
    page = main_content(client.get("/products/privigen/"))

    assert '<a href="/conditions/itp/">Immune thrombocytopenia</a></th><td>United States (FDA), 2008</td>' in page
    assert "Side effects of treatment with Privigen" in page
    assert page.index("Aseptic meningitis") < page.index("Headache")  # serious first
    assert "Articles that mention Privigen" in page
    assert "IVIG for immune thrombocytopenia" in page


def test_product_without_approvals_says_so(client):
    product = ProductFactory()

    assert "We have no approvals on record" in main_content(client.get(product.get_absolute_url()))


def test_side_effect_list_puts_serious_before_mild(client):
    SideEffectFactory(name="Blood clots", seriousness=SideEffect.Seriousness.SERIOUS)
    SideEffectFactory(name="Chills")

    page = main_content(client.get("/side-effects/"))

    assert page.index(">Serious</h2>") < page.index("Blood clots") < page.index("Common and usually mild")
    assert page.index("Common and usually mild") < page.index("Chills")


def test_side_effect_page_gives_advice_products_and_articles(client, full_article):
    page = main_content(client.get("/side-effects/aseptic-meningitis/"))

    assert "<h1>Aseptic meningitis</h1>" in page
    assert "Hours to days later" in page
    assert "When to get help" in page
    assert "Call your care team about a severe headache with a stiff neck." in page
    assert '<a href="/products/privigen/">Privigen</a> <span class="muted">Rare</span>' in page
    assert "IVIG for immune thrombocytopenia" in page


def test_side_effect_page_lists_products_in_any_number(client):
    effect = SideEffectFactory()
    ProductSideEffectFactory.create_batch(3, side_effect=effect)

    assert main_content(client.get(effect.get_absolute_url())).count("/products/") == 3


# --- People and policies ----------------------------------------------------------------------------------------


def test_contributor_page_lists_articles_written_and_fact_checked(client, full_article):
    checker = full_article.fact_checker
    ArticleFactory(title="A guide she checked too", fact_checker=checker)

    author_page = main_content(client.get("/contributors/rosa-delgado/"))
    checker_page = main_content(client.get(checker.get_absolute_url()))

    assert '<h1>Rosa Delgado, <span class="credentials">PhD</span></h1>' in author_page
    assert "Articles by Rosa Delgado" in author_page
    assert "IVIG for immune thrombocytopenia" in author_page
    assert "Articles fact-checked by Tomasz Wren" in checker_page
    assert "A guide she checked too" in checker_page
    assert "Fact-checker" in checker_page


def test_expert_board_lists_its_members_only(client):
    ContributorFactory(name="Dr Ana Ruiz", credentials="MD", on_expert_board=True, is_medical_reviewer=True)
    ContributorFactory(name="Not On Board")

    page = main_content(client.get("/expert-board/"))

    assert "Dr Ana Ruiz, MD" in page
    assert "Medical reviewer" in page
    assert "Not On Board" not in page


def test_expert_board_says_where_each_member_works_and_their_ties(client):
    ContributorFactory(
        name="Dr Ana Ruiz",
        credentials="MD",
        on_expert_board=True,
        affiliation="Neurologist, Northfield Clinic",
        disclosures="Spoke at a meeting a <maker> paid for.\nNo shares.",
    )

    page = main_content(client.get("/expert-board/"))
    member = page[page.index("Dr Ana Ruiz, MD") :]

    assert "Neurologist, Northfield Clinic" in member
    assert "Spoke at a meeting a &lt;maker&gt; paid for.<br>No shares." in member


def test_policy_page_shows_the_editors_text(client):
    PageFactory(title="Editorial policy", slug="editorial-policy", body="<h2>Sources</h2><p>We use studies.</p>")

    page = main_content(client.get("/about/editorial-policy/"))

    assert "<h1>Editorial policy</h1>" in page
    assert "<h2>Sources</h2><p>We use studies.</p>" in page


def test_footer_links_published_pages_in_the_editors_order(client):
    PageFactory(title="Medical disclaimer", slug="disclaimer", footer_position=30)
    PageFactory(title="Editorial policy", slug="editorial-policy", footer_position=10)
    PageFactory(title="Hidden policy", draft=True)

    footer = page_text(client.get("/")).split("<footer", 1)[1]

    assert footer.index("/about/editorial-policy/") < footer.index("/about/disclaimer/")
    assert "Hidden policy" not in footer


def test_unpublished_policy_page_is_not_found(client):
    page = PageFactory(draft=True)

    assert client.get(page.get_absolute_url()).status_code == 404


def test_staff_who_may_view_pages_preview_unpublished_ones(client, django_user_model):
    page = PageFactory(draft=True, title="New corrections policy")
    staff = django_user_model.objects.create_user("pages", password="pw", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_page"))
    client.force_login(staff)

    response = client.get(page.get_absolute_url())

    assert "New corrections policy" in main_content(response)
    assert "no-cache" in response["Cache-Control"]


# --- Errors -----------------------------------------------------------------------------------------------------


def test_unknown_address_gets_a_helpful_not_found_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "We cannot find that page" in page
    assert 'action="/search/"' in page


def test_server_error_page_needs_neither_database_nor_context(django_assert_num_queries):
    request = RequestFactory().get("/")

    with django_assert_num_queries(0):
        response = server_error(request)

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
