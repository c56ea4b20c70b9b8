"""
A condition's own "Get help now" card (ITP's bleeding signs), reaching readers only through review, and alarm
colours that mean one thing: red and amber belong to the card's two levels alone.
"""

import re
from pathlib import Path

import pytest

from articles.models import Condition
from review.guard import NotEditable
from review.workflow import perform, start_new_version
from tests.factories import ConditionFactory, ContributorFactory
from tests.html import main_content
from tests.people import member_of
from tests.test_accessibility import colours, contrast

pytestmark = pytest.mark.django_db

CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "site.css"


def card_of(page):
    """The "Get help now" card of a page's main content, or None."""
    found = re.search(r'<section class="care-card" id="get-help-now".*?</section>', page, re.S)
    return found.group(0) if found else None


def test_the_itp_page_opens_with_its_bleeding_signs_most_urgent_first(client, demo_site):
    page = main_content(client.get("/conditions/itp/"))
    card = card_of(page)

    assert card is not None
    assert card.index("Immediate action required") < card.index("Urgent advice")
    emergency, same_day = card.split("Urgent advice")
    assert "Call 911 or your local emergency number now" in emergency
    assert "Bleeding that will not stop" in emergency
    assert "A bad headache after a knock to the head" in emergency
    assert "Blood in your urine" in same_day
    assert "Blood in your stool" in same_day
    assert page.index('id="get-help-now"') < page.index('id="overview-heading"')
    assert '<a href="#get-help-now">Get help now</a>' in page  # in the page's contents


def test_a_condition_without_warning_signs_has_no_card(client, demo_site):
    page = main_content(client.get("/conditions/cidp/"))

    assert card_of(page) is None
    assert "#get-help-now" not in page


def test_a_condition_with_only_same_day_signs_shows_only_urgent_advice(client):
    condition = ConditionFactory(urgent_signs="Tingling that spreads\n\n- Weakness that gets worse quickly\n")

    card = card_of(main_content(client.get(condition.get_absolute_url())))

    assert "Urgent advice" in card
    assert "Immediate action required" not in card
    assert "<li>Tingling that spreads</li>" in card
    assert "<li>Weakness that gets worse quickly</li>" in card


def test_warning_signs_reach_readers_only_when_a_reviewer_publishes_them(client):
    condition = ConditionFactory(slug="gbs")
    editor, reviewer = member_of("Editors"), member_of("Reviewers")
    ContributorFactory(user=reviewer, is_writer=False, is_fact_checker=True)

    condition.immediate_signs = "Trouble breathing or swallowing"
    with pytest.raises(NotEditable):
        condition.save()  # a published page is never changed in place

    copy = start_new_version(Condition.objects.get(pk=condition.pk), editor)
    copy.immediate_signs = "Trouble breathing or swallowing"
    copy.last_edited_by = editor
    copy.save()
    copy = perform(copy, "submit", editor)
    copy = perform(copy, "fact_check", reviewer, "Checked against the guideline.")
    assert card_of(main_content(client.get("/conditions/gbs/"))) is None

    perform(copy, "publish", reviewer)

    card = card_of(main_content(client.get("/conditions/gbs/")))
    assert "Trouble breathing or swallowing" in card


def test_search_finds_a_condition_by_its_warning_signs(client, demo_site):
    page = main_content(client.get("/search/", {"q": "sticky stools"}))

    assert 'href="/conditions/itp/"' in page


# --- One meaning per colour -----------------------------------------------------------------------------------

ALARM = ("--serious", "--urgent")


def rules():
    """``[(selectors, declarations)]`` of every rule in site.css, those inside media queries included."""
    css = re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.S)
    return [(selectors.strip(), body) for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)]


def test_red_and_amber_are_the_care_cards_alone():
    palette = colours()
    alarm_values = {palette[name].lower() for name in ALARM}
    elsewhere = [
        selector
        for selectors, body in rules()
        if any(f"var({name}" in body for name in ALARM) or any(value in body.lower() for value in alarm_values)
        for selector in selectors.split(",")
        if ":root" not in selector and "care-card" not in selector and "care-level" not in selector
    ]

    assert elsewhere == []


def test_side_effect_cards_and_lists_say_when_to_get_help_calmly(client, demo_site):
    listing = main_content(client.get("/side-effects/"))
    article = main_content(client.get("/articles/ivig-therapy/"))
    side_effects = article[article.index('id="side-effects-heading"') :]

    for page in (listing, side_effects):
        assert "card--serious" not in page and "side-effect--serious" not in page
    assert "fact--seek-help" in side_effects  # still told, in the calm style
    assert "Immediate action required" in listing  # the level in words


@pytest.mark.parametrize(
    ("text", "background"),
    [("--accent-dark", "--accent-wash"), ("--ink", "--accent-wash"), ("--ink", "--ok-wash"), ("--muted", "--paper")],
)
def test_the_calm_styles_keep_aa_contrast(text, background):
    palette = colours()

    assert contrast(palette[text], palette[background]) >= 4.5
