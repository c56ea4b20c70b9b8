"""The Content-Security-Policy in a real headless Chromium: readers' pages and the admin's editor break nothing."""

import pytest
from selenium.webdriver.common.by import By

from tests.test_browser import ARTICLE, chromium, demo, sized  # noqa: F401  (fixtures)
from tests.test_browser_admin import editor_ready, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def browser(chromium):  # noqa: F811
    driver = sized(chromium, 1280, 900)
    script = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS})
    yield driver
    driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]})
    driver.delete_all_cookies()


def violations(driver):
    return driver.execute_script("return window.__cspViolations || []")


def test_an_article_page_breaks_no_rule_of_its_policy(browser, live_server, demo):  # noqa: F811
    browser.get(live_server.url + ARTICLE)

    assert browser.find_element(By.TAG_NAME, "h1").text
    assert violations(browser) == []


def test_ckeditor_works_in_the_admin_under_its_policy(browser, live_server, demo):  # noqa: F811
    log_in(browser, live_server, "Editors", "rosa")  # waits for the login to land before moving on

    browser.get(live_server.url + "/admin/articles/article/add/")
    editor_ready(browser)
    browser.execute_script("CKEDITOR.instances.id_body.setData('<h2>Before the infusion</h2><p>Drink water.</p>')")

    assert "Drink water." in browser.execute_script("return CKEDITOR.instances.id_body.getData()")
    assert violations(browser) == []
