"""
Structural HTML and WCAG 2.1 AA rules on every reader page, with the demo content loaded: well-formed HTML5,
valid by the Nu HTML checker, landmarks, a skip link, one h1, no skipped heading levels, alt text, labels,
unique ids and readable contrast.
"""

import re
from itertools import pairwise
from pathlib import Path

import html5lib
import pytest
from django.conf import settings
from django.db import transaction
from django.template import loader
from django.test import Client, override_settings
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import get_language_from_path, override

from articles.models import Article, Condition, Contributor, Product, SideEffect
from articles.sitemaps import SITEMAPS
from pages.models import Page
from references.models import Source
from tests import nu
from tests.conftest import put_back_demo
from tests.html import PageParser
from tests.people import member_of

READER_PAGES = [
    "/",
    "/articles/",
    "/articles/ivig-for-immune-thrombocytopenia/",
    "/articles/ivig-therapy/",
    "/conditions/",
    "/conditions/itp/",
    "/products/",
    "/products/privigen/",
    "/side-effects/",
    "/side-effects/aseptic-meningitis/",
    "/contributors/maren-holt/",
    "/expert-board/",
    "/about/editorial-policy/",
    "/search/",
    "/search/?q=headache",
    "/search/?q=nothing+matches+this",
    "/articles/ivig-therapy/feedback/",
    "/no-such-page/",
    # In Spanish: the reviewed translations of the demo, their listings, search, feedback, a page with no Spanish
    # version and a missing page.
    "/es/",
    "/es/articles/",
    "/es/articles/ivig-therapy/",
    "/es/articles/ivig-for-immune-thrombocytopenia/",
    "/es/conditions/",
    "/es/conditions/itp/",
    "/es/side-effects/",
    "/es/side-effects/aseptic-meningitis/",
    "/es/search/?q=plaquetas",
    "/es/articles/ivig-therapy/feedback/",
    "/es/products/privigen/",
    "/es/no-such-page/",
]
FEEDBACK_WITH_ERRORS = "POST /articles/ivig-therapy/feedback/"
PAGES = [*READER_PAGES, FEEDBACK_WITH_ERRORS]
PREVIEWS = {
    "articles:article_preview": Article,
    "articles:condition_preview": Condition,
    "articles:product_preview": Product,
    "articles:sideeffect_preview": SideEffect,
    "articles:contributor_preview": Contributor,
    "pages:page_preview": Page,
}
# The pages are rendered from the database: saying so makes pytest-django create the test database even when
# this file runs on its own.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def pages(django_db_setup, django_db_blocker, _demo_rows, tmp_path_factory):
    """
    Every page's HTML, rendered once from the demo content inside a transaction that is then rolled back: the
    pages of ``PAGES``, then every other page a reader can reach (each record in the sitemap, each cited
    source, the thank-you after feedback, the throttled feedback page, the server error page, and a staff
    preview of each kind of record).
    """
    rendered = {}
    media = tmp_path_factory.mktemp("accessibility-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        put_back_demo(_demo_rows, media)
        client = Client()
        for url in READER_PAGES:
            response = client.get(url)
            assert response.status_code in (200, 404), url
            rendered[url] = response.content.decode()
        response = client.post("/articles/ivig-therapy/feedback/", {"helpful": "no", "comment": "x" * 1001})
        rendered[FEEDBACK_WITH_ERRORS] = response.content.decode()

        others = [sitemap().location(item) for sitemap in SITEMAPS.values() for item in sitemap().items()]
        others += [source.get_absolute_url() for source in Source.objects.cited_in_published()]
        for url in sorted(set(others) - set(rendered)):
            response = client.get(url)
            assert response.status_code == 200, url
            rendered[url] = response.content.decode()
        with override_settings(FEEDBACK_RATE_LIMIT=10**6):  # whatever else posted from this address before
            response = client.post("/articles/ivig-therapy/feedback/", {"helpful": "yes"}, follow=True)
        assert "Your feedback helps" in response.content.decode(), "a valid answer leads back to the article"
        rendered["POST /articles/ivig-therapy/feedback/ (thank-you)"] = response.content.decode()
        with override_settings(FEEDBACK_RATE_LIMIT=0):
            response = client.post("/articles/ivig-therapy/feedback/", {"helpful": "yes"})
        assert response.status_code == 429
        rendered["POST /articles/ivig-therapy/feedback/ (throttled)"] = response.content.decode()
        rendered["server error page"] = loader.get_template("500.html").render()
        client.force_login(member_of("Reviewers", "previewing-reviewer"))
        for name, model in PREVIEWS.items():
            url = reverse(name, kwargs={"pk": model.objects.order_by("pk").first().pk})
            response = client.get(url)
            assert response.status_code == 200, url
            rendered[f"preview: {url}"] = response.content.decode()
        transaction.set_rollback(True)
    return rendered


def parsed(pages, url):
    parser = PageParser()
    parser.feed(pages[url])
    parser.close()
    return parser


@pytest.mark.parametrize("url", PAGES)
def test_page_is_well_formed_html5(pages, url):
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(pages[url])


# --- The Nu HTML checker (tests/nu.py) ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nu_checker(pages, tmp_path_factory):
    """Every message of the Nu HTML checker on every page, by URL: one run of the checker for all of them."""
    return nu.check(pages, tmp_path_factory.mktemp("nu-checker"))


def test_nu_html_checker_reports_the_errors_it_finds(nu_checker):
    assert any(message["type"] == "error" for message in nu_checker["broken"])


@pytest.mark.parametrize("url", PAGES)
def test_nu_html_checker_finds_no_error_or_warning(nu_checker, url):
    assert nu.to_fix(nu_checker[url]) == []


def test_nu_html_checker_finds_no_error_or_warning_on_any_other_page(nu_checker):
    others = {url: nu.to_fix(messages) for url, messages in nu_checker.items() if url not in [*PAGES, "broken"]}

    assert len(others) > 50, sorted(others)
    assert {url: found for url, found in others.items() if found} == {}


@pytest.mark.parametrize("url", PAGES)
def test_page_declares_its_language(pages, url):
    assert parsed(pages, url).find("html")[0].attrs.get("lang") == ("es" if url.startswith("/es/") else "en")


@pytest.mark.parametrize("url", PAGES)
def test_page_has_header_navigation_main_and_footer_landmarks(pages, url):
    page = parsed(pages, url)

    assert len(page.find("header")) >= 1
    assert len(page.find("main")) == 1
    assert page.find("main")[0].attrs.get("id") == "main"
    assert len(page.find("footer")) >= 1
    navs = page.find("nav")
    assert navs
    assert all(nav.attrs.get("aria-label") or nav.attrs.get("aria-labelledby") for nav in navs)


@pytest.mark.parametrize("url", PAGES)
def test_skip_link_is_the_first_link_and_leads_to_the_main_content(pages, url):
    first_link = parsed(pages, url).find("a")[0]

    assert first_link.attrs["href"] == "#main"
    assert first_link.text.strip() == (
        "Saltar al contenido principal" if url.startswith("/es/") else "Skip to main content"
    )


@pytest.mark.parametrize("url", PAGES)
def test_page_has_exactly_one_h1(pages, url):
    assert len(parsed(pages, url).find("h1")) == 1


@pytest.mark.parametrize("url", PAGES)
def test_headings_never_skip_a_level(pages, url):
    levels = [int(element.tag[1]) for element in parsed(pages, url).elements if re.fullmatch(r"h[1-6]", element.tag)]

    assert levels[0] == 1
    skips = [(before, after) for before, after in pairwise(levels) if after > before + 1]
    assert skips == []


@pytest.mark.parametrize("url", PAGES)
def test_images_have_alt_text(pages, url):
    assert all("alt" in image.attrs for image in parsed(pages, url).find("img"))


@pytest.mark.parametrize("url", PAGES)
def test_form_fields_have_labels(pages, url):
    page = parsed(pages, url)
    labelled = {label.attrs.get("for") for label in page.find("label")}
    fields = [
        element
        for element in page.elements
        if element.tag in {"input", "select", "textarea"} and element.attrs.get("type") not in {"hidden", "submit"}
    ]

    unlabelled = [
        field for field in fields if field.attrs.get("id") not in labelled and "aria-label" not in field.attrs
    ]
    assert unlabelled == []


@pytest.mark.parametrize("url", PAGES)
def test_radio_groups_are_fieldsets_with_a_legend(pages, url):
    page = parsed(pages, url)
    radios = [element for element in page.find("input") if element.attrs.get("type") == "radio"]

    assert all("fieldset" in page.ancestors[id(radio)] for radio in radios)
    assert len(page.find("legend")) == len(page.find("fieldset"))


@pytest.mark.parametrize("url", PAGES)
def test_ids_are_unique(pages, url):
    ids = [element.attrs["id"] for element in parsed(pages, url).elements if "id" in element.attrs]

    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("url", PAGES)
def test_in_page_links_and_aria_references_point_to_existing_ids(pages, url):
    page = parsed(pages, url)
    ids = {element.attrs["id"] for element in page.elements if "id" in element.attrs}
    targets = [link.attrs["href"][1:] for link in page.find("a") if link.attrs.get("href", "").startswith("#")]
    targets += [
        target
        for element in page.elements
        for name in ("aria-labelledby", "aria-describedby")
        for target in (element.attrs.get(name) or "").split()
    ]

    assert [target for target in targets if target not in ids] == []


@pytest.mark.parametrize("url", PAGES)
def test_links_have_words_a_screen_reader_can_announce(pages, url):
    assert [link for link in parsed(pages, url).find("a") if not link.text.strip()] == []


@pytest.mark.parametrize("url", PAGES)
def test_links_within_the_site_lead_to_real_addresses(pages, url):
    paths = {
        link.attrs["href"].split("#")[0].split("?")[0]
        for link in parsed(pages, url).find("a")
        if link.attrs.get("href", "").startswith("/")
    }

    unresolved = []
    for path in paths:
        try:
            with override(get_language_from_path(path) or settings.LANGUAGE_CODE):  # /es/… in Spanish
                resolve(path)
        except Resolver404:
            unresolved.append(path)
    assert unresolved == []


# --- Colour contrast -------------------------------------------------------------------------------------------

CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "site.css"
# (text, background) pairs the stylesheet uses for text.
TEXT_ON_BACKGROUND = [
    ("--ink", "--paper"),
    ("--ink", "--wash"),
    ("--ink", "--serious-wash"),
    ("--muted", "--paper"),
    ("--muted", "--wash"),
    ("--muted", "--accent-wash"),
    ("--accent", "--paper"),
    ("--accent", "--wash"),
    ("--accent", "--accent-wash"),
    ("--accent", "--serious-wash"),
    ("--accent-dark", "--wash"),
    ("--ok", "--paper"),
    ("--ok", "--notice-wash"),
    ("--serious", "--paper"),
    ("--serious", "--serious-wash"),
    ("#ffffff", "--accent"),
    ("#ffffff", "--accent-dark"),
    ("#ffffff", "--ink"),
]


def colours():
    root = re.search(r":root\s*{(.*?)}", CSS.read_text(), re.S).group(1)
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", root))


def luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground, background):
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize(("text", "background"), TEXT_ON_BACKGROUND)
def test_text_colours_meet_wcag_aa_contrast(text, background):
    palette = colours()
    foreground, back = palette.get(text, text), palette.get(background, background)

    assert contrast(foreground, back) >= 4.5, f"{text} on {background}: {contrast(foreground, back):.2f}:1"


def test_contrast_is_computed_as_wcag_defines_it():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54
