"""
Search snippets start where a reader can pick up the thread: at the start of the text or of a sentence, or after
"…" (never in the middle of a sentence as if it began there). The same tests run on SQLite (snippets cut in Python)
and on PostgreSQL (ts_headline's fragments), as CI runs the suite on both.
"""

import re
from html import unescape

import pytest
from django.db import connection

from tests.factories import ArticleFactory, ConditionFactory
from tests.html import main_content

pytestmark = pytest.mark.django_db

# Long enough that no snippet can hold all of it, with sentences of every length.
BODY_SENTENCES = [
    "IVIG is made from the antibodies of many healthy blood donors.",
    "Most people have their first infusion in a hospital day unit, where a nurse checks their temperature, pulse "
    "and blood pressure before the drip starts and several times while it runs.",
    "Ask whether you can bring a book, some music or a friend, because an infusion usually takes a few hours "
    "and the chairs in many units are comfortable but the time can pass slowly when there is nothing to do.",
    "A slower drip and plenty of water before and after the infusion lower the chance of a headache afterwards.",
    "Some units give paracetamol or an antihistamine first, to make a reaction less likely, and the nurse will "
    "slow or pause the drip if you feel shivery, flushed or unwell, so say so as soon as you notice anything "
    "that feels different from your last visit, however small it seems to you.",
    "Platelets usually rise within a few days.",
]
BODY_TEXT = " ".join(BODY_SENTENCES)


def snippets(client, query):
    """``{title: snippet as plain text}`` of the results for ``query``."""
    page = main_content(client.get("/search/", {"q": query}))
    found = re.findall(
        r'<h3 class="card-title"><a href="[^"]+">([^<]+)</a></h3>.*?<p class="snippet">(.*?)</p>', page, re.S
    )
    return {unescape(title): unescape(re.sub(r"<[^>]+>", "", snippet)).strip() for title, snippet in found}


def starts_well(snippet, text):
    """The snippet starts with "…", or at the start of ``text`` or of one of its sentences."""
    if snippet.startswith("…"):
        return True
    opening = " ".join(snippet.split()[:4])
    return text.startswith(opening) or any(sentence.startswith(opening) for sentence in BODY_SENTENCES)


@pytest.fixture
def infusion_day():
    return ArticleFactory(title="Your infusion day", dek="What happens on the day.", body=f"<p>{BODY_TEXT}</p>")


@pytest.mark.parametrize(
    "query",
    ["donors", "temperature", "chairs", "slowly", "headache", "antihistamine", "shivery", "visit", "platelets"],
)
def test_a_snippet_starts_at_a_sentence_or_with_an_ellipsis(client, infusion_day, query):
    snippet = snippets(client, query)["Your infusion day"]

    assert query.lower() in snippet.lower()
    assert starts_well(snippet, f"{infusion_day.dek} {BODY_TEXT}"), snippet


def test_a_match_in_the_middle_of_a_long_sentence_is_shown_after_an_ellipsis(client, infusion_day):
    snippet = snippets(client, "visit")["Your infusion day"]

    assert snippet.startswith("… ")
    assert not snippet.startswith("… Some units give")  # the sentence starts too far before the match to show it all


def test_a_snippet_that_stops_in_the_middle_of_a_sentence_says_so(client, infusion_day):
    snippet = snippets(client, "chairs")["Your infusion day"]

    assert snippet.endswith(("…", ".")), snippet


def test_a_snippet_of_a_short_text_is_the_whole_text_without_an_ellipsis(client):
    ConditionFactory(
        name="Multifocal motor neuropathy", abbreviation="MMN", summary="A rare nerve condition of the arms."
    )

    assert snippets(client, "nerve")["Multifocal motor neuropathy (MMN)"].startswith("A rare nerve condition")


def test_a_match_near_the_start_of_its_sentence_shows_that_sentence_whole(client):
    last = "Drink plenty of water on the day before, unless told otherwise."
    ArticleFactory(title="Before you go", dek="Getting ready.", body=f"<p>{' '.join([*BODY_SENTENCES[:3], last])}</p>")

    snippet = snippets(client, "water")["Before you go"]

    assert last in snippet
    # ts_headline may choose to show the sentence before too; the words picked in Python start with the match's.
    assert snippet.startswith("Drink plenty" if connection.vendor != "postgresql" else ("Drink plenty", "… ")), snippet
