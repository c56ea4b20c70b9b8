"""
A few reader journeys in a real headless Chromium, on a phone-sized window unless said otherwise.
Screenshots and the printed PDF are saved in test-artifacts/ for people to look at.
"""

import base64
import os
import tempfile
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

from feedback.models import Feedback

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
ARTICLE = "/articles/ivig-for-immune-thrombocytopenia/"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def chromium():
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip(f"needs Chromium at {CHROMIUM} and chromedriver at {CHROMEDRIVER}")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={tempfile.mkdtemp(prefix='chromium-')}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    ARTIFACTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()


def sized(driver, width, height):
    driver.set_window_size(width, height)
    # Smooth scrolling would move elements while Selenium clicks them.
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"media": "", "features": [{"name": "prefers-reduced-motion", "value": "reduce"}]}
    )
    assert driver.execute_script("return window.innerWidth") == width
    return driver


@pytest.fixture
def phone(chromium):
    return sized(chromium, 390, 844)


@pytest.fixture
def desktop(chromium):
    return sized(chromium, 1280, 900)


@pytest.fixture
def demo(transactional_db, demo_site):
    """The demo content, in a database the live server shares."""


def screenshot(driver, name, *, full_page=False):
    """What the reader sees in the window, or the whole page."""
    if not full_page:
        driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))
        return
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.execute_script("return window.innerWidth")
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {"captureBeyondViewport": True, "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}},
    )
    (ARTIFACTS / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))


def log_out(driver, live_server):
    """Forget who was logged in. A plain page is loaded first: it ends whatever the last page still had in flight
    (a desk's reader frame, say), whose answer would otherwise bring the session cookie back once it is deleted."""
    driver.get(live_server.url + "/robots.txt")
    driver.delete_all_cookies()


def wait(driver, condition, timeout=10):
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(condition)


def test_phone_reader_opens_an_article_and_jumps_to_a_section(live_server, demo, phone):
    phone.get(live_server.url + "/")
    phone.find_element(By.LINK_TEXT, "IVIG for immune thrombocytopenia").click()
    wait(phone, ready.text_to_be_present_in_element((By.TAG_NAME, "h1"), "IVIG for immune thrombocytopenia"))

    assert phone.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    contents = phone.find_element(By.CSS_SELECTOR, "details.toc")  # folded away on a phone
    contents.find_element(By.TAG_NAME, "summary").click()
    contents.find_element(By.LINK_TEXT, "How well it works").click()
    wait(phone, ready.url_contains("#how-well-it-works"))
    top = wait(
        phone,
        lambda driver: driver.execute_script(
            "const top = document.getElementById('how-well-it-works').getBoundingClientRect().top;"
            "return top >= 0 && top < 120 ? top : false;"
        ),
    )
    screenshot(phone, "phone-article-after-toc-link")
    assert top is not False


def test_phone_reader_says_the_page_was_unclear(live_server, demo, phone):
    phone.get(live_server.url + ARTICLE)
    reason = phone.find_element(By.CSS_SELECTOR, ".feedback-reason")
    phone.find_element(By.CSS_SELECTOR, "label[for='id_helpful_0']").click()  # Yes
    assert not reason.is_displayed()

    phone.find_element(By.CSS_SELECTOR, "label[for='id_helpful_1']").click()  # No
    assert reason.is_displayed()
    phone.find_element(By.XPATH, "//label[contains(., 'Hard to understand')]").click()
    phone.find_element(By.ID, "id_comment").send_keys("Too many long words in the second part.")
    phone.find_element(By.XPATH, "//button[normalize-space()='Send feedback']").click()

    thanks = wait(phone, ready.visibility_of_element_located((By.CSS_SELECTOR, "#feedback .notice")))
    screenshot(phone, "phone-feedback-thank-you")
    assert "Thank you" in thanks.text
    feedback = Feedback.objects.get()
    assert (feedback.helpful, feedback.reason, feedback.comment) == (
        False,
        Feedback.Reason.UNCLEAR,
        "Too many long words in the second part.",
    )


def test_phone_reader_searches_and_opens_a_result(live_server, demo, phone):
    phone.get(live_server.url + "/conditions/")
    box = phone.find_element(By.ID, "site-search-q")
    box.send_keys("donated plasma")
    box.send_keys(Keys.ENTER)

    wait(phone, ready.presence_of_element_located((By.CSS_SELECTOR, ".result-list")))
    screenshot(phone, "phone-search-results", full_page=True)
    assert phone.find_elements(By.CSS_SELECTOR, ".snippet mark")
    first_article = phone.find_element(
        By.XPATH, "//li[@class='result'][p[@class='kicker' and normalize-space()='Article']]//h3/a"
    )
    title = first_article.text
    first_article.click()

    wait(phone, ready.text_to_be_present_in_element((By.TAG_NAME, "h1"), title))
    assert phone.find_element(By.ID, "side-effects-heading").is_displayed()


def test_keyboard_user_skips_straight_to_the_content(live_server, demo, desktop):
    desktop.get(live_server.url + ARTICLE)
    desktop.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)

    skip = desktop.switch_to.active_element
    assert skip.text == "Skip to main content"
    assert skip.is_displayed()
    assert skip.value_of_css_property("outline-style") == "solid"
    screenshot(desktop, "desktop-skip-link-focused")
    skip.send_keys(Keys.ENTER)

    wait(desktop, lambda driver: driver.switch_to.active_element.get_attribute("id") == "main")


def test_article_prints_its_text_and_sources_without_the_site_controls(live_server, demo, desktop):
    desktop.get(live_server.url + "/articles/ivig-therapy/")
    screenshot(desktop, "desktop-article", full_page=True)
    desktop.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})

    visible = {
        selector: desktop.find_element(By.CSS_SELECTOR, selector).is_displayed()
        for selector in (".site-nav", ".toc", ".feedback", ".article-body", ".sources", ".disclaimer")
    }
    pdf = desktop.print_page()
    (ARTIFACTS / "article-print.pdf").write_bytes(base64.b64decode(pdf))

    assert visible == {
        ".site-nav": False,
        ".toc": False,
        ".feedback": False,
        ".article-body": True,
        ".sources": True,
        ".disclaimer": True,
    }
    source_link = desktop.find_element(By.CSS_SELECTOR, ".source-list a")
    after = desktop.execute_script("return getComputedStyle(arguments[0], '::after').content", source_link)
    assert "https://" in after
