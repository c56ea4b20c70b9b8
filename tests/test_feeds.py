"""Feeds and discovery: RSS and Atom, sitemap.xml, robots.txt, canonical addresses and social cards."""

import datetime
import html
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from tests.factories import ArticleFactory, ConditionFactory, ContributorFactory, PageFactory
from tests.html import page_text, parse

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def xml(response):
    assert response.status_code == 200
    return ET.fromstring(response.content)


def test_rss_feed_lists_published_articles_newest_first(client):
    ArticleFactory(title="Older", published_at=timezone.now() - datetime.timedelta(days=9))
    newer = ArticleFactory(
        title="Newer",
        dek="What is new.",
        author__name="Maren Holt",
        author__credentials="PhD",
        published_at=timezone.now() - datetime.timedelta(days=1),
    )

    response = client.get("/feeds/rss/")
    items = xml(response).findall("./channel/item")

    assert response["Content-Type"].startswith("application/rss+xml")
    assert [item.findtext("title") for item in items] == ["Newer", "Older"]
    assert items[0].findtext("link") == f"http://testserver{newer.get_absolute_url()}"
    assert items[0].findtext("description") == "What is new."
    assert "Maren Holt, PhD" in items[0].findtext("{http://purl.org/dc/elements/1.1/}creator")


def test_atom_feed_gives_each_entry_its_update_date(client):
    ArticleFactory(title="Guide", last_updated=datetime.date.today())

    feed = xml(client.get("/feeds/atom/"))
    entry = feed.find(f"{ATOM}entry")

    assert entry.findtext(f"{ATOM}title") == "Guide"
    assert entry.findtext(f"{ATOM}updated").startswith(datetime.date.today().isoformat())
    assert entry.findtext(f"{ATOM}published")


def test_condition_feeds_list_only_that_conditions_articles(client):
    itp = ConditionFactory(slug="itp", name="Immune thrombocytopenia")
    ArticleFactory(title="About ITP", conditions=[itp])
    ArticleFactory(title="About something else", conditions=[ConditionFactory()])

    rss = xml(client.get("/conditions/itp/rss/"))
    atom = xml(client.get("/conditions/itp/atom/"))

    assert [item.findtext("title") for item in rss.findall("./channel/item")] == ["About ITP"]
    assert [entry.findtext(f"{ATOM}title") for entry in atom.findall(f"{ATOM}entry")] == ["About ITP"]
    assert rss.findtext("./channel/title") == "IVIG Patient Guide: Immune thrombocytopenia"


def test_sitemap_lists_pages_with_their_last_modified_dates(client):
    article = ArticleFactory(last_updated=datetime.date(2025, 7, 21))
    condition = ConditionFactory(slug="itp")
    PageFactory(slug="editorial-policy")
    ContributorFactory(slug="maren-holt")

    sections = [
        loc.text.removeprefix("http://testserver") for loc in xml(client.get("/sitemap.xml")).iter(f"{SITEMAP}loc")
    ]
    urls = {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for section in sections
        for url in xml(client.get(section)).findall(f"{SITEMAP}url")
    }

    assert urls[f"http://testserver{article.get_absolute_url()}"] == "2025-07-21"
    assert urls["http://testserver/conditions/itp/"] == condition.updated_on.isoformat()
    assert urls["http://testserver/about/editorial-policy/"]
    assert "http://testserver/contributors/maren-holt/" in urls
    assert "http://testserver/" in urls


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_pages_name_their_canonical_address_without_the_query_string(client):
    article = ArticleFactory()

    links = parse(client.get(article.get_absolute_url() + "?utm_source=x")).find("link")
    canonical = [link.attrs["href"] for link in links if link.attrs.get("rel") == "canonical"]

    assert canonical == [f"http://testserver{article.get_absolute_url()}"]


def test_article_has_open_graph_and_twitter_card_tags(client):
    article = ArticleFactory(title="IVIG at home", dek="What to expect.", last_updated=datetime.date(2025, 7, 21))

    meta = {
        element.attrs.get("property") or element.attrs.get("name"): element.attrs.get("content")
        for element in parse(client.get(article.get_absolute_url())).find("meta")
    }

    assert meta["og:type"] == "article"
    assert meta["og:title"] == "IVIG at home"
    assert meta["og:description"] == "What to expect."
    assert meta["og:url"] == f"http://testserver{article.get_absolute_url()}"
    assert meta["og:site_name"] == "IVIG Patient Guide"
    assert meta["article:modified_time"] == "2025-07-21"
    assert meta["twitter:card"] == "summary"
    assert meta["description"] == "What to expect."


def test_every_page_offers_the_site_feeds(client):
    page = page_text(client.get("/"))

    assert 'type="application/rss+xml"' in page
    assert 'href="/feeds/atom/"' in page


def test_feeds_carry_the_summary_as_text_never_as_markup(client):
    ArticleFactory(title="Doses", dek='Doses <img src=x onerror="alert(1)"> & <b>timing</b>')

    rss = xml(client.get("/feeds/rss/")).find("./channel/item/description").text
    atom = xml(client.get("/feeds/atom/")).find(f"./{ATOM}entry/{ATOM}summary")

    # Feed readers read both as HTML: what they get must show the markup as text.
    assert rss == "Doses &lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &lt;b&gt;timing&lt;/b&gt;"
    assert atom.get("type") == "html"
    assert atom.text == rss
    assert html.unescape(atom.text) == 'Doses <img src=x onerror="alert(1)"> & <b>timing</b>'
