"""
axe-core in a real Chromium on every kind of reader page, at a desktop and a phone width, with the demo content:
WCAG 2.2 A and AA and best-practice rules must find nothing. Also where the urgent parts of an article land on a
phone. Screenshots of every page type at both widths are saved in test-artifacts/.

axe-core is vendored in tests/vendor/ (see the README there): a test asset, never served to readers.
"""

import json
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from .test_browser import ARTIFACTS, chromium, screenshot, sized  # noqa: F401 (chromium is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text()
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
# Rules axe keeps out of its tag sets while they mature, asked for by name because the issue names them.
EXTRA_RULES = ["label-content-name-mismatch"]

PAGES = {
    "home": "/",
    "article": "/articles/ivig-therapy/",
    "article-list": "/articles/",
    "condition": "/conditions/itp/",
    "condition-list": "/conditions/",
    "product": "/products/privigen/",
    "product-list": "/products/",
    "side-effect": "/side-effects/anaphylaxis/",
    "side-effect-list": "/side-effects/",
    "contributor": "/contributors/maren-holt/",
    "expert-board": "/expert-board/",
    "site-page": "/about/accessibility/",
    "search-results": "/search/?q=headache",
    # The same checks in Spanish: the reviewed translations, their listings and a page not available in Spanish.
    "home-es": "/es/",
    "article-es": "/es/articles/ivig-therapy/",
    "condition-es": "/es/conditions/itp/",
    "condition-list-es": "/es/conditions/",
    "side-effect-es": "/es/side-effects/anaphylaxis/",
    "search-results-es": "/es/search/?q=plaquetas",
    "not-in-spanish": "/es/products/privigen/",
}
PHONE = (390, 844)
DESKTOP = (1280, 900)

RUN_AXE = """
const done = arguments[arguments.length - 1];
const rules = Object.fromEntries(arguments[1].map((id) => [id, {enabled: true}]));
axe.run(document, {runOnly: {type: "tag", values: arguments[0]}, rules, resultTypes: ["violations"]})
  .then((results) => done(results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }))))
  .catch((error) => done([{id: "axe-error", impact: "error", help: String(error), nodes: []}]));
"""


@pytest.fixture
def demo(transactional_db, demo_site):
    """The demo content, in a database the live server shares."""


def axe_violations(driver):
    driver.set_script_timeout(60)
    driver.execute_script(AXE)
    return driver.execute_async_script(RUN_AXE, RULE_TAGS, EXTRA_RULES)


def readable(found):
    """``{page: [violation, ...]}`` as lines a person can act on."""
    lines = []
    for page, violations in found.items():
        for violation in violations:
            lines.append(f"{page}: {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"][:5]:
                summary = " ".join(node["summary"].split())
                lines.append(f"    {node['target']}\n      {summary}")
    return "\n".join(lines)


def check_every_page(driver, live_server, width_name):
    found = {}
    for name, path in PAGES.items():
        driver.get(live_server.url + path)
        assert driver.find_element(By.TAG_NAME, "h1").text, path
        screenshot(driver, f"page-{name}-{width_name}", full_page=True)
        violations = axe_violations(driver)
        if violations:
            found[path] = violations
    (ARTIFACTS / f"axe-{width_name}.json").write_text(json.dumps(found, indent=2))
    return found


def test_axe_finds_nothing_on_any_reader_page_on_a_desktop(live_server, demo, chromium):  # noqa: F811
    found = check_every_page(sized(chromium, *DESKTOP), live_server, "1280")

    assert not found, "axe-core found problems:\n" + readable(found)


def test_axe_finds_nothing_on_any_reader_page_on_a_phone(live_server, demo, chromium):  # noqa: F811
    found = check_every_page(sized(chromium, *PHONE), live_server, "390")

    assert not found, "axe-core found problems:\n" + readable(found)


def top_of(driver, selector):
    return driver.execute_script(
        "return document.querySelector(arguments[0]).getBoundingClientRect().top + window.scrollY;", selector
    )


@pytest.mark.parametrize("path", ["/articles/ivig-therapy/", "/articles/ivig-for-immune-thrombocytopenia/"])
def test_on_a_phone_the_first_section_and_the_get_help_now_card_come_early(live_server, demo, chromium, path):  # noqa: F811
    phone = sized(chromium, *PHONE)
    phone.get(live_server.url + path)
    height = PHONE[1]

    first_section = top_of(phone, ".article-body h2")
    care_card = top_of(phone, "#get-help-now")
    takeaways = top_of(phone, ".callout--takeaways")

    assert top_of(phone, "h1") < takeaways < first_section
    assert first_section < 1.5 * height, f"first section heading at {first_section}px"
    assert care_card < 2 * height, f"“Get help now” at {care_card}px"
    immediate = phone.find_element(By.CSS_SELECTOR, "#get-help-now .care-level--immediate")
    assert "Immediate action required" in immediate.text
    assert "Trouble breathing or swallowing" in immediate.text


def test_the_phone_contents_list_opens_without_javascript_and_the_sidebar_shows_on_a_desktop(
    live_server,
    demo,
    chromium,  # noqa: F811
):
    phone = sized(chromium, *PHONE)
    phone.get(live_server.url + PAGES["article"])
    contents = phone.find_element(By.CSS_SELECTOR, "details.toc")
    assert not phone.find_element(By.CSS_SELECTOR, ".toc--sidebar").is_displayed()
    link = contents.find_element(By.CSS_SELECTOR, 'a[href="#how-well-it-works"]')
    assert not link.is_displayed()

    contents.find_element(By.TAG_NAME, "summary").click()

    assert link.is_displayed()
    assert link.text == "How well it works"

    desktop = sized(chromium, *DESKTOP)
    desktop.get(live_server.url + PAGES["article"])
    sidebar = desktop.find_element(By.CSS_SELECTOR, ".toc--sidebar")
    assert sidebar.is_displayed()
    assert sidebar.find_element(By.LINK_TEXT, "Get help now").is_displayed()
    assert not desktop.find_element(By.CSS_SELECTOR, "details.toc").is_displayed()
    main = desktop.find_element(By.CSS_SELECTOR, ".article-main").rect
    assert main["x"] + main["width"] <= sidebar.rect["x"]  # the contents beside the text, on its right


def test_titles_are_clearly_larger_than_section_headings_on_phone_and_desktop(live_server, demo, chromium):  # noqa: F811
    for size in (PHONE, DESKTOP):
        driver = sized(chromium, *size)
        driver.get(live_server.url + PAGES["article"])
        font_size = "return parseFloat(getComputedStyle(document.querySelector(arguments[0])).fontSize);"
        title, section = (driver.execute_script(font_size, selector) for selector in ("h1", ".article-body h2"))
        assert title >= 1.3 * section, (size, title, section)


def test_the_axe_check_reports_what_it_finds(live_server, demo, chromium):  # noqa: F811
    """The harness is not vacuous: a picture without a description and a mislabelled link are reported."""
    driver = sized(chromium, *PHONE)
    driver.get(live_server.url + PAGES["home"])
    driver.execute_script(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        ' \'<img src="/static/img/icon-192.png"><p><a href="/" aria-label="Start">Home page</a></p>\');'
    )

    found = {violation["id"] for violation in axe_violations(driver)}

    assert {"image-alt", "label-content-name-mismatch"} <= found
