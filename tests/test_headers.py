"""Security headers: a strict Content-Security-Policy for readers, a working one for the admin, and a
Permissions-Policy; proxy headers believed only when a setting says a proxy is in front."""

from html.parser import HTMLParser

import pytest
from django.test import RequestFactory

from ops.clientip import client_ip
from tests.people import superuser
from tests.test_settings import manage

pytestmark = pytest.mark.django_db


def policy(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_reader_pages_allow_only_our_own_origin_and_no_inline_script(client, full_article):
    directives = policy(client.get(full_article.get_absolute_url()))

    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in source for sources in directives.values() for source in sources)


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline, self.handlers, self.styles = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs:
            self.inline.append(attrs.get("type"))
        self.handlers += [name for name in attrs if name.startswith("on")]
        if "style" in attrs:
            self.styles.append(tag)


@pytest.mark.parametrize("address", ["/", "/articles/", "/conditions/itp/", "/search/?q=ivig", "/expert-board/"])
def test_reader_pages_hold_no_script_the_policy_would_block(client, full_article, address):
    parser = _Scripts()
    parser.feed(client.get(address).content.decode())

    # JSON-LD is data, which the policy does not run and does not need to.
    assert set(parser.inline) <= {"application/ld+json"}
    assert parser.handlers == []
    assert parser.styles == []


def test_the_article_page_needs_json_ld(client, full_article):
    parser = _Scripts()
    parser.feed(client.get(full_article.get_absolute_url()).content.decode())

    assert parser.inline == ["application/ld+json"]


def test_the_admin_policy_lets_django_admin_and_ckeditor_work_but_stays_same_origin(client):
    client.force_login(superuser())

    directives = policy(client.get("/admin/articles/article/add/"))

    assert directives["script-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["frame-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert "https:" not in " ".join(source for sources in directives.values() for source in sources)


@pytest.mark.parametrize("address", ["/", "/admin/login/", "/articles/nothing-here/"])
def test_every_answer_carries_a_permissions_policy(client, address):
    header = client.get(address)["Permissions-Policy"]

    assert "camera=()" in header
    assert "geolocation=()" in header
    assert "microphone=()" in header


def test_a_forwarded_https_header_is_not_believed_without_a_proxy(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/", HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/"


def test_production_trusts_the_forwarded_proto_only_when_a_proxy_is_configured():
    show = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    production = {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "ivig.example.org",
    }

    direct = manage("shell", "-c", show, **production)
    proxied = manage("shell", "-c", show, DJANGO_PROXY_COUNT="1", **production)

    assert direct.stdout.strip().splitlines()[-1] == "None", direct.stderr
    assert proxied.stdout.strip().splitlines()[-1] == "('HTTP_X_FORWARDED_PROTO', 'https')", proxied.stderr


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "198.51.100.7", "10.0.0.2"),  # no proxy: a client's header is ignored
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # what the client wrote itself stays ignored
        (2, "6.6.6.6, 198.51.100.7, 192.0.2.1", "198.51.100.7"),
        (1, "", "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
    ],
)
def test_the_client_address_is_the_one_our_outermost_proxy_saw(settings, proxies, forwarded_for, expected):
    settings.PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for)

    assert client_ip(request) == expected
