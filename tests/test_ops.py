"""Operations: /healthz for a load balancer, request ids in responses and logs, errors hidden from readers."""

import json
import logging

import pytest
from django.test import Client
from django.urls import path

from ops import health
from ops.logs import JsonFormatter, RequestIdFilter


def explode(request):
    raise RuntimeError("database password is hunter2")


urlpatterns = [path("explode/", explode)]


@pytest.mark.django_db
def test_healthz_reports_database_and_cache(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_healthz_answers_a_load_balancer_over_http_by_address(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["ivig.example.org"]

    assert client.get("/healthz", HTTP_HOST="10.0.0.5:8000").status_code == 200


@pytest.mark.django_db
def test_healthz_fails_when_the_cache_is_unreachable(client, monkeypatch, caplog):
    def unreachable():
        raise ConnectionError("cache down")

    monkeypatch.setitem(health.CHECKS, "cache", unreachable)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "failing"}
    assert "Health check cache failed" in caplog.text


@pytest.mark.django_db
def test_every_response_carries_a_fresh_request_id(client):
    first, second = client.get("/robots.txt"), client.get("/robots.txt")

    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
def test_a_request_id_from_the_client_is_kept_only_behind_our_proxy(client, settings):
    forged = client.get("/robots.txt", HTTP_X_REQUEST_ID="from-the-client-123")
    settings.PROXY_COUNT = 1
    proxied = client.get("/robots.txt", HTTP_X_REQUEST_ID="nginx-8f3a9c2e")
    hostile = client.get("/robots.txt", HTTP_X_REQUEST_ID="bad id\nINFO forged log line")

    assert forged["X-Request-ID"] != "from-the-client-123"
    assert proxied["X-Request-ID"] == "nginx-8f3a9c2e"
    assert "\n" not in hostile["X-Request-ID"]


@pytest.mark.django_db
def test_errors_are_logged_with_the_request_id_and_hidden_from_readers(settings, caplog):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    caplog.set_level(logging.ERROR, logger="django.request")
    filter_ = RequestIdFilter()
    logging.getLogger("django.request").addFilter(filter_)
    try:
        response = Client(raise_request_exception=False).get("/explode/")
    finally:
        logging.getLogger("django.request").removeFilter(filter_)

    assert response.status_code == 500
    assert "hunter2" not in response.content.decode()
    assert "Something went wrong on our side" in response.content.decode()
    [record] = [record for record in caplog.records if record.name == "django.request"]
    assert record.request_id == response["X-Request-ID"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == response["X-Request-ID"]
    assert line["level"] == "ERROR"
    assert "hunter2" in line["exception"]


@pytest.mark.django_db
def test_a_not_found_is_logged_with_its_request_id(client, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")

    response = client.get("/articles/no-such-article/")

    [record] = [record for record in caplog.records if record.name == "django.request"]
    RequestIdFilter().filter(record)
    assert record.request_id == response["X-Request-ID"]


def test_log_lines_outside_a_request_say_so():
    record = logging.LogRecord("ops", logging.INFO, __file__, 1, "started", None, None)
    RequestIdFilter().filter(record)

    assert json.loads(JsonFormatter().format(record))["request_id"] == "-"
