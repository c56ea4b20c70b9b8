"""
The editors' and reviewers' pages as clean as the readers': axe-core in Chromium at a desktop and a phone width,
and the Nu HTML checker, find nothing on the change form an editor writes in, the desk a reviewer checks a new
version at (with its reader frame), and the history's comparison of a new version with the published one. The
records are the demo content's.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready

from articles.models import Article
from review.models import Status
from tests import nu
from tests.people import PASSWORD, member_of
from translations.models import Translation

from .test_browser import ARTIFACTS, chromium, log_out, screenshot, sized, wait  # noqa: F401 (chromium is a fixture)
from .test_browser_accessibility import DESKTOP, PHONE, axe_violations, readable

pytestmark = pytest.mark.django_db(transaction=True)


def admin_pages():
    """
    ``{name: (url, username)}`` for the demo content's own cases: an editor writing the draft of a new article; the
    new version of the ITP article, in review, at the reviewer's desk with its reader frame; the comparison of
    that new version with the published one; a translator's draft, and a new version of a Spanish translation at the
    reviewer's desk with its reader frame (in Spanish).
    """
    editor, reviewer = member_of("Editors", "ella"), member_of("Reviewers", "rory")
    writing = Article.objects.get(slug="subcutaneous-immunoglobulin-at-home", status=Status.DRAFT)
    live = Article.objects.get(slug="ivig-for-immune-thrombocytopenia", draft_of=None)
    checking = live.pending_version
    assert checking.status == Status.IN_REVIEW

    def admin_url(name, *args, query=""):
        return reverse(f"admin:articles_article_{name}", args=args) + query

    translating = Translation.objects.filter(status=Status.DRAFT, draft_of=None).first()
    checking_translation = Translation.objects.filter(status=Status.IN_REVIEW).exclude(draft_of=None).first()
    assert translating and checking_translation

    def translation_url(name, pk):
        return reverse(f"admin:translations_translation_{name}", args=[pk])

    return {
        "translation form": (translation_url("change", translating.pk), editor.username),
        "translation desk": (translation_url("change", checking_translation.pk), reviewer.username),
        "translation desk's reader frame": (translation_url("reader", checking_translation.pk), reviewer.username),
        "change form": (admin_url("change", writing.pk), editor.username),
        "desk": (admin_url("change", checking.pk), reviewer.username),
        "desk's reader frame": (admin_url("reader", checking.pk), reviewer.username),
        "compare versions": (admin_url("compare_versions", live.pk, query="?from=published&to=new"), "rory"),
    }


def test_the_nu_checker_finds_nothing_on_the_admin_pages(demo_site, tmp_path):
    pages = {}
    for name, (url, username) in admin_pages().items():
        client = Client()
        assert client.login(username=username, password=PASSWORD)
        response = client.get(url)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    assert "<ins>" in pages["compare versions"]  # the comparison shows the new version's changes

    messages = nu.check(pages, tmp_path)

    assert any(message["type"] == "error" for message in messages["broken"])
    assert {name: nu.to_fix(messages[name]) for name in pages} == {name: [] for name in pages}


def log_in(driver, live_server, username):
    driver.get(live_server.url + "/admin/login/")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    wait(driver, ready.presence_of_element_located((By.ID, "user-tools")))


def axe_on_admin_pages(driver, live_server, width_name):
    found = {}
    for name, (url, username) in admin_pages().items():
        log_out(driver, live_server)
        log_in(driver, live_server, username)
        driver.get(live_server.url + url)
        wait(driver, ready.presence_of_element_located((By.TAG_NAME, "h1")))
        screenshot(driver, f"admin-{name.replace(' ', '-').replace(chr(39), '')}-{width_name}", full_page=True)
        violations = axe_violations(driver)
        if violations:
            found[name] = violations
    (ARTIFACTS / f"axe-admin-{width_name}.json").write_text(json.dumps(found, indent=2))
    driver.delete_all_cookies()
    return found


@pytest.mark.browser
def test_axe_finds_nothing_on_the_admin_pages_on_a_desktop(live_server, demo_site, chromium):  # noqa: F811
    found = axe_on_admin_pages(sized(chromium, *DESKTOP), live_server, "1280")

    assert not found, "axe-core found problems:\n" + readable(found)


@pytest.mark.browser
def test_axe_finds_nothing_on_the_admin_pages_on_a_phone(live_server, demo_site, chromium):  # noqa: F811
    found = axe_on_admin_pages(sized(chromium, *PHONE), live_server, "390")

    assert not found, "axe-core found problems:\n" + readable(found)
