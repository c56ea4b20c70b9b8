"""
The site's time zone (``DJANGO_TIME_ZONE``) is said next to every date-time input of the admin, whatever the
model, and in every time the admin shows staff: scheduling messages, the desk's history, read-only times.
"""

import datetime
import re

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from review import workflow
from tests.admin_forms import admin_change_url
from tests.factories import ConditionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("london")]

ZONE_NOTE = "Time zone: Europe/London"
Status = workflow.Status


@pytest.fixture
def london():
    with override_settings(TIME_ZONE="Europe/London"):
        yield


def kawasaki():
    return ConditionFactory(name="Kawasaki disease", abbreviation="", status=Status.FACT_CHECKED, published_at=None)


def date_time_fields(model_admin, request):
    readonly = set(model_admin.get_readonly_fields(request))
    return [
        field
        for field in model_admin.model._meta.fields
        if isinstance(field, models.DateTimeField) and field.editable and field.name not in readonly
    ]


def test_every_date_time_input_of_every_admin_says_the_time_zone(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    checked = []

    for model, model_admin in admin.site._registry.items():
        for field in date_time_fields(model_admin, request):
            formfield = model_admin.formfield_for_dbfield(field, request)
            html = formfield.widget.render(field.name, timezone.now())
            assert ZONE_NOTE in html, f"{model._meta.label}.{field.name}"
            checked.append(f"{model._meta.label}.{field.name}")

    assert {"auth.User.last_login", "auth.User.date_joined", "api.PartnerKey.expiry_date"} <= set(checked)


def test_the_zone_is_next_to_the_input_on_the_page(admin_client, admin_user):
    page = admin_client.get(reverse("admin:auth_user_change", args=[admin_user.pk])).content.decode()

    after_input = page[page.index('name="date_joined_1"') :]
    assert after_input.index(ZONE_NOTE) < after_input.index("</div>")  # in the field's own row


def test_scheduling_says_when_in_the_sites_time_zone(client, reviewer):
    condition = kawasaki()
    client.force_login(reviewer)
    url = reverse("admin:articles_condition_transition", args=[condition.pk, "publish"])

    response = client.post(url, {"publish_at": "2027-03-03T09:00", "substantive": "on"}, follow=True)

    page = response.content.decode()
    assert "“Kawasaki disease” is scheduled for 3 March 2027, 09:00 (Europe/London)." in page
    condition.refresh_from_db()
    assert condition.published_at == datetime.datetime(2027, 3, 3, 9, 0, tzinfo=datetime.UTC)  # GMT in March


def test_a_summer_time_is_read_and_shown_in_the_sites_zone(client, reviewer):
    condition = kawasaki()
    client.force_login(reviewer)
    url = reverse("admin:articles_condition_transition", args=[condition.pk, "publish"])

    response = client.post(url, {"publish_at": "2027-07-01T09:00"}, follow=True)

    assert "is scheduled for 1 July 2027, 09:00 (Europe/London)" in response.content.decode()
    condition.refresh_from_db()
    assert condition.published_at == datetime.datetime(2027, 7, 1, 8, 0, tzinfo=datetime.UTC)  # BST is UTC+1


def test_the_desk_says_the_zone_of_every_time_it_shows(client, reviewer):
    go_live = datetime.datetime(2027, 3, 3, 9, 0, tzinfo=datetime.UTC)
    condition = ConditionFactory(status=Status.FACT_CHECKED, published_at=None)
    condition = workflow.perform(condition, "publish", reviewer, at=go_live)
    client.force_login(reviewer)

    page = client.get(admin_change_url(condition)).content.decode()

    assert "Scheduled for 3 March 2027, 09:00 (Europe/London)" in page  # the bar at the top
    assert re.search(r"<td>\d{1,2} \w+ \d{4}, \d\d:\d\d \(Europe/London\)</td>", page)  # the history table
    published_at = page[page.index("field-published_at_in_zone") :]
    assert published_at.index("3 March 2027, 09:00 (Europe/London)") < published_at.index("</div>\n")


def test_the_publish_at_input_says_the_zone(client, reviewer):
    condition = ConditionFactory(status=Status.FACT_CHECKED, published_at=None)
    client.force_login(reviewer)

    page = client.get(admin_change_url(condition)).content.decode()

    publish = page[page.index('id="publish-at"') :]
    assert publish.index(ZONE_NOTE) < publish.index("</form>")
