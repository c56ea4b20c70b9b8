"""
What the reader pages put first and how they tell it: takeaways and the “Get help now” card up front, side effects
serious first and told once, honest listings, the design system's assets.
"""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from articles.models import Article, Product, SideEffect
from review.guard import seeding

from . import factories
from .html import main_content, page_text

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
CSS = (ROOT / "static" / "css" / "site.css").read_text()
Level = SideEffect.CareLevel


@pytest.fixture
def guide():
    """An article with takeaways, two sections, a mild and two serious side effects."""
    article = factories.ArticleFactory(
        title="IVIG at a glance",
        slug="ivig-at-a-glance",
        dek="A summary the takeaways replace on the page.",
        key_takeaways="<ul><li>Most side effects are mild.</li></ul>",
        body="<h2>What IVIG is</h2><p>Antibodies from donors.</p><h2>How it is given</h2><p>Through a drip.</p>",
    )
    headache = factories.SideEffectFactory(name="Headache", description="A dull ache in the head.")
    anaphylaxis = factories.SideEffectFactory(
        name="Anaphylaxis",
        seriousness=SideEffect.Seriousness.SERIOUS,
        description="A sudden, whole-body allergic reaction.",
        care_level=Level.IMMEDIATE,
        warning_signs="Trouble breathing\nSwollen lips",
        risk_factors="Lacking IgA.",
        what_helps="Stopping the infusion at once.",
    )
    meningitis = factories.SideEffectFactory(
        name="Aseptic meningitis",
        seriousness=SideEffect.Seriousness.SERIOUS,
        onset=SideEffect.Onset.DELAYED,
        description="Swelling of the brain's lining without an infection.",
        care_level=Level.URGENT,
        warning_signs="A severe headache with a stiff neck",
    )
    for effect in (headache, anaphylaxis, meningitis):
        factories.ArticleSideEffectFactory(article=article, side_effect=effect)
    return article


def positions(page, *needles):
    found = [page.find(needle) for needle in needles]
    assert -1 not in found, dict(zip(needles, found, strict=True))
    return found


def test_article_shows_title_byline_takeaways_first_section_then_get_help_now(client, guide):
    page = main_content(client.get(guide.get_absolute_url()))

    order = positions(
        page,
        "<h1>IVIG at a glance</h1>",
        'class="byline"',
        "Most side effects are mild.",
        'id="what-ivig-is"',
        'id="get-help-now"',
        'id="how-it-is-given"',
        'id="side-effects-heading"',
    )
    assert order == sorted(order)
    assert "A summary the takeaways replace on the page." not in page


def test_get_help_now_puts_immediate_action_before_urgent_advice_with_the_signs(client, guide):
    page = main_content(client.get(guide.get_absolute_url()))
    card = page[page.index('id="get-help-now"') : page.index('id="how-it-is-given"')]

    order = positions(card, "Immediate action required", "Trouble breathing", "Urgent advice", "stiff neck")
    assert order == sorted(order)
    assert "Call 911" in card
    assert "Headache" not in card


def test_side_effects_come_serious_first_and_are_told_once(client, guide):
    page = main_content(client.get(guide.get_absolute_url()))

    serious, mild = positions(page, 'id="side-effects-serious"', 'id="side-effects-mild"')
    assert serious < mild
    for description in ("A dull ache in the head.", "A sudden, whole-body allergic reaction."):
        assert page.count(description) == 1
    assert page.count("Trouble breathing") == 1  # on the card only; the side effect's card points to it


def test_side_effect_cards_keep_risk_factors_apart_from_what_helps(client, guide):
    page = main_content(client.get(guide.get_absolute_url()))

    risk = re.search(r'fact--risk"><dt>Who is more at risk</dt><dd>(.*?)</dd>', page).group(1)
    helps = re.search(r'fact--helps"><dt>What helps</dt><dd>(.*?)</dd>', page).group(1)
    assert risk == "Lacking IgA."
    assert helps == "Stopping the infusion at once."


def test_reading_time_counts_the_takeaways_and_the_side_effects_as_well_as_the_body(client):
    article = factories.ArticleFactory(body="<h2>Short</h2><p>Five words in the body.</p>")
    long_effect = factories.SideEffectFactory(description="word " * 600)
    factories.ArticleSideEffectFactory(article=article, side_effect=long_effect)
    with seeding():
        article.key_takeaways = "<ul><li>" + "point " * 300 + "</li></ul>"
        article.save()

    page = page_text(client.get(article.get_absolute_url()))

    assert "5 min read" in page  # 900 words at the site's pace, where the body alone is one minute


def test_contents_list_folds_away_on_phones_and_has_a_sidebar_twin(client, guide):
    page = main_content(client.get(guide.get_absolute_url()))

    assert '<details class="toc toc--collapsible">' in page
    assert 'class="toc toc--sidebar"' in page
    assert page.count('<li><a href="#get-help-now">Get help now</a></li>') == 2


def test_product_page_shows_the_card_before_its_approvals(client):
    product = factories.ProductFactory(brand_name="Globulix")
    factories.ProductApprovalFactory(product=product)
    clots = factories.SideEffectFactory(
        name="Blood clots", seriousness="serious", care_level=Level.IMMEDIATE, warning_signs="Chest pain"
    )
    factories.ProductSideEffectFactory(product=product, side_effect=clots)

    page = main_content(client.get(product.get_absolute_url()))

    card, approvals = positions(page, 'id="get-help-now"', 'id="approvals-heading"')
    assert card < approvals
    assert "Chest pain" in page


def test_a_serious_side_effect_page_opens_with_its_card_and_a_mild_one_has_none(client):
    clots = factories.SideEffectFactory(
        name="Blood clots",
        seriousness="serious",
        care_level=Level.IMMEDIATE,
        warning_signs="Chest pain",
        when_to_seek_help="Call emergency services for chest pain.",
    )
    chills = factories.SideEffectFactory(name="Chills", when_to_seek_help="Tell the nurse if you shake.")

    serious = main_content(client.get(clots.get_absolute_url()))
    mild = main_content(client.get(chills.get_absolute_url()))

    assert "Immediate action required" in serious
    assert serious.count("Call emergency services for chest pain.") == 1
    assert 'id="get-help-now"' not in mild
    assert "Tell the nurse if you shake." in mild


def test_newest_first_sorts_by_the_date_the_cards_show(client):
    now = timezone.now()
    factories.ArticleFactory(
        title="Published lately, updated long ago",
        published_at=now - datetime.timedelta(days=2),
        last_updated=(now - datetime.timedelta(days=2)).date(),
    )
    older = factories.ArticleFactory(title="Published long ago", published_at=now - datetime.timedelta(days=300))
    older.last_updated = timezone.localdate()
    older.save()

    page = main_content(client.get("/articles/"))

    newest, other = positions(page, "Published long ago", "Published lately, updated long ago")
    assert newest < other


def test_conditions_ivig_treats_are_those_with_an_ivig_approval_or_guide(client):
    approved = factories.ConditionFactory(name="Immune thrombocytopenia")
    factories.ProductApprovalFactory(condition=approved, product__route=Product.Route.INTRAVENOUS)
    guided = factories.ConditionFactory(name="Guillain-Barré syndrome")
    factories.ArticleFactory(kind=Article.Kind.THERAPY_GUIDE, conditions=[guided])
    factories.ConditionFactory(name="Hemophilia")
    news_only = factories.ConditionFactory(name="Von Willebrand disease")
    factories.ArticleFactory(kind=Article.Kind.NEWS, conditions=[news_only])
    subcutaneous = factories.ConditionFactory(name="Only treated under the skin")
    factories.ProductApprovalFactory(condition=subcutaneous, product__route=Product.Route.SUBCUTANEOUS)

    home = main_content(client.get("/"))
    treated = home[home.index('id="conditions-heading"') :]
    listing = main_content(client.get("/conditions/"))
    treated_list = listing[listing.index('id="conditions-treated"') : listing.index('id="conditions-other"')]
    others = listing[listing.index('id="conditions-other"') :]

    for name in ("Immune thrombocytopenia", "Guillain-Barré syndrome"):
        assert name in treated and name in treated_list
    for name in ("Hemophilia", "Von Willebrand disease", "Only treated under the skin"):
        assert name not in treated and name not in treated_list and name in others


def test_demo_content_lists_only_conditions_ivig_treats_and_gives_approval_years(client, demo_site):

    home = main_content(client.get("/"))
    treated = home[home.index('id="conditions-heading"') :]
    assert "Immune thrombocytopenia" in treated
    assert "Hemophilia" not in treated and "Von Willebrand disease" not in treated
    product = main_content(client.get("/products/privigen/"))
    assert "United States (FDA), 2017" in product


def test_accessibility_statement_is_a_reviewed_page_linked_from_every_footer(client, demo_site):

    statement = main_content(client.get("/about/accessibility/"))
    home = page_text(client.get("/"))

    assert "WCAG 2.2" in statement and "level AA" in statement
    assert "Tell us about a problem" in statement
    footer = home[home.index('<footer class="site-footer">') :]
    assert '<a href="/about/accessibility/">Accessibility statement</a>' in footer


def test_every_page_names_its_icons_and_they_exist(client):
    page = page_text(client.get("/"))

    hrefs = re.findall(r'<link rel="(?:icon|apple-touch-icon|manifest)" href="/static/([^"]+)"', page)
    assert {"img/favicon.svg", "img/favicon-32.png", "img/apple-touch-icon.png", "img/site.webmanifest"} <= set(hrefs)
    for href in hrefs:
        assert (ROOT / "static" / href).is_file(), href
    manifest = json.loads((ROOT / "static" / "img" / "site.webmanifest").read_text())
    for icon in manifest["icons"]:
        assert (ROOT / "static" / "img" / icon["src"]).is_file(), icon
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}


def test_stylesheet_loads_nothing_from_the_internet():
    assert "@import" not in CSS and "@font-face" not in CSS
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", CSS)


def test_titles_outrank_section_headings_on_phones():
    tokens = dict(re.findall(r"(--step-\d):\s*([\d.]+)rem", re.search(r":root\s*{(.*?)}", CSS, re.S).group(1)))

    assert float(tokens["--step-4"]) >= 1.3 * float(tokens["--step-3"])


def test_citation_links_are_underlined_and_stand_out_from_the_text():
    from .test_accessibility import colours, contrast

    rule = re.search(r"sup\.citation a\s*{([^}]*)}", CSS).group(1)
    palette = colours()

    assert "text-decoration: underline" in rule
    assert contrast(palette["--accent"], palette["--ink"]) >= 3


def test_source_links_have_no_label_that_hides_their_words(client, full_article):
    page = main_content(client.get(full_article.get_absolute_url()))

    links = re.findall(r'<a class="source-page"[^>]*>.*?</a>', page)
    assert links
    assert all("aria-label" not in link and "About this source" in link for link in links)


def test_the_body_is_cut_only_between_whole_sections():
    from django.utils.safestring import mark_safe

    from articles.templatetags.page_design import first_section

    two = mark_safe('<h2 id="a">A</h2><p>One.</p><h2 id="b">B</h2><p>Two.</p>')
    inside_a_list = mark_safe("<h2>A</h2><ul><li><h2>B</h2></li></ul>")

    assert first_section(two) == ('<h2 id="a">A</h2><p>One.</p>', '<h2 id="b">B</h2><p>Two.</p>')
    assert first_section(inside_a_list) == (inside_a_list, "")
    assert first_section(mark_safe("<p>No sections.</p>")) == ("<p>No sections.</p>", "")
    unsanitized, rest = first_section("<h2>A</h2><script>x</script><h2>B</h2>")
    assert "<script>" not in unsanitized and "&lt;script&gt;" in unsanitized and rest == ""
