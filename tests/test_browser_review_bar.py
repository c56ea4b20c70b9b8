"""
The review bar in a real headless Chromium: its actions look and work like the admin's own buttons, stay in view
on a desktop, fit a phone, and the publication time is picked with the admin's calendar and said back in the
site's words. Screenshots land in test-artifacts/.
"""

import datetime

import pytest
from django.utils import dateformat, timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready

from articles.models import Article
from review import workflow
from tests.factories import ArticleFactory, FactCheckerFactory
from tests.people import member_of
from tests.test_browser import chromium, screenshot, sized, wait  # noqa: F401  (fixtures)
from tests.test_browser_admin import desktop, log_in, open_change_page  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Status = Article.Status
NATIVE_GREY = "rgb(239, 239, 239)"  # Chromium's own button face


@pytest.fixture
def phone(chromium):  # noqa: F811
    driver = sized(chromium, 390, 844)
    yield driver
    driver.execute_script("window.onbeforeunload = null")
    driver.delete_all_cookies()


def fact_checked(kind=Article.Kind.TREATMENT_GUIDE, **fields):
    """An article an editor wrote and a fact-checker checked, by people other than the test's user."""
    editor = member_of("Editors", "writer")
    checker = member_of("Reviewers", "checker")
    FactCheckerFactory(name="Cleo Checker", slug="cleo-checker", user=checker)
    article = workflow.perform(ArticleFactory(draft=True, kind=kind, **fields), "submit", editor)
    return workflow.perform(article, "fact_check", checker, "Checked against the sources.")


def bar_actions(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#review-bar :is(input[type=submit], button, a.button)")


def test_the_bar_actions_look_like_the_admins_buttons(live_server, desktop):  # noqa: F811
    article = ArticleFactory(draft=True)
    log_in(desktop, live_server, "Editors", "ella")
    open_change_page(desktop, live_server, article)
    screenshot(desktop, "review-bar-editor")

    bottom_save = desktop.find_elements(By.CSS_SELECTOR, ".submit-row input[name=_save]")[-1]
    admin_padding = bottom_save.value_of_css_property("padding")
    for button in bar_actions(desktop):
        assert button.value_of_css_property("background-color") != NATIVE_GREY, button.text
        assert button.value_of_css_property("padding") == admin_padding, button.text
        assert button.value_of_css_property("color") == bottom_save.value_of_css_property("color"), button.text


def test_edit_as_a_new_version_is_in_view_and_opens_the_new_version(live_server, desktop):  # noqa: F811
    article = ArticleFactory(title="Infusion day", body="<p>Long text.</p>" * 80)
    log_in(desktop, live_server, "Editors", "ella")
    open_change_page(desktop, live_server, article)
    desktop.execute_script("window.scrollTo(0, document.body.scrollHeight / 2)")

    button = desktop.find_element(By.CSS_SELECTOR, "#action-new-version button")
    assert button.text == "Edit as a new version"
    top = button.rect["y"] - desktop.execute_script("return window.scrollY")
    screenshot(desktop, "review-bar-scrolled")
    assert 0 <= top < 200  # the sticky bar keeps it in view however far down the editor is
    button.click()

    wait(desktop, ready.presence_of_element_located((By.CSS_SELECTOR, ".messagelist .info")))
    copy = Article.objects.get(draft_of=article)
    assert desktop.current_url.endswith(f"/admin/articles/article/{copy.pk}/change/")


def test_the_bar_fits_a_phone(live_server, phone):
    article = fact_checked()
    log_in(phone, live_server, "Reviewers", "rory")
    open_change_page(phone, live_server, article)
    phone.find_element(By.CSS_SELECTOR, ".publish-options > summary").click()
    phone.find_element(By.XPATH, "//div[@id='review-bar']//summary[contains(., 'Request changes')]").click()
    screenshot(phone, "review-bar-phone")

    width = phone.execute_script("return window.innerWidth")
    bar = phone.find_element(By.ID, "review-bar")
    assert phone.execute_script("return arguments[0].scrollWidth", bar) <= bar.rect["width"]
    for element in bar.find_elements(By.CSS_SELECTOR, "input, button, a, label, summary"):
        if element.is_displayed():
            assert element.rect["x"] >= 0 and element.rect["x"] + element.rect["width"] <= width, element.text


def test_a_publication_time_is_picked_with_the_calendar_and_said_back(live_server, desktop):  # noqa: F811
    article = fact_checked()
    log_in(desktop, live_server, "Reviewers", "rory")
    open_change_page(desktop, live_server, article)
    desktop.find_element(By.CSS_SELECTOR, ".publish-options > summary").click()

    desktop.find_element(By.CSS_SELECTOR, "#publish-at .datetimeshortcuts a").click()  # the calendar's "Today"
    desktop.find_element(By.ID, "publish-at-time").send_keys("23:59")

    today = timezone.localdate()
    reading = desktop.find_element(By.CSS_SELECTOR, ".publish-at-reading")
    assert reading.text == f"Goes live on {dateformat.format(today, 'j F Y')}, 23:59 (UTC)"
    screenshot(desktop, "review-bar-publish-at")
    desktop.find_element(By.CSS_SELECTOR, "#action-publish button[type=submit]").click()

    wait(desktop, ready.presence_of_element_located((By.CSS_SELECTOR, ".messagelist .success")))
    article.refresh_from_db()
    assert article.published_at == datetime.datetime.combine(today, datetime.time(23, 59), tzinfo=datetime.UTC)


def test_a_date_without_a_time_is_refused_in_words_and_kept(live_server, desktop):  # noqa: F811
    article = fact_checked()
    log_in(desktop, live_server, "Reviewers", "rory")
    open_change_page(desktop, live_server, article)
    desktop.find_element(By.CSS_SELECTOR, ".publish-options > summary").click()
    desktop.find_element(By.ID, "publish-at-date").send_keys("2030-12-05")
    assert "Give both a date and a time" in desktop.find_element(By.CSS_SELECTOR, ".publish-at-reading").text

    desktop.find_element(By.CSS_SELECTOR, "#action-publish button[type=submit]").click()

    error = wait(desktop, ready.presence_of_element_located((By.CSS_SELECTOR, ".messagelist .error")))
    screenshot(desktop, "review-bar-publish-at-refused")
    assert "has no time" in error.text
    assert desktop.find_element(By.ID, "publish-at-date").get_attribute("value") == "2030-12-05"
    article.refresh_from_db()
    assert article.status == Status.FACT_CHECKED


def test_publish_waits_for_a_clinician_and_the_bar_says_so(live_server, desktop):  # noqa: F811
    guide = fact_checked(kind=Article.Kind.THERAPY_GUIDE)
    log_in(desktop, live_server, "Reviewers", "rory")
    open_change_page(desktop, live_server, guide)
    screenshot(desktop, "review-bar-waits-for-clinician")

    assert "Needs a medical review by a clinician" in desktop.find_element(By.ID, "publish-waits").text
    assert not desktop.find_elements(By.ID, "action-publish")
