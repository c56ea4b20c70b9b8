"""
The editor → reviewer → clinician journey in a real headless Chromium, through the real admin, with every click
counted: an editor writes a therapy guide, imports three new sources for it and cites them, and submits once; a
reviewer fact-checks the set at once and is told a clinician must review it before it can be published; a clinician
reviews it from the medical queue; the reviewer publishes it and readers see the numbered sources. Also the live
preview: what an editor types shows in the desk's reader frame before anything is saved.
Screenshots land in test-artifacts/.
"""

from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ready

import tests.test_browser_admin
from articles.models import Article
from references.models import Source
from review.models import Status
from tests.factories import ArticleFactory, ContributorFactory, FactCheckerFactory
from tests.people import medical_reviewer, member_of
from tests.test_browser import chromium, log_out, screenshot, wait  # noqa: F401  (fixtures)
from tests.test_browser_admin import desktop, editor_ready, log_in, open_change_page  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Three references as a reference manager exports them; their BibTeX keys become the sources' citation keys.
BIBTEX = """\
@article{Hooper2008,
author = {Hooper, J. A.},
doi = {10.1016/j.iac.2008.06.002},
journal = {Immunology and Allergy Clinics of North America},
number = {4},
pages = {765--778},
title = {{Intravenous immunoglobulins: evolution of commercial IVIG preparations}},
volume = {28},
year = {2008}
}
@article{Perez2017,
author = {Perez, Elena E. and Orange, Jordan S. and Bonilla, Francisco},
doi = {10.1016/j.jaci.2016.09.023},
journal = {J Allergy Clin Immunol},
number = {3S},
pages = {S1--S46},
title = {{Update on the use of immunoglobulin in human disease: a review of evidence}},
volume = {139},
year = {2017}
}
@article{Guo2018,
author = {Guo, Yu and Tian, Xin and Wang, Xuefeng and Xiao, Zheng},
doi = {10.3389/fimmu.2018.01299},
journal = {Front Immunol},
pages = {1299},
title = {{Adverse effects of immunoglobulin therapy}},
volume = {9},
year = {2018}
}
"""
TITLES = [
    "Intravenous immunoglobulins: evolution of commercial IVIG preparations",
    "Update on the use of immunoglobulin in human disease: a review of evidence",
    "Adverse effects of immunoglobulin therapy",
]
CLAIMS = (
    "IVIG is made from the plasma of thousands of donors.[cite:Hooper2008] "
    "It replaces the antibodies the body cannot make.[cite:Perez2017] "
    "Headaches after an infusion are common.[cite:Guo2018]"
)


class Clicks:
    """
    Every click a person makes (and every form sent with Enter), counted for whoever ``role`` is at the time, from
    the admin home they land on after logging in. Typing in a field counts the click that puts the cursor there;
    keys themselves (typing, pasting) are not clicks, nor is scrolling.
    """

    def __init__(self, driver):
        self.driver = driver
        self.role = None
        self.counts = Counter()

    def __call__(self, element, *, enter=False):
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        if enter:
            element.send_keys(Keys.ENTER)
        else:
            element.click()
        self.counts[self.role] += 1
        return element

    def type(self, element, text):
        self(element).send_keys(text)

    def choose(self, select, label):
        """Open a select and pick an option: two clicks."""
        self(select)
        self(select.find_element(By.XPATH, f".//option[normalize-space()='{label}']"))

    def link(self, text):
        self(self.driver.find_element(By.PARTIAL_LINK_TEXT, text))


@pytest.fixture
def people(monkeypatch):
    """The three people of the journey, made beforehand with their profiles; log_in then finds them."""
    editor = member_of("Editors", "ella")
    ContributorFactory(name="Ella Writer", slug="ella-writer", user=editor)
    reviewer = member_of("Reviewers", "rory")
    FactCheckerFactory(name="Rory Reviewer", slug="rory-reviewer", user=reviewer)
    clinician = medical_reviewer("dana")
    monkeypatch.setattr(
        tests.test_browser_admin, "member_of", lambda _group, username: get_user_model().objects.get(username=username)
    )
    return {"editor": editor, "reviewer": reviewer, "clinician": clinician}


GROUPS = {"editor": "Editors", "reviewer": "Reviewers", "clinician": "Medical reviewers"}


def change_to(driver, live_server, clicks, role, username):
    """The next person logs in and lands on the admin home; clicks count for them from here."""
    log_out(driver, live_server)
    log_in(driver, live_server, GROUPS[role], username)
    clicks.role = role


def queue_link(driver, queue):
    """The admin home's link to the articles waiting in ``queue``."""
    row = driver.find_element(By.XPATH, f"//div[@id='review-queue']//tr[th[normalize-space()='{queue}']]")
    return row.find_element(By.CSS_SELECTOR, "a[href*='/admin/articles/article/']")


def open_from_queue(driver, clicks, queue, title):
    clicks(queue_link(driver, queue))
    clicks(wait(driver, ready.presence_of_element_located((By.LINK_TEXT, title))))
    wait(driver, ready.presence_of_element_located((By.ID, "review-bar")))
    # The sources imported for it are reviewed with it, not sent ahead to be published first.
    assert "publish them first" not in driver.find_element(By.ID, "content").text
    along = driver.find_element(By.ID, "reviewed-along").text
    assert all(source in along for source in TITLES), along


def bar_says_success(driver, words):
    """
    Wait for the page after a click to say ``words`` (any case) in a success message. The page the click was made
    on may still show a success message of its own for a moment, and it goes stale as the next page loads: waiting
    for the words, not just for a message, is what tells the two apart.
    """

    def messages(driver):
        return [m.text for m in driver.find_elements(By.CSS_SELECTOR, ".messagelist li")]

    def says(driver):
        try:
            return any(words in m.text.lower() for m in driver.find_elements(By.CSS_SELECTOR, ".messagelist .success"))
        except StaleElementReferenceException:
            return False

    try:
        wait(driver, says)
    except TimeoutException:
        raise AssertionError(f"no success message says {words!r}; the page says {messages(driver)}") from None


def type_in_rich_text(driver, clicks, field, text):
    """Click into a CKEditor box, go to the end of its text and type ``text`` as a new paragraph."""
    frame = driver.find_element(By.CSS_SELECTOR, f"#cke_id_{field} iframe")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", frame)
    driver.switch_to.frame(frame)
    try:
        clicks(driver.find_element(By.TAG_NAME, "body"))
        driver.switch_to.active_element.send_keys(Keys.CONTROL, Keys.END)
        if driver.execute_script("return document.body.textContent.trim() !== ''"):
            driver.switch_to.active_element.send_keys(Keys.ENTER)
        driver.switch_to.active_element.send_keys(text)
    finally:
        driver.switch_to.default_content()


def pick_author(driver, clicks, name):
    """The admin's autocomplete box: open it, type part of the name, pick the match."""
    clicks(driver.find_element(By.CSS_SELECTOR, ".field-author .select2-selection"))
    driver.switch_to.active_element.send_keys(name.split()[0])
    option = f"//li[contains(@class, 'select2-results__option') and starts-with(normalize-space(), '{name}')]"
    clicks(wait(driver, ready.element_to_be_clickable((By.XPATH, option))))


def editor_writes_imports_cites_and_submits(driver, clicks):
    clicks(driver.find_element(By.CSS_SELECTOR, "tr.model-article a.addlink"))
    wait(driver, ready.presence_of_element_located((By.ID, "id_title")))
    editor_ready(driver)
    clicks.type(driver.find_element(By.ID, "id_title"), "IVIG as a therapy: what to expect")
    clicks.choose(driver.find_element(By.ID, "id_kind"), "Therapy guide")
    clicks.type(driver.find_element(By.ID, "id_dek"), "How IVIG works, how it is given and what it feels like.")
    type_in_rich_text(driver, clicks, "body", "IVIG is a medicine made from donated blood plasma.")
    pick_author(driver, clicks, "Ella Writer")
    clicks.type(driver.find_element(By.ID, "id_funding_disclosure"), "None.")
    clicks.type(driver.find_element(By.ID, "id_conflict_of_interest"), "None.")
    screenshot(driver, "journey-1-editor-new-article")
    clicks(driver.find_elements(By.NAME, "_continue")[-1])
    wait(driver, ready.presence_of_element_located((By.ID, "review-bar")))

    clicks.link("Import references from")
    clicks.type(wait(driver, ready.presence_of_element_located((By.ID, "id_text"))), BIBTEX)
    clicks(driver.find_element(By.CSS_SELECTOR, "#content-main input[type=submit][value='Preview']"))
    wait(driver, ready.presence_of_element_located((By.ID, "import-preview")))
    screenshot(driver, "journey-2-editor-import-preview", full_page=True)
    summary = driver.find_element(By.CLASS_NAME, "import-summary").text
    assert "3 new, 0 already in the library, 0 with problems" in summary
    clicks(driver.find_element(By.NAME, "import"))
    bar_says_success(driver, "3 new sources added")

    editor_ready(driver)
    type_in_rich_text(driver, clicks, "body", CLAIMS)
    clicks(driver.find_element(By.CSS_SELECTOR, "#review-bar button[name=_submit_for_review]"))
    bar_says_success(driver, "submitted for review")
    screenshot(driver, "journey-3-editor-submitted")


def reviewer_fact_checks(driver, clicks, title):
    open_from_queue(driver, clicks, "Awaiting fact-check", title)
    screenshot(driver, "journey-4-reviewer-desk")
    desk = driver.find_element(By.ID, "review-desk")
    assert desk.get_attribute("open") is not None  # what changed is in view without a click
    for source in TITLES:
        assert source in desk.text  # the new sources are part of the article's review
    driver.switch_to.frame(driver.find_element(By.ID, "reader-frame"))
    try:
        wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#main sup.citation")) == 3)
        assert len(driver.find_elements(By.CSS_SELECTOR, "#main .source-list > li")) == 3
    finally:
        driver.switch_to.default_content()

    clicks(driver.find_element(By.CSS_SELECTOR, "#action-fact_check button"))
    bar_says_success(driver, "fact-checked")
    screenshot(driver, "journey-5-reviewer-waits-for-clinician")
    assert "Needs a medical review by a clinician" in driver.find_element(By.ID, "publish-waits").text
    assert not driver.find_elements(By.ID, "action-publish")


def test_editor_reviewer_and_clinician_publish_an_article_with_three_new_sources(live_server, desktop, people):  # noqa: F811
    clicks = Clicks(desktop)
    title = "IVIG as a therapy: what to expect"

    change_to(desktop, live_server, clicks, "editor", "ella")
    editor_writes_imports_cites_and_submits(desktop, clicks)
    article = Article.objects.get(title=title)
    sources = list(Source.objects.filter(title__in=TITLES))
    assert article.kind == Article.Kind.THERAPY_GUIDE
    assert [c.source.title for c in article.citations.order_by("position")] == TITLES
    assert {article.status} | {source.status for source in sources} == {Status.IN_REVIEW}

    change_to(desktop, live_server, clicks, "reviewer", "rory")
    reviewer_fact_checks(desktop, clicks, title)

    change_to(desktop, live_server, clicks, "clinician", "dana")
    open_from_queue(desktop, clicks, "Awaiting medical review", title)
    screenshot(desktop, "journey-6-clinician-desk")
    clicks(desktop.find_element(By.CSS_SELECTOR, "#action-medically_review button"))
    bar_says_success(desktop, "medically reviewed")

    change_to(desktop, live_server, clicks, "reviewer", "rory")
    open_from_queue(desktop, clicks, "Fact-checked, ready to publish", title)
    clicks(desktop.find_element(By.CSS_SELECTOR, "#action-publish button[type=submit]"))
    bar_says_success(desktop, "published")

    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.medical_reviewer.name == "Dana Okafor"
    assert {Source.objects.get(pk=source.pk).status for source in sources} == {Status.PUBLISHED}
    desktop.get(live_server.url + article.get_absolute_url())
    screenshot(desktop, "journey-7-reader-page", full_page=True)
    assert len(desktop.find_elements(By.CSS_SELECTOR, ".article-body sup.citation")) == 3
    listed = [item.text for item in desktop.find_elements(By.CSS_SELECTOR, ".source-list > li")]
    assert [next(t for t in TITLES if t in text) for text in listed] == TITLES

    # Editor: Add, title, kind (2), summary, body, author (2), funding, conflicts, Save and continue editing;
    # the import link, the paste box, Preview, Import; the body again, Save and submit for review.
    assert clicks.counts["editor"] <= 17
    # Reviewer: the queue, the article, Mark as fact-checked; later the queue, the article, Publish.
    assert clicks.counts["reviewer"] <= 6
    # Clinician: the medical queue, the article, Mark as medically reviewed.
    assert clicks.counts["clinician"] <= 3


def test_what_an_editor_types_shows_in_the_reader_frame_before_saving(live_server, desktop):  # noqa: F811
    article = ArticleFactory(draft=True, title="Infusion day")
    log_in(desktop, live_server, "Editors", "ella")
    open_change_page(desktop, live_server, article)
    desktop.find_element(By.CSS_SELECTOR, "#review-desk > summary").click()
    desktop.find_element(By.ID, "id_title").send_keys(" at home")

    desktop.switch_to.frame(desktop.find_element(By.ID, "reader-frame"))
    try:
        wait(desktop, ready.text_to_be_present_in_element((By.CSS_SELECTOR, "#main h1"), "Infusion day at home"))
    finally:
        desktop.switch_to.default_content()
    assert "not saved yet" in desktop.find_element(By.ID, "live-preview-status").text
    screenshot(desktop, "journey-live-preview")

    desktop.execute_script("window.onbeforeunload = null")
    desktop.refresh()
    wait(desktop, ready.presence_of_element_located((By.ID, "review-bar")))
    assert desktop.find_element(By.ID, "id_title").get_attribute("value") == "Infusion day"
    article.refresh_from_db()
    assert article.title == "Infusion day"
