"""
Editors' and reviewers' journeys in the admin, in a real headless Chromium: the traps where work used to be
lost or a decision needed a long scroll. Screenshots land in test-artifacts/.
"""

import contextlib

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ready

from articles.models import Article
from review import workflow
from tests.admin_forms import admin_change_url, change_through_admin
from tests.factories import ArticleFactory
from tests.people import PASSWORD, member_of
from tests.test_browser import chromium, screenshot, sized, wait  # noqa: F401  (fixtures)
from tests.test_review_desk_kinds import (
    CHANGED,
    SENTENCE,
    article,
    condition,
    contributor,
    page,
    product,
    side_effect,
    source,
)
from tests.test_uploads import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Status = Article.Status
DESK_KINDS = [article, condition, product, side_effect, source, contributor, page]


@pytest.fixture
def desktop(chromium):  # noqa: F811
    driver = sized(chromium, 1280, 900)
    yield driver
    with contextlib.suppress(NoAlertPresentException):  # never leave a dialog open for the next test
        driver.switch_to.alert.accept()
    driver.execute_script("window.onbeforeunload = null")
    driver.delete_all_cookies()


def log_in(driver, live_server, group, username):
    member_of(group, username)
    driver.get(live_server.url + "/admin/login/")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    wait(driver, ready.presence_of_element_located((By.ID, "user-tools")))


def open_change_page(driver, live_server, record):
    driver.get(live_server.url + admin_change_url(record))
    wait(driver, ready.presence_of_element_located((By.ID, "review-bar")))


def save(driver):
    """Press "Save and continue editing" at the foot of the form."""
    button = driver.find_elements(By.NAME, "_continue")[-1]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()


def editor_ready(driver):
    wait(
        driver,
        lambda d: d.execute_script("return !!(window.CKEDITOR && CKEDITOR.instances.id_body?.status === 'ready')"),
        timeout=20,
    )


SPY = """
sessionStorage.removeItem("asked");
window.addEventListener("beforeunload", (event) => sessionStorage.setItem("asked", event.defaultPrevented));
"""


def leave_and_tell_whether_asked(driver, live_server):
    """
    Follow the breadcrumb back to the list, as an editor would, and say whether Chromium would have asked
    "Leave site?": whether the page cancelled the real beforeunload event of that navigation. (WebDriver
    answers the dialog itself, so the test cannot see it; the spy, added after the page's own handler,
    sees the event the browser decides on.)
    """
    driver.execute_script(SPY)
    driver.execute_script("window.scrollTo(0, 0)")
    driver.find_element(By.CSS_SELECTOR, ".breadcrumbs").find_element(By.LINK_TEXT, "Articles").click()
    wait(driver, ready.url_to_be(live_server.url + "/admin/articles/article/"))
    return driver.execute_script("return sessionStorage.getItem('asked')") == "true"


def test_leaving_a_form_with_unsaved_changes_asks_first(live_server, desktop):
    article = ArticleFactory(draft=True, title="Infusion day")
    log_in(desktop, live_server, "Editors", "ella")
    open_change_page(desktop, live_server, article)
    title = desktop.find_element(By.ID, "id_title")
    title.send_keys(" at home")

    assert leave_and_tell_whether_asked(desktop, live_server)


def test_an_untouched_form_does_not_ask(live_server, desktop):
    article = ArticleFactory(draft=True)
    log_in(desktop, live_server, "Editors", "ella")
    open_change_page(desktop, live_server, article)
    editor_ready(desktop)

    assert not leave_and_tell_whether_asked(desktop, live_server)


def test_a_change_in_the_rich_text_editor_counts_as_unsaved(live_server, desktop):
    article = ArticleFactory(draft=True)
    log_in(desktop, live_server, "Editors", "ella")
    open_change_page(desktop, live_server, article)
    editor_ready(desktop)
    frame = desktop.find_element(By.CSS_SELECTOR, "#cke_id_body iframe")
    desktop.switch_to.frame(frame)
    desktop.find_element(By.TAG_NAME, "p").click()
    desktop.switch_to.active_element.send_keys(Keys.END, " More words.")
    desktop.switch_to.default_content()
    assert "More words." in desktop.execute_script("return CKEDITOR.instances.id_body.getData()")

    assert leave_and_tell_whether_asked(desktop, live_server)


def test_submit_for_review_from_the_top_saves_what_is_on_screen(live_server, desktop):
    article = ArticleFactory(draft=True, title="Infusion day")
    log_in(desktop, live_server, "Editors", "ella")
    open_change_page(desktop, live_server, article)
    title = desktop.find_element(By.ID, "id_title")
    title.clear()
    title.send_keys("Your first infusion day")

    desktop.find_element(By.CSS_SELECTOR, "#review-bar button[name=_submit_for_review]").click()

    wait(desktop, ready.presence_of_element_located((By.CSS_SELECTOR, ".messagelist .success")))
    screenshot(desktop, "admin-saved-and-submitted")
    article.refresh_from_db()
    assert (article.title, article.status) == ("Your first infusion day", Status.IN_REVIEW)


def test_an_image_without_alt_text_stops_the_submission_and_is_named(live_server, desktop):
    article = ArticleFactory(draft=True, body='<p>The pump:</p><p><img src="/static/img/pump-photo.png"></p>')
    log_in(desktop, live_server, "Editors", "ella")
    open_change_page(desktop, live_server, article)

    desktop.find_element(By.CSS_SELECTOR, "#review-bar button[name=_submit_for_review]").click()

    error = wait(desktop, ready.presence_of_element_located((By.CSS_SELECTOR, ".messagelist .error")))
    screenshot(desktop, "admin-image-without-alt-text")
    assert "NOT submitted" in error.text and "“pump-photo.png” in body" in error.text
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_a_refused_upload_says_next_to_the_field_to_choose_the_file_again(live_server, desktop, tmp_path):
    article = ArticleFactory(draft=True)
    picture = tmp_path / "infusion-chair.png"
    picture.write_bytes(image_bytes())
    log_in(desktop, live_server, "Editors", "ella")
    open_change_page(desktop, live_server, article)
    desktop.find_element(By.ID, "id_title").clear()
    desktop.execute_script("document.querySelectorAll('details').forEach((d) => d.open = true)")
    desktop.find_element(By.ID, "id_hero_image").send_keys(str(picture))
    desktop.find_element(By.ID, "id_hero_image_alt").send_keys("An empty infusion chair")

    save(desktop)

    summary = wait(desktop, ready.visibility_of_element_located((By.ID, "error-summary")))
    assert summary.location["y"] < desktop.find_element(By.ID, "id_title").location["y"]
    row = desktop.find_element(By.CSS_SELECTOR, ".field-hero_image")
    desktop.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
    screenshot(desktop, "admin-refused-upload")
    assert row.is_displayed()
    assert "was NOT saved" in row.text and "Choose it again" in row.text


def test_a_reviewer_decides_without_scrolling_past_the_form(live_server, desktop):
    editor = member_of("Editors", "ella")
    paragraph = "Most people feel tired for a day or two after an infusion."
    article = ArticleFactory(draft=True, body=f"<p>{paragraph}</p>" + "<p>More about infusions.</p>" * 40)
    article = workflow.perform(article, "submit", editor)
    log_in(desktop, live_server, "Reviewers", "rory")
    open_change_page(desktop, live_server, article)
    screenshot(desktop, "admin-reviewer-desk")

    fact_check = desktop.find_element(By.CSS_SELECTOR, "#action-fact_check button")
    assert fact_check.is_displayed() and fact_check.location["y"] < 900
    assert desktop.find_element(By.ID, "reader-view-heading").location["y"] < 900

    desktop.execute_script("window.scrollTo(0, document.body.scrollHeight / 2)")
    top = desktop.execute_script("return document.getElementById('review-bar').getBoundingClientRect().top")
    screenshot(desktop, "admin-reviewer-desk-scrolled")
    assert top == 0  # the state and the actions stay in view


def olga_saves(client, article, **changes):
    """Another editor, in a session of her own, opens the article and saves some changes."""
    olga = member_of("Editors", "olga")
    olga.first_name = "Olga"
    olga.save()
    client.force_login(olga)
    assert change_through_admin(client, article, **changes).status_code == 302


def test_a_stale_save_keeps_what_another_editor_changed_in_the_meantime(live_server, desktop, client):
    body = "<h2>On the day</h2><p>Most people feel tired for a day or two after an infusion.</p>"
    article = ArticleFactory(draft=True, title="Infusion day", body=body)
    log_in(desktop, live_server, "Editors", "ella")
    open_change_page(desktop, live_server, article)
    editor_ready(desktop)  # the rich-text editor has loaded (and tidied) the body Ella leaves alone
    olga_saves(client, article, dek="Olga's summary.", body=body.replace("a day or two", "up to three days"))

    title = desktop.find_element(By.ID, "id_title")
    title.clear()
    title.send_keys("Your infusion day")
    save(desktop)

    note = wait(desktop, ready.visibility_of_element_located((By.CSS_SELECTOR, ".messagelist .info")))
    screenshot(desktop, "admin-stale-save-merged")
    assert "Kept Olga’s change to the summary and the body." in note.text
    article.refresh_from_db()
    assert (article.title, article.dek) == ("Your infusion day", "Olga's summary.")
    assert "up to three days" in article.body


def test_both_changed_the_title_ella_compares_keeps_theirs_and_saves(live_server, desktop, client):
    article = ArticleFactory(draft=True, title="Infusion day", dek="What happens on the day.")
    log_in(desktop, live_server, "Editors", "ella")
    open_change_page(desktop, live_server, article)
    olga_saves(client, article, title="Olga's infusion day")

    title = desktop.find_element(By.ID, "id_title")
    title.clear()
    title.send_keys("Your infusion day")
    desktop.find_element(By.ID, "id_dek").send_keys(" Ella added this.")
    save(desktop)

    summary = wait(desktop, ready.visibility_of_element_located((By.ID, "error-summary")))
    assert "after you opened it" in summary.text and "you both changed the title" in summary.text
    conflict = desktop.find_element(By.ID, "conflict-title")
    desktop.execute_script("arguments[0].scrollIntoView({block: 'center'})", conflict)
    screenshot(desktop, "admin-edit-conflict")
    assert "Saved by Olga (theirs)" in conflict.text and "Olga's infusion day" in conflict.text
    assert "Your form (mine)" in conflict.text and "Your infusion day" in conflict.text
    assert desktop.find_element(By.ID, "id_title").get_attribute("value") == "Your infusion day"
    conflict.find_element(By.XPATH, ".//label[normalize-space()='Keep theirs']").click()
    save(desktop)

    wait(desktop, ready.presence_of_element_located((By.CSS_SELECTOR, ".messagelist .success")))
    article.refresh_from_db()
    assert (article.title, article.dek) == ("Olga's infusion day", "What happens on the day. Ella added this.")


@pytest.mark.parametrize("make", DESK_KINDS, ids=lambda make: make.__name__)
def test_each_kinds_desk_shows_the_reader_page_and_the_three_word_change_in_view(live_server, desktop, make):
    editor = member_of("Editors", "ella")
    record, field, _reader_bits = make()
    copy = workflow.start_new_version(record, editor)
    setattr(copy, field, getattr(copy, field).replace(SENTENCE, CHANGED))
    copy.save()
    copy = workflow.perform(copy, "submit", editor)
    log_in(desktop, live_server, "Reviewers", "rory")
    open_change_page(desktop, live_server, copy)
    screenshot(desktop, f"admin-desk-{copy._meta.model_name}")

    change = desktop.find_element(By.CSS_SELECTOR, ".review-diff .diff-changed ins")
    assert change.text.strip() == "up to three days"
    assert change.is_displayed() and change.location["y"] < 900
    frame = desktop.find_element(By.CSS_SELECTOR, ".reader-view iframe")
    assert frame.is_displayed()
    desktop.switch_to.frame(frame)
    try:
        reader = desktop.find_element(By.ID, "main")
        assert "up to three days" in reader.text
    finally:
        desktop.switch_to.default_content()
