"""What article pages compute from the stored body: heading anchors, table of contents, reading time, groups."""

from types import SimpleNamespace

from articles.models import SideEffect
from articles.rendering import Outline, group_side_effects, reading_minutes


def test_every_h2_gets_an_id_made_from_its_text():
    outline = Outline.from_html("<h2>What is IVIG?</h2><p>Antibodies.</p><h2>How it is given</h2>")

    assert (
        outline.html
        == '<h2 id="what-is-ivig">What is IVIG?</h2><p>Antibodies.</p><h2 id="how-it-is-given">How it is given</h2>'
    )
    assert [(heading.id, heading.text) for heading in outline.headings] == [
        ("what-is-ivig", "What is IVIG?"),
        ("how-it-is-given", "How it is given"),
    ]


def test_repeated_headings_get_numbered_ids():
    outline = Outline.from_html("<h2>Summary</h2><h2>Summary</h2><h2>Summary</h2>")

    assert [heading.id for heading in outline.headings] == ["summary", "summary-2", "summary-3"]


def test_heading_ids_never_take_an_id_the_page_uses_for_its_own_sections():
    outline = Outline.from_html("<h2>Feedback</h2>")

    assert outline.headings[0].id == "feedback-2"


def test_ids_stay_the_same_when_text_elsewhere_changes():
    before = Outline.from_html("<h2>Dosing</h2><p>Old text.</p><h2>Side effects</h2>")
    after = Outline.from_html("<h2>Dosing</h2><p>New and longer text.</p><h3>Children</h3><h2>Side effects</h2>")

    assert [heading.id for heading in before.headings] == [heading.id for heading in after.headings]


def test_accents_and_markup_inside_headings_are_read_as_words():
    outline = Outline.from_html("<h2>Guillain-Barré <em>syndrome</em> &amp; IVIG</h2>")

    assert outline.headings[0].id == "guillain-barre-syndrome-ivig"
    assert outline.headings[0].text == "Guillain-Barré syndrome & IVIG"
    assert "<em>syndrome</em> &amp; IVIG</h2>" in outline.html


def test_a_heading_without_letters_still_gets_an_id():
    assert Outline.from_html("<h2>?!</h2>").headings[0].id == "section"


def test_only_h2_headings_make_the_table_of_contents():
    outline = Outline.from_html("<h2>Treatment</h2><h3>At home</h3><h4>Pumps</h4>")

    assert [heading.text for heading in outline.headings] == ["Treatment"]
    assert "<h3>At home</h3>" in outline.html


def test_reading_time_counts_words_at_two_hundred_a_minute_and_is_at_least_one():
    assert reading_minutes("<p>Short.</p>") == 1
    assert reading_minutes("<p>" + "word " * 401 + "</p>") == 3


def test_side_effects_group_serious_before_mild_and_during_before_delayed():
    def link(name, seriousness, onset):
        return SimpleNamespace(side_effect=SimpleNamespace(name=name, seriousness=seriousness, onset=onset))

    mild, serious = SideEffect.Seriousness.MILD, SideEffect.Seriousness.SERIOUS
    during, delayed = SideEffect.Onset.DURING, SideEffect.Onset.DELAYED
    links = [
        link("Blood clots", serious, delayed),
        link("Tiredness", mild, delayed),
        link("Headache", mild, during),
        link("Anaphylaxis", serious, during),
    ]

    groups = [
        (seriousness, [(onset, [item.side_effect.name for item in items]) for onset, items in by_onset])
        for seriousness, by_onset in group_side_effects(links)
    ]

    assert groups == [
        (serious, [(during, ["Anaphylaxis"]), (delayed, ["Blood clots"])]),
        (mild, [(during, ["Headache"]), (delayed, ["Tiredness"])]),
    ]


def test_empty_side_effect_groups_are_left_out():
    link = SimpleNamespace(side_effect=SimpleNamespace(seriousness="mild", onset="during"))

    groups = group_side_effects([link])

    assert len(groups) == 1
    assert len(groups[0][1]) == 1


def test_citation_markers_stay_out_of_heading_ids_and_the_table_of_contents():
    outline = Outline.from_html("<h2>How well it works [cite:perez-2017]</h2>")

    assert outline.headings[0].id == "how-well-it-works"
    assert outline.headings[0].text == "How well it works"
    assert "[cite:perez-2017]</h2>" in outline.html  # left for the cite_markers filter


def test_citation_markers_are_not_counted_as_words():
    assert reading_minutes("<p>" + "word [cite:perez-2017] " * 200 + "</p>") == 1
