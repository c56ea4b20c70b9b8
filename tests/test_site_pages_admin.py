"""Editors keep the policy pages (editorial policy, corrections, disclaimer) in the admin; reviewers publish them."""

import pytest

from pages.models import Page
from review.workflow import start_new_version
from tests.admin_forms import change_through_admin
from tests.factories import PageFactory

pytestmark = pytest.mark.django_db


def test_editors_list_search_and_filter_site_pages(admin_client):
    PageFactory(title="Editorial policy")
    PageFactory(title="Draft policy", draft=True)

    listing = admin_client.get("/admin/pages/page/?status__exact=published&q=policy").content.decode()

    assert "Editorial policy" in listing
    assert "Draft policy" not in listing


def test_a_new_page_is_sanitized_and_reaches_readers_only_through_review(client, editor, publish_through_review):
    client.force_login(editor)
    page = PageFactory(draft=True, slug="corrections-policy", title="Corrections policy")
    response = change_through_admin(client, page, body="<h2>Tell us</h2><p>Use the form.</p><script>alert(1)</script>")

    assert response.status_code == 302
    page = Page.objects.get(slug="corrections-policy")
    assert page.body == "<h2>Tell us</h2><p>Use the form.</p>"
    client.logout()
    assert client.get("/about/corrections-policy/").status_code == 404

    publish_through_review(page)

    assert "<h1>Corrections policy</h1>" in client.get("/about/corrections-policy/").content.decode()


def test_a_change_to_a_live_page_title_reaches_the_footer_only_once_published(client, editor, publish_through_review):
    page = PageFactory(title="Medical disclaimer", slug="disclaimer")
    copy = start_new_version(page, editor)
    copy.title = "Unreviewed disclaimer title"
    copy.save()

    assert "Unreviewed disclaimer title" not in client.get("/").content.decode()

    publish_through_review(copy)

    assert "Unreviewed disclaimer title" in client.get("/").content.decode()


def test_page_change_form_explains_each_field(admin_client):
    page = PageFactory(draft=True)

    form = admin_client.get(f"/admin/pages/page/{page.pk}/change/").content.decode()

    assert "Readers see it only once a reviewer has fact-checked and published it." in form
    assert "Footer links are listed from the lowest number to the highest" in form
