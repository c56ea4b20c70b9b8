import pytest

from articles.care import care_card
from articles.models import Article, SideEffect
from review.content import snapshot

from . import factories

pytestmark = pytest.mark.django_db

Level = SideEffect.CareLevel


def effect(name, level=Level.ROUTINE, **fields):
    return factories.SideEffectFactory(name=name, care_level=level, **fields)


def test_the_card_puts_immediate_action_before_urgent_advice_and_leaves_out_routine_effects():
    headache = effect("Headache")
    meningitis = effect("Aseptic meningitis", Level.URGENT, warning_signs="A severe headache with a stiff neck")
    anaphylaxis = effect("Anaphylaxis", Level.IMMEDIATE, warning_signs="Trouble breathing\n\nSwollen lips\n")

    card = care_card([headache, meningitis, anaphylaxis])

    assert [group.heading for group in card] == ["Immediate action required", "Urgent advice"]
    assert [[warning.name for warning in group.warnings] for group in card] == [["Anaphylaxis"], ["Aseptic meningitis"]]
    assert card[0].warnings[0].signs == ["Trouble breathing", "Swollen lips"]
    assert "emergency" in card[0].action
    assert "care team today" in card[1].action


def test_the_card_takes_link_rows_and_tells_each_effect_once():
    clots = effect("Blood clots", Level.IMMEDIATE, warning_signs="Chest pain")
    article = factories.ArticleFactory()
    link = factories.ArticleSideEffectFactory(article=article, side_effect=clots)

    card = care_card([link, clots])

    assert [warning.side_effect for group in card for warning in group.warnings] == [clots]


def test_without_warning_signs_the_card_says_when_to_seek_help():
    hemolysis = effect("Hemolysis", Level.URGENT, warning_signs="", when_to_seek_help="Call about dark urine.")

    assert care_card([hemolysis])[0].warnings[0].signs == ["Call about dark urine."]


def test_a_page_with_only_routine_effects_needs_no_card():
    assert care_card([effect("Headache"), effect("Chills")]) == []


def test_takeaways_and_care_data_go_through_review():
    article = factories.ArticleFactory(key_takeaways="<ul><li>One point.</li></ul>")
    clots = effect("Blood clots", Level.IMMEDIATE, warning_signs="Chest pain", risk_factors="Older age.")

    assert "One point." in str(snapshot(article)["key_takeaways"])
    content = snapshot(clots)
    assert content["care_level"] == "Immediate action required"
    assert content["warning_signs"] == "Chest pain"
    assert content["risk_factors"] == "Older age."


def test_key_takeaways_are_sanitized_when_saved():
    article = factories.ArticleFactory(key_takeaways='<ul><li onclick="x()">Point<script>bad()</script></li></ul>')
    article.refresh_from_db()

    assert article.key_takeaways == "<ul><li>Point</li></ul>"


def test_every_serious_demo_effect_is_on_the_card_with_signs_and_risk_factors_apart(demo_site):
    serious = SideEffect.objects.published().filter(seriousness=SideEffect.Seriousness.SERIOUS)

    assert serious.count() == 5
    for side_effect in serious:
        assert side_effect.care_level in {Level.URGENT, Level.IMMEDIATE}, side_effect
        assert len(side_effect.warning_sign_list) >= 2, side_effect
        assert side_effect.risk_factors, side_effect
        assert "more likely" not in side_effect.what_helps and "higher risk" not in side_effect.what_helps
    assert SideEffect.objects.get(slug="anaphylaxis").care_level == Level.IMMEDIATE
    published = Article.objects.published().filter(draft_of__isnull=True)
    assert published.exists()
    assert all("<li>" in article.key_takeaways for article in published)
