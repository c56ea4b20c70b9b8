"""Readers' pages run outside a transaction; a request that writes gets one, undone when its view fails."""

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import path

from feedback.models import Feedback
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)


def half_done(request):
    ArticleFactory(title="Half-done write")
    raise RuntimeError("the view fails after writing")


def looks(request):
    from django.http import HttpResponse

    return HttpResponse(str(connection.in_atomic_block))


urlpatterns = [path("half-done/", half_done), path("looks/", looks)]


@override_settings(ROOT_URLCONF=__name__)
def test_a_failing_write_leaves_nothing_behind(client):
    client.raise_request_exception = False

    assert client.post("/half-done/").status_code == 500

    from articles.models import Article

    assert not Article.objects.filter(title="Half-done write").exists()


@override_settings(ROOT_URLCONF=__name__)
def test_reads_run_outside_a_transaction_and_writes_inside_one(client):
    assert client.get("/looks/").content == b"False"
    assert client.post("/looks/").content == b"True"


def test_feedback_is_stored_by_a_committed_write(client):
    article = ArticleFactory()

    assert client.post(f"/articles/{article.slug}/feedback/", {"helpful": "yes"}).status_code == 302
    assert Feedback.objects.count() == 1
