"""Editors keep the policy pages (editorial policy, corrections, disclaimer) in the admin."""

import pytest

from pages.models import Page
from tests.factories import PageFactory

pytestmark = pytest.mark.django_db


def test_editors_list_search_and_filter_site_pages(admin_client):
    PageFactory(title="Editorial policy")
    PageFactory(title="Draft policy", draft=True)

    listing = admin_client.get("/admin/pages/page/?is_published__exact=1&q=policy").content.decode()

    assert "Editorial policy" in listing
    assert "Draft policy" not in listing


def test_editors_write_a_page_whose_body_is_sanitized(admin_client, client):
    response = admin_client.post(
        "/admin/pages/page/add/",
        {
            "title": "Corrections policy",
            "slug": "corrections-policy",
            "summary": "How we fix mistakes.",
            "body": "<h2>Tell us</h2><p>Use the form.</p><script>alert(1)</script>",
            "is_published": "on",
            "footer_position": "20",
        },
    )

    assert response.status_code == 302
    page = Page.objects.get(slug="corrections-policy")
    assert page.body == "<h2>Tell us</h2><p>Use the form.</p>"
    assert "<h1>Corrections policy</h1>" in client.get("/about/corrections-policy/").content.decode()


def test_page_change_form_explains_each_field(admin_client):
    page = PageFactory()

    form = admin_client.get(f"/admin/pages/page/{page.pk}/change/").content.decode()

    assert "Readers see the page, and its link in the footer, only when ticked." in form
    assert "Footer links are listed from the lowest number to the highest" in form
