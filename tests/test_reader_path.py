"""
The first path through a page, in headless Chromium: on a phone, the warning signs and the printable handout are
within the first two screens; on a desktop, every kind of page starts its text at the same place.
"""

import pytest
from selenium.webdriver.common.by import By

from .test_browser import chromium, screenshot, sized, wait  # noqa: F401 (chromium is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_SCREEN = 844
ARTICLES = ["/articles/ivig-for-immune-thrombocytopenia/", "/articles/ivig-therapy/"]
PAGE_TYPES = {
    "home": "/",
    "article": "/articles/ivig-therapy/",
    "condition": "/conditions/itp/",
    "product": "/products/privigen/",
    "side effect": "/side-effects/aseptic-meningitis/",
    "articles": "/articles/",
    "conditions": "/conditions/",
    "products": "/products/",
    "side effects": "/side-effects/",
}


@pytest.fixture
def demo(transactional_db, demo_site):
    """The demo content, in a database the live server shares."""


@pytest.fixture
def phone(chromium):  # noqa: F811
    return sized(chromium, 390, PHONE_SCREEN)


@pytest.fixture
def desktop(chromium):  # noqa: F811
    return sized(chromium, 1280, 900)


def top_of(driver, selector):
    """How far down the page the element starts, in CSS pixels (None when there is none)."""
    return driver.execute_script(
        "const found = document.querySelector(arguments[0]);"
        "return found ? found.getBoundingClientRect().top + window.scrollY : null;",
        selector,
    )


def left_of(driver, selector):
    return driver.execute_script("return document.querySelector(arguments[0]).getBoundingClientRect().left;", selector)


@pytest.mark.parametrize("path", ARTICLES)
def test_on_a_phone_an_article_offers_help_and_its_handout_in_two_screens(live_server, demo, phone, path):
    phone.get(live_server.url + path)

    help_link, handout = top_of(phone, '.article-header a[href="#get-help-now"]'), top_of(phone, ".handout-link a")
    screenshot(phone, f"phone-first-screens-{path.strip('/').replace('/', '-')}")

    assert help_link is not None and help_link < 2 * PHONE_SCREEN
    assert handout is not None and handout < 2 * PHONE_SCREEN
    phone.find_element(By.CSS_SELECTOR, '.article-header a[href="#get-help-now"]').click()
    card_top = wait(
        phone,
        lambda driver: driver.execute_script(
            "const top = document.getElementById('get-help-now').getBoundingClientRect().top;"
            "return top >= 0 && top < 120 ? top : false;"
        ),
    )
    assert card_top is not False


def test_on_a_phone_the_itp_page_shows_its_card_within_two_screens(live_server, demo, phone):
    phone.get(live_server.url + "/conditions/itp/")

    card = top_of(phone, "#get-help-now")

    assert card is not None and card < 2 * PHONE_SCREEN
    assert phone.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def test_on_a_desktop_every_kind_of_page_starts_its_text_at_the_same_place(live_server, demo, desktop):
    starts = {}
    for name, path in PAGE_TYPES.items():
        desktop.get(live_server.url + path)
        starts[name] = (left_of(desktop, "main h1"), left_of(desktop, "main h1 + .dek, main h1 ~ p"))
        if name in {"article", "condition"}:
            screenshot(desktop, f"desktop-column-{name}")

    assert len(set(starts.values())) == 1, starts
